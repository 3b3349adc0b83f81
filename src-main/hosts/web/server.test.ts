import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { App } from '../../app'
import type { Health } from '../../contract/models'
import { spyHandlers } from '../../../tests/fixtures/handlers'
import { createDispatcher } from '../../rpc/dispatcher'
import { createEventBus } from '../../rpc/event-bus'
import { createRpcServer } from '../../rpc/server'
import { probeSocket } from '../../../tests/fixtures/web-host'
import { SESSION_COOKIE_PREFIX, startWebServer, type WebServer } from './server'

// The web host's HTTP surface in this process (no build needed): the token is traded once for an
// HttpOnly session cookie, a bad credential is refused with 401 before the upgrade, /healthz checks
// Host, and artifacts are served with an allow-list of types and a sandboxing CSP.

const HEALTH: Health = {
  ok: true,
  version: '1',
  gateway: { url: 'sim', state: 'offline' },
  db: 'ok',
  host: 'test',
  startedAt: 0,
  dataDir: '/d',
}
const SHA_HTML = 'a'.repeat(64)
const SHA_PNG = 'b'.repeat(64)
const SHA_TEXT = 'c'.repeat(64)
const ARTIFACTS: Record<string, { mime: string; content: Buffer }> = {
  [SHA_HTML]: { mime: 'text/html', content: Buffer.from('<script>alert(1)</script>') },
  [SHA_PNG]: { mime: 'image/png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
  [SHA_TEXT]: { mime: 'text/plain; charset=utf-8', content: Buffer.from('hello') },
}

const servers: WebServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function start(): Promise<WebServer> {
  const staticDir = mkdtempSync(join(tmpdir(), 'ibkr-ws-static-'))
  mkdirSync(join(staticDir, 'assets'))
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="root"></div>')
  const { handlers } = spyHandlers({ 'system.health': () => HEALTH })
  const rpc = createRpcServer(createDispatcher(handlers), createEventBus())
  const app = {
    rpc,
    health: () => HEALTH,
    artifact: (sha: string) => ARTIFACTS[sha] ?? null,
  } as unknown as App
  const s = await startWebServer({ app, staticDir, port: 0 })
  servers.push(s)
  return s
}

/** A raw GET with any Host header (fetch cannot forge Host). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }))
      })
      req.on('error', fail)
      req.end()
    },
  )
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const line = [setCookie ?? []].flat()[0] ?? ''
  return line.split(';')[0]!
}

describe('web server: token, cookie, Host and artifacts', () => {
  it(
    'trades the launch token once for an HttpOnly ' + 'SameSite=Strict cookie that then opens /rpc and /artifacts',
    async () => {
      const s = await start()
      const page = await rawGet(s.port, `/?token=${s.token}`)
      expect(page.status).toBe(200)
      const set = String(page.headers['set-cookie'])
      expect(set).toMatch(
        new RegExp(`^${SESSION_COOKIE_PREFIX}${s.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`),
      )
      expect(set).not.toContain(s.token)
      // No token in the URL: no cookie handed out.
      expect((await rawGet(s.port, '/')).headers['set-cookie']).toBeUndefined()
      expect((await rawGet(s.port, '/?token=wrong')).headers['set-cookie']).toBeUndefined()

      const cookie = cookieOf(page.headers['set-cookie'])
      expect((await rawGet(s.port, '/session', { cookie })).status).toBe(204)
      expect((await rawGet(s.port, '/session')).status).toBe(401)
      expect((await rawGet(s.port, `/artifacts/${SHA_PNG}`, { cookie })).status).toBe(200)
      expect(
        (await rawGet(s.port, `/artifacts/${SHA_PNG}`, { cookie: `${SESSION_COOKIE_PREFIX}${s.port}=forged` })).status,
      ).toBe(401)

      const ws = new WebSocket(`ws://127.0.0.1:${s.port}/rpc`, { headers: { cookie } })
      await new Promise<void>((ok, fail) => {
        ws.once('open', () => ok())
        ws.once('error', fail)
      })
      const reply = new Promise<string>((ok) => ws.once('message', (d: Buffer) => ok(d.toString())))
      ws.send(JSON.stringify({ t: 'call', id: 1, m: 'system.health', p: {} }))
      expect(JSON.parse(await reply)).toMatchObject({ t: 'ok', id: 1, r: { ok: true } })
      ws.close()
    },
  )

  it('refuses a bad or missing token with HTTP 401 before the upgrade; scripts keep /rpc?token=', async () => {
    const s = await start()
    const base = `ws://127.0.0.1:${s.port}/rpc`
    expect(await probeSocket(`${base}?token=wrong`)).toEqual({ httpStatus: 401 })
    expect(await probeSocket(base)).toEqual({ httpStatus: 401 })
    expect(await probeSocket(base, { cookie: `${SESSION_COOKIE_PREFIX}${s.port}=${s.token}` })).toEqual({
      httpStatus: 401,
    })
    const ws = new WebSocket(`${base}?token=${s.token}`)
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok())
      ws.once('error', fail)
    })
    ws.close()
  })

  it('answers /healthz only for its own Host', async () => {
    const s = await start()
    expect((await rawGet(s.port, '/healthz')).status).toBe(200)
    const foreign = await rawGet(s.port, '/healthz', { host: `attacker.example:${s.port}` })
    expect(foreign.status).toBe(421)
    expect(foreign.body).not.toContain('sim')
    expect((await rawGet(s.port, '/healthz', { host: `localhost:${s.port}` })).status).toBe(421)
  })

  it('serves artifacts with an allow-list of types, a sandboxing CSP and nosniff; links need no token', async () => {
    const s = await start()
    const auth = { authorization: `Bearer ${s.token}` }
    expect((await rawGet(s.port, `/artifacts/${SHA_HTML}`)).status).toBe(401)
    const html = await rawGet(s.port, `/artifacts/${SHA_HTML}`, auth)
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toBe('application/octet-stream')
    expect(html.headers['content-disposition']).toMatch(/^attachment; filename="a{16}\.bin"$/)
    expect(html.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(html.headers['x-content-type-options']).toBe('nosniff')
    const png = await rawGet(s.port, `/artifacts/${SHA_PNG}`, auth)
    expect(png.headers['content-type']).toBe('image/png')
    expect(png.headers['content-disposition']).toBeUndefined()
    expect(png.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    const text = await rawGet(s.port, `/artifacts/${SHA_TEXT}`, auth)
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8')
  })
})
