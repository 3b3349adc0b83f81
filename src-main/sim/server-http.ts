import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { generate } from 'selfsigned'
import { pathTemplate } from '../broker/ibkr/cpapi-limits'
import type { SimClock } from './clock'
import type { GatewayCore } from './gateway'
import { appendJournal, type FaultSpec, type JournalEntry } from './limits'
import type { SessionState } from './session'

// The simulator's HTTP side (IBKR.md §7): the loopback certificate, the request pipeline (faults, journal,
// JSON replies), the browser login pages and the WebSocket session cookie. Routes themselves live in GatewayCore.

let certificate: Promise<{ cert: string; key: string }> | null = null

/** One self-signed loopback certificate per process (generation takes ~100 ms). */
export function loopbackCertificate() {
  certificate ??= Promise.resolve(
    generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      notBeforeDate: new Date(Date.now() - 86_400_000),
      notAfterDate: new Date(Date.now() + 825 * 86_400_000),
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    }),
  ).then((p) => ({ cert: p.cert, key: p.private }))
  return certificate
}

export function fingerprintOf(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return `sha256/${createHash('sha256').update(der).digest('base64')}`
}

const LOGIN_PAGE = (message: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Client Portal Login (Simulator)</title></head>
<body style="font-family:sans-serif;max-width:420px;margin:60px auto">
<h2>IBKR Client Portal — Simulator</h2><p>${message}</p>
<form method="post" action="/sso/Login"><label>User <input name="user" value="simuser"></label><br><br>
<label>Password <input name="password" type="password" value="sim"></label><br><br>` +
  `<button type="submit">Log in</button></form>
<p style="color:#666">This is the built-in simulator. Any credentials log in to the paper account.</p></body></html>`

/** The HTTP request handler over the gateway core: injected faults, the journal, JSON replies, login pages. */
export function requestHandler(core: GatewayCore, session: SessionState, clock: SimClock, journalLimit = Infinity) {
  const record = (e: JournalEntry) => appendJournal(core.journal, e, journalLimit)
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    const body = await readBody(req)
    if (!url.pathname.startsWith('/v1/api/')) return loginPages(req, res, url.pathname, body)
    const path = url.pathname.slice('/v1/api'.length)
    const template = pathTemplate(path)
    let parsed: unknown
    try {
      parsed = body ? JSON.parse(body) : null
    } catch {
      return reply(
        res,
        400,
        { error: 'Bad Request: invalid JSON' },
        { method: req.method ?? 'GET', path, template, query: url.search, body },
      )
    }
    const entry = { method: req.method ?? 'GET', path, template, query: url.search, body: parsed }
    const fault = core.faults.take(entry.method, path, template)
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
    if (fault?.drop === 'beforeResponse') {
      record({ ...entry, at: clock.now(), status: 'dropped' })
      return req.socket.destroy()
    }
    if (fault?.hold === 'beforeCommit') return hold(entry, fault)
    if (fault && fault.status) return reply(res, fault.status, fault.body ?? { error: 'Injected fault' }, entry)
    const result = await core.handle({ method: entry.method, path, query: url.searchParams, body: parsed })
    if (fault?.hold === 'afterCommit') return hold(entry, fault)
    if (fault?.drop === 'afterCommit') {
      record({ ...entry, at: clock.now(), status: 'dropped' })
      return req.socket.destroy()
    }
    reply(res, result.status, result.body, entry)
  }

  /** The request stays unanswered until the client goes away. */
  function hold(entry: Omit<JournalEntry, 'at' | 'status'>, fault: FaultSpec) {
    record({ ...entry, at: clock.now(), status: 'held' })
    fault.onHold?.()
  }

  function reply(res: ServerResponse, status: number, payload: unknown, entry: Omit<JournalEntry, 'at' | 'status'>) {
    record({ ...entry, at: clock.now(), status })
    const text = JSON.stringify(payload)
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      date: new Date(clock.now()).toUTCString(),
    })
    res.end(text)
  }

  function loginPages(req: IncomingMessage, res: ServerResponse, path: string, body: string) {
    if (req.method === 'POST' && path === '/sso/Login') {
      session.login()
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'set-cookie': `api=${session.sessionId}; Path=/; Secure; HttpOnly`,
      })
      return res.end(LOGIN_PAGE('Client login succeeds. You can close this window.'))
    }
    if (req.method === 'GET' && (path === '/' || path === '/sso/Login')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      return res.end(
        LOGIN_PAGE(session.state === 'noSession' ? 'Log in to start a session.' : `Session state: ${session.state}.`),
      )
    }
    void body
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end('Not found')
  }

  return (req: IncomingMessage, res: ServerResponse) => void serve(req, res)
}

/** The session id from a WebSocket upgrade's `api` cookie: plain, or the JSON form `{"session": …}`. */
export function cookieSessionOf(cookieHeader: string | undefined): string | null {
  const cookie = /(?:^|;\s*)api=([^;]+)/.exec(cookieHeader ?? '')?.[1] ?? null
  let cookieSession = cookie
  if (cookie?.startsWith('{') || cookie?.startsWith('%7B')) {
    try {
      cookieSession = (JSON.parse(decodeURIComponent(cookie)) as { session?: string }).session ?? null
    } catch {
      cookieSession = null
    }
  }
  return cookieSession
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > 1_000_000) break
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
