import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataDirLockedError, lockDataDir } from './data-dir-lock'

describe('data folder lock', () => {
  it('allows one holder at a time and releases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-lock-'))
    const release = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
    release()
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false)
    lockDataDir(dir)()
  })

  it('takes over a lock left by a process that is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-lock-'))
    writeFileSync(join(dir, 'engine.lock'), '999999999')
    const release = lockDataDir(dir)
    release()
  })
})
