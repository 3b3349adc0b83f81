import type { Timers } from '../../timers'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { PacerClock } from './pacer'

// A scripted stand-in for the Client Portal Gateway, for unit tests: plain HTTP and WS on
// 127.0.0.1:0, one handler per `METHOD /path` (query stripped), every request recorded.
// Handlers that never answer or destroy the socket reproduce timeouts and resets.

export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void

export interface FakeGateway {
  url: string
  seen: SeenRequest[]
  frames: string[]
  sockets: Set<WebSocket>
  on(key: string, h: Handler): void
  /** Answer `key` with JSON `body` and `status`. */
  json(key: string, body: unknown, status?: number): void
  count(key: string): number
  push(frame: unknown): void
  close(): Promise<void>
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const handlers = new Map<string, Handler>()
  const seen: SeenRequest[] = []
  const frames: string[] = []
  const sockets = new Set<WebSocket>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      const path = u.pathname.replace(/^\/v1\/api/, '')
      const text = Buffer.concat(chunks).toString()
      const r: SeenRequest = {
        method: req.method ?? 'GET',
        path,
        query: u.searchParams,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      }
      seen.push(r)
      const h = handlers.get(`${r.method} ${path}`)
      if (h) return h(r, res)
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `no handler for ${r.method} ${path}` }))
    })
  })
  const wss = new WebSocketServer({ server, path: '/v1/api/ws' })
  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString()
      frames.push(text)
      if (text.startsWith('{"session"')) ws.send(JSON.stringify({ topic: 'system', success: 'user1' }))
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  const fake: FakeGateway = {
    url: `http://127.0.0.1:${port}`,
    seen,
    frames,
    sockets,
    on: (key, h) => handlers.set(key, h),
    json: (key, body, status = 200) =>
      handlers.set(key, (_r, res) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      ),
    count: (key) => seen.filter((r) => `${r.method} ${r.path}` === key).length,
    push: (frame) => sockets.forEach((s) => s.send(JSON.stringify(frame))),
    async close() {
      for (const s of sockets) s.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((ok) => server.close(() => ok()))
    },
  }
  return fake
}

/** A clock whose sleeps advance virtual time at once. */
export function fakeClock(start = 1_700_000_000_000): PacerClock & { slept: number[] } {
  let t = start
  const slept: number[] = []
  return {
    now: () => t,
    slept,
    sleep: (ms) => {
      slept.push(ms)
      t += ms
      return Promise.resolve()
    },
  }
}

/** Timers that fire only when the test says so. */
export function manualTimers(): Timers & { fireAfter(): void; fireEvery(): void; pendingAfter(): number } {
  let after: (() => void)[] = []
  const every: (() => void)[] = []
  return {
    every(fn) {
      every.push(fn)
      return () => every.splice(every.indexOf(fn), 1)
    },
    after(fn) {
      after.push(fn)
      return () => (after = after.filter((f) => f !== fn))
    },
    fireAfter() {
      const run = after
      after = []
      for (const f of run) f()
    },
    fireEvery() {
      for (const f of [...every]) f()
    },
    pendingAfter: () => after.length,
  }
}

/** Let sockets and promises settle (no timers). */
export async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r))
  if (!cond()) throw new Error(`timed out waiting for ${what}`)
}

/** The gateway answers an authenticated session with one paper account. */
export function scriptAuthenticated(g: FakeGateway, account = 'DU1234567'): void {
  g.json('POST /tickle', {
    session: 'abc123',
    ssoExpires: 500_000,
    iserver: { authStatus: { authenticated: true, connected: true, competing: false } },
  })
  g.json('GET /iserver/accounts', { accounts: [account], selectedAccount: account, isPaper: true, acctProps: {} })
  g.json('GET /portfolio/accounts', [
    { id: account, accountId: account, accountTitle: 'Paper', currency: 'USD', type: 'DEMO' },
  ])
}
