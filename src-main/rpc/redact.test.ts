import { describe, expect, it } from 'vitest'
import { redactPaths } from './redact'

describe('redactPaths', () => {
  it('keeps only the last segment of absolute paths, and leaves URLs and relative names alone', () => {
    expect(redactPaths(`Cannot find module '/home/ana/app/out/main/chunks/bundle-worker.ts'`)).toBe(
      `Cannot find module '…/bundle-worker.ts'`,
    )
    expect(redactPaths('ENOENT: no such file or directory, open /tmp/ibkr-ws-x/exports/a.wsbundle')).toBe(
      'ENOENT: no such file or directory, open …/a.wsbundle',
    )
    expect(redactPaths('    at run (/work/app/src-main/engine/executor.ts:120:7)')).toBe(
      '    at run (…/executor.ts:120:7)',
    )
    expect(redactPaths('    at async file:///home/ana/app/node_modules/@vitest/runner/dist/chunk.js:1903:20')).toBe(
      '    at async …/chunk.js:1903:20',
    )
    expect(redactPaths('at file:///C:/Users/ana/app/out/main/index.js:1:2')).toBe('at …/index.js:1:2')
    expect(redactPaths('open C:\\Users\\ana\\AppData\\db.sqlite failed')).toBe('open …\\db.sqlite failed')
    expect(redactPaths('GET https://127.0.0.1:5000/v1/api/iserver/accounts returned 500')).toBe(
      'GET https://127.0.0.1:5000/v1/api/iserver/accounts returned 500',
    )
    expect(redactPaths("Bundles are exported to the data folder's exports/ folder")).toBe(
      "Bundles are exported to the data folder's exports/ folder",
    )
    expect(redactPaths('the / key, 1/2 of the risk')).toBe('the / key, 1/2 of the risk')
  })
})
