import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { RpcCallError } from '../../src-main/contract/client'
import { connectRpc, probeSocket, startWebHost, tempDataDir, type RunningHost } from '../fixtures/web-host'

const hosts: RunningHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()))
})

async function start(opts: Parameters<typeof startWebHost>[0] = {}) {
  const h = await startWebHost(opts)
  hosts.push(h)
  return h
}

function countRows(dataDir: string, table: string): number {
  const db = new Database(join(dataDir, 'workstation.sqlite'), { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

describe('web host (child process, port 0, temporary data folder)', () => {
  it('prints exactly the ready line and serves /healthz without a token', async () => {
    const h = await start()
    expect(Object.keys(h).slice(0, 4)).toEqual(['url', 'port', 'token', 'dataDir'])
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/?token=${h.token}`)
    expect(h.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const res = await fetch(`http://127.0.0.1:${h.port}/healthz`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      ok: true,
      version: expect.any(String),
      gateway: { url: 'sim', state: expect.any(String) },
      db: 'ok',
    })
    expect(JSON.stringify(body)).not.toContain(h.token)
  })

  it('answers system.health over /rpc with the token', async () => {
    const h = await start()
    const { client, ws } = await connectRpc(h.port, h.token)
    const health = await client.call('system.health', {})
    expect(health).toMatchObject({ ok: true, db: 'ok', host: 'web', dataDir: h.dataDir })
    expect(await client.call('runs.list', {})).toEqual([])
    expect(await client.call('lineage.getRun', { runId: 'missing' }).catch((e: unknown) => e)).toMatchObject({
      code: 'NOT_FOUND',
    })
    ws.close()
  })

  // Issue #9: a bad or missing token is refused with HTTP 401 before the upgrade (was 101, then close 4401).
  it(
    'refuses a wrong or missing token with 401 before the ' + 'upgrade, and refuses foreign origins and hosts',
    async () => {
      const h = await start()
      const base = `ws://127.0.0.1:${h.port}/rpc`
      expect(await probeSocket(`${base}?token=wrong`)).toEqual({ httpStatus: 401 })
      expect(await probeSocket(base)).toEqual({ httpStatus: 401 })
      expect(await probeSocket(`${base}?token=${h.token}`, { Origin: 'http://evil.example' })).toEqual({
        httpStatus: 403,
      })
      expect(await probeSocket(`${base}?token=${h.token}`, { Origin: `http://localhost:${h.port}` })).toEqual({
        httpStatus: 403,
      })
      expect(await probeSocket(`${base}?token=${h.token}`, { Host: `rebound.example:${h.port}` })).toEqual({
        httpStatus: 403,
      })
      const ok = await connectRpc(h.port, h.token, { Origin: `http://127.0.0.1:${h.port}` })
      expect((await ok.client.call('gateway.status', {})).url).toBe('sim')
      ok.ws.close()
    },
  )

  it('answers bad input with BAD_INPUT and writes nothing', async () => {
    const h = await start()
    const { client, ws } = await connectRpc(h.port, h.token)
    const before = { settings: countRows(h.dataDir, 'settings'), audit: countRows(h.dataDir, 'audit_log') }
    const bad = [
      { gateway: 'ftp://nope' },
      { account: 'has space' },
      { llmModel: 42 },
      { gateway: 'sim', extra: 1 },
      {},
    ]
    for (const p of bad) {
      const err = await client.call('settings.update', p as never).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RpcCallError)
      expect((err as RpcCallError).code).toBe('BAD_INPUT')
    }
    const key = await client.call('settings.update', { llmApiKey: 'sk-x' }).catch((e: unknown) => e)
    expect((key as RpcCallError).code).toBe('FORBIDDEN')
    expect({ settings: countRows(h.dataDir, 'settings'), audit: countRows(h.dataDir, 'audit_log') }).toEqual(before)
    ws.close()
  })

  it('keeps settings across a restart and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir()
    const first = await start({ dataDir })
    const a = await connectRpc(first.port, first.token)
    await a.client.call('settings.update', { llmModel: 'llava:13b', account: 'DU7654321' })
    a.ws.close()
    expect(await first.stop('SIGTERM')).toBe(0)
    expect(existsSync(join(dataDir, 'engine.lock'))).toBe(false)

    const second = await start({ dataDir })
    const b = await connectRpc(second.port, second.token)
    const s = await b.client.call('settings.get', {})
    expect(s.llmModel).toMatchObject({ value: 'llava:13b', source: 'stored' })
    expect(s.account).toMatchObject({ value: 'DU7654321', source: 'stored' })
    b.ws.close()
    expect(await second.stop('SIGINT')).toBe(0)
  })

  it('refuses a second engine on the same data folder', async () => {
    const dataDir = tempDataDir()
    await start({ dataDir })
    await expect(startWebHost({ dataDir })).rejects.toThrow(/Another instance \(pid \d+\) is using/)
  })

  it('pushes db.changed to subscribers after a settings write', async () => {
    const h = await start()
    const watcher = await connectRpc(h.port, h.token)
    const writer = await connectRpc(h.port, h.token)
    const seen = new Promise<string[]>((ok) => watcher.client.on('db.changed', (d) => ok(d.tables)))
    await watcher.client.call('system.health', {}) // the sub frame is processed before this call returns
    await writer.client.call('settings.update', { llmModel: 'm1' })
    expect(await seen).toContain('settings')
    watcher.ws.close()
    writer.ws.close()
  })

  it('serves the renderer with the CSP header, no traversal, and artifacts only with the token', async () => {
    const h = await start()
    const index = await fetch(`http://127.0.0.1:${h.port}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${h.port}`)
    expect(await index.text()).toContain('<div id="root"')
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets/../../package.json']) {
      const r = await fetch(`http://127.0.0.1:${h.port}${p}`)
      expect(r.status, p).toBe(404)
    }
    const sha = 'a'.repeat(64)
    expect((await fetch(`http://127.0.0.1:${h.port}/artifacts/${sha}`)).status).toBe(401)
    expect((await fetch(`http://127.0.0.1:${h.port}/artifacts/${sha}?token=${h.token}`)).status).toBe(404)
  })

  // Issue #9 hole 4: a bundle whose `runs` is a VIEW with an unbounded recursive CTE used to block the
  // event loop at import (/healthz silent, SIGTERM ignored). Now it is refused by name, quickly, while
  // /healthz keeps answering, and SIGTERM still stops the host cleanly.
  it('refuses a hostile bundle quickly, keeps /healthz answering meanwhile, and still stops on SIGTERM', async () => {
    const h = await start()
    const file = join(tempDataDir(), 'hostile.wsbundle')
    const w = new Database(file)
    w.pragma('application_id = 1465074225') // 'WSB1'
    w.exec(`CREATE TABLE bundle_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE VIEW runs AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id FROM c`)
    w.close()
    const { client, ws } = await connectRpc(h.port, h.token)
    let imported = false
    const started = Date.now()
    const outcome = client.call('lineage.import', { file }).then(
      () => 'imported',
      (e: unknown) => (e as Error).message,
    )
    void outcome.finally(() => (imported = true))
    let healthChecks = 0
    while (!imported) {
      const r = await fetch(`http://127.0.0.1:${h.port}/healthz`, { signal: AbortSignal.timeout(2000) })
      expect(r.status).toBe(200)
      healthChecks++
    }
    expect(await outcome).toBe('hostile.wsbundle was refused: it defines a VIEW "runs".')
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(healthChecks).toBeGreaterThan(0)
    ws.close()
    expect(await h.stop('SIGTERM')).toBe(0)
  })

  it('exits with a clear message on bad flags', async () => {
    await expect(startWebHost({ args: ['--gateway', 'ftp://x'] })).rejects.toThrow(/--gateway: Use "sim"/)
  })
})
