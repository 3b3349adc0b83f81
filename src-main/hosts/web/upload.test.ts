import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { spyHandlers } from '../../../tests/fixtures/handlers'
import type { App } from '../../app'
import type { Health } from '../../contract/models'
import { RpcError } from '../../rpc/errors'
import { createDispatcher } from '../../rpc/dispatcher'
import { createEventBus } from '../../rpc/event-bus'
import { createRpcServer } from '../../rpc/server'
import { startWebServer, type WebServer } from './server'
import { UPLOAD_PATH } from './upload'

// The web host's bundle upload answers errors without absolute paths (issue #9 hole 5): an OS
// error's text names the data folder, so the browser gets it with each path cut to its last
// segment, while the log keeps the whole text.

const servers: WebServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  vi.restoreAllMocks()
})

async function start(dataDir: string, importError?: () => never) {
  const staticDir = mkdtempSync(join(tmpdir(), 'ibkr-ws-static-'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>')
  const health = { ok: true, dataDir } as unknown as Health
  const { handlers } = spyHandlers({
    'system.health': () => health,
    ...(importError ? { 'lineage.import': importError } : {}),
  })
  const rpc = createRpcServer(createDispatcher(handlers), createEventBus())
  const app = { rpc, health: () => health, artifact: () => null } as unknown as App
  const s = await startWebServer({ app, staticDir, port: 0 })
  servers.push(s)
  return s
}

async function upload(s: WebServer, bytes = Buffer.from('not really a bundle')) {
  const res = await fetch(`http://127.0.0.1:${s.port}${UPLOAD_PATH}?token=${s.token}&name=run.wsbundle`, {
    method: 'POST',
    body: bytes,
    headers: { 'content-length': String(bytes.length) },
  })
  return { status: res.status, body: (await res.json()) as { error?: string } }
}

describe('web upload errors carry no absolute paths', () => {
  it('a storage failure (the OS error names the data folder) answers 500 with the path cut', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ibkr-ws-upload-'))
    // A file where the incoming folder should be: mkdir fails with EEXIST and the full path.
    writeFileSync(join(dataDir, 'review-incoming'), '')
    const logged: string[] = []
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => void logged.push(String(m)))
    const s = await start(dataDir)
    const r = await upload(s)
    expect(r.status).toBe(500)
    expect(r.body.error).toMatch(
      /^Could not store the upload: EEXIST: file already exists, mkdir '…\/review-incoming'$/,
    )
    expect(r.body.error).not.toContain(dataDir)
    expect(r.body.error).not.toContain(tmpdir())
    // The log keeps the whole text, path included.
    expect(logged.some((l) => l.includes(join(dataDir, 'review-incoming')))).toBe(true)
  })

  it('an import failure with a path in its message answers 422 with the path cut; the upload is removed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ibkr-ws-upload-'))
    mkdirSync(join(dataDir, 'review-incoming'))
    const s = await start(dataDir, () => {
      throw new RpcError('BAD_INPUT', `Not a review bundle: ${join(dataDir, 'review-incoming', 'x.wsbundle')}`)
    })
    const r = await upload(s)
    expect(r.status).toBe(422)
    expect(r.body.error).toBe('Not a review bundle: …/x.wsbundle')
    expect(readdirSync(join(dataDir, 'review-incoming'))).toEqual([])
  })
})
