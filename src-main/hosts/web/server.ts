import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { App } from '../../app'
import { MAX_FRAME_BYTES } from '../../contract/wire'
import { redactPaths } from '../../rpc/redact'
import { cspString } from '../csp'
import { artifactHeaders } from '../artifact-headers'
import { handleBundleUpload, UPLOAD_PATH } from './upload'

export interface WebServerOptions {
  /** The running engine (the trading App, or the review-mode Engine). */
  app: Pick<App, 'rpc' | 'health' | 'artifact'>
  staticDir: string
  port: number
  /** Per-launch secret; generated when omitted. */
  token?: string
}

export interface WebServer {
  port: number
  token: string
  url: string
  close(): Promise<void>
}

const HOST = '127.0.0.1'
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
}
/** Kept for old clients; a bad or missing token is now refused with HTTP 401 before the upgrade. */
export const WS_CLOSE_BAD_TOKEN = 4401
/**
 * The session cookie the launch token is traded for (HttpOnly, SameSite=Strict). Cookies are per
 * host, not per port, so the name carries the port: two engines on 127.0.0.1 never clobber each other.
 */
export const SESSION_COOKIE_PREFIX = 'ibkr_ws_session_'

/**
 * The web host's HTTP + WebSocket server (RELIABILITY.md §2.5): 127.0.0.1 only, a per-launch token
 * for /rpc and /artifacts, Host and Origin checks, the built renderer as static files. The page's
 * launch URL carries the token once: the page load trades it for an HttpOnly, SameSite=Strict
 * session cookie (a separate random secret), the renderer removes it from the address bar, and the
 * page then authenticates /rpc and /artifacts with the cookie alone. Scripts keep `/rpc?token=…`.
 */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url')
  const session = randomBytes(32).toString('base64url')
  const staticRoot = resolve(opts.staticDir)
  let port = 0
  const csp = () => cspString({ connectSrc: [`ws://${HOST}:${port}`], frameAncestorsNone: true })

  const server = createServer((req, res) => {
    try {
      route(req, res)
    } catch (e) {
      console.error('[web] request failed:', e)
      send(res, 500, 'text/plain; charset=utf-8', `Internal error: ${redactPaths((e as Error).message)}`)
    }
  })

  function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    if (!hostAllowed(req)) return send(res, 421, 'text/plain; charset=utf-8', 'Misdirected request')
    if (url.pathname === '/healthz') {
      const h = opts.app.health()
      send(
        res,
        h.ok ? 200 : 503,
        'application/json',
        JSON.stringify({ ok: h.ok, version: h.version, gateway: h.gateway, db: h.db }),
      )
      return
    }
    if (url.pathname === UPLOAD_PATH && req.method === 'POST') {
      if (!originAllowed(req) || !authorised(req, url))
        return send(res, 401, 'text/plain; charset=utf-8', 'Token required')
      return handleBundleUpload(req, res, url, { dataDir: opts.app.health().dataDir, rpc: opts.app.rpc })
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed')
    if (url.pathname.startsWith('/artifacts/')) return serveArtifact(req, res, url)
    if (url.pathname === '/session')
      return authorised(req, url)
        ? send(res, 204, 'text/plain; charset=utf-8', '')
        : send(res, 401, 'text/plain; charset=utf-8', 'Token required')
    serveStatic(res, url.pathname, tokenMatches(url.searchParams.get('token') ?? ''))
  }

  function serveArtifact(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (!authorised(req, url)) return send(res, 401, 'text/plain; charset=utf-8', 'Token required')
    const sha = url.pathname.slice('/artifacts/'.length)
    if (!/^[0-9a-f]{64}$/.test(sha)) return send(res, 400, 'text/plain; charset=utf-8', 'Expected /artifacts/<sha256>')
    const artifact = opts.app.artifact(sha, url.searchParams.get('review'))
    if (!artifact) return send(res, 404, 'text/plain; charset=utf-8', 'No such artifact')
    res.writeHead(200, artifactHeaders(artifact.mime, sha))
    res.end(artifact.content)
  }

  /** The session cookie, the token in the query, or `Authorization: Bearer <token>`. */
  function authorised(req: IncomingMessage, url: URL): boolean {
    const bearer = req.headers.authorization?.replace(/^Bearer /, '')
    return cookieMatches(req) || tokenMatches(url.searchParams.get('token') ?? '') || (!!bearer && tokenMatches(bearer))
  }

  function cookieMatches(req: IncomingMessage): boolean {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=')
      if (k === cookieName() && secretMatches(v.join('='), session)) return true
    }
    return false
  }

  function serveStatic(res: ServerResponse, pathname: string, tradeToken: boolean) {
    let rel: string
    try {
      rel = decodeURIComponent(pathname)
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'Bad path')
    }
    if (rel.includes('\0')) return send(res, 400, 'text/plain; charset=utf-8', 'Bad path')
    if (rel === '/' || rel === '') rel = '/index.html'
    const file = resolve(staticRoot, '.' + rel)
    if (file !== staticRoot && !file.startsWith(staticRoot + sep))
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found')
    if (!existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'Not found')
    const type = MIME[extname(file)] ?? 'application/octet-stream'
    const headers: Record<string, string> = {
      'content-type': type,
      'content-security-policy': csp(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'public, max-age=3600',
    }
    if (tradeToken && file.endsWith('.html'))
      headers['set-cookie'] = `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, headers)
    createReadStream(file).pipe(res)
  }

  function hostAllowed(req: IncomingMessage): boolean {
    return req.headers.host === `${HOST}:${port}`
  }

  function originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    return origin === undefined || origin === `http://${HOST}:${port}`
  }

  const cookieName = () => `${SESSION_COOKIE_PREFIX}${port}`

  function tokenMatches(candidate: string): boolean {
    return secretMatches(candidate, token)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    if (url.pathname !== '/rpc' || !hostAllowed(req) || !originAllowed(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    // Refused before the upgrade: a bad or missing credential never gets a socket.
    if (!authorised(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  function attach(ws: WebSocket) {
    const conn = opts.app.rpc.connect((frame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
    })
    let alive = true
    ws.on('pong', () => (alive = true))
    const ping = setInterval(() => {
      if (!alive) return ws.terminate()
      alive = false
      ws.ping()
    }, 30_000)
    ping.unref()
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'Text frames only')
      conn.receive(data.toString())
    })
    ws.on('close', () => {
      clearInterval(ping)
      conn.close()
    })
    ws.on('error', () => ws.terminate())
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port, HOST, () => ok())
  })
  const address = server.address() as AddressInfo
  if (address.address !== HOST) throw new Error(`Refusing to serve on ${address.address}; expected ${HOST}`)
  port = address.port

  return {
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'Host shutting down')
      wss.close()
      await new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      })
    },
  }
}

function secretMatches(candidate: string, secret: string): boolean {
  const a = Buffer.from(candidate)
  const b = Buffer.from(secret)
  return a.length === b.length && timingSafeEqual(a, b)
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' })
  res.end(body)
}
