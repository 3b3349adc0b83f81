import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { generate } from 'selfsigned'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { fingerprintOfPem, peekCertificate, pinnedTls } from './certificate'
import { GatewayUnreachableError } from './errors'
import { CpapiHttp } from './http'
import { CPAPI_LIMITS, Pacer, type PacerClock } from './pacer'

// Issue #9, hole 6: pinning is by fingerprint, independent of the certificate's names. A gateway
// whose self-signed certificate names only `localhost`, reached as https://127.0.0.1:PORT, connects
// (REST and WebSocket) once that certificate is pinned; a different certificate is still refused.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function certNaming(name: string) {
  const p = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  })
  return { cert: p.cert, key: p.private }
}

async function gateway(pem: { cert: string; key: string }): Promise<{ origin: string; server: Server }> {
  const server = createServer(pem, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ path: req.url }))
  })
  const wss = new WebSocketServer({ server })
  wss.on('connection', (ws) => ws.send('hello'))
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  cleanups.push(
    () =>
      new Promise<void>((ok) => {
        wss.close()
        server.closeAllConnections()
        server.close(() => ok())
      }),
  )
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

const clock: PacerClock = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }

function http(origin: string, ca: string | null) {
  const h = new CpapiHttp({ baseUrl: origin, ca, pacer: new Pacer(clock, CPAPI_LIMITS), clock, readAttempts: 1 })
  cleanups.push(() => h.close())
  return h
}

function wsOpen(url: string, ca: string | null): Promise<string> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, pinnedTls(ca) as WebSocket.ClientOptions)
    ws.once('message', (d: Buffer) => {
      ok(d.toString())
      ws.close()
    })
    ws.once('error', fail)
  })
}

describe('certificate pinning by fingerprint', () => {
  it(
    'connects to https://127.0.0.1 whose pinned certificate ' + 'names only localhost, over REST and WebSocket',
    async () => {
      const pem = await certNaming('localhost')
      const g = await gateway(pem)
      const peeked = await peekCertificate(g.origin)
      expect(peeked.fingerprint).toBe(fingerprintOfPem(pem.cert))
      expect(await http(g.origin, peeked.pem).get('/iserver/auth/status')).toEqual({
        path: '/v1/api/iserver/auth/status',
      })
      expect(await wsOpen(`${g.origin.replace('https', 'wss')}/v1/api/ws`, peeked.pem)).toBe('hello')
    },
  )

  it('still refuses a certificate that is not the pinned one, as untrusted, and refuses without a pin', async () => {
    const g = await gateway(await certNaming('localhost'))
    const other = await certNaming('localhost')
    const refused = await http(g.origin, other.cert)
      .get('/iserver/auth/status')
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(GatewayUnreachableError)
    expect((refused as GatewayUnreachableError).untrustedCertificate).toBe(true)
    await expect(wsOpen(`${g.origin.replace('https', 'wss')}/v1/api/ws`, other.cert)).rejects.toThrow()
    const unpinned = await http(g.origin, null)
      .get('/iserver/auth/status')
      .catch((e: unknown) => e)
    expect((unpinned as GatewayUnreachableError).untrustedCertificate).toBe(true)
  })
})
