import { Agent, request } from 'undici'
import WebSocket from 'ws'
import type { SimGateway } from './server'

/** A raw HTTPS caller for simulator tests: trusts only the simulator's own certificate. */
export function simCaller(sim: SimGateway) {
  const agent = new Agent({ connect: { ca: sim.cert ?? undefined } })
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; text: string }> {
    const res = await request(`${sim.baseUrl}${path}`, {
      method: method as 'GET',
      dispatcher: agent,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    })
    const text = await res.body.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // not JSON (login pages)
    }
    return { status: res.statusCode, body: parsed, text }
  }
  function socket(session?: string): Promise<{
    ws: WebSocket
    messages: unknown[]
    next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  }> {
    const ws = new WebSocket(sim.wsUrl, {
      ca: sim.cert ?? undefined,
      headers: session ? { cookie: `api=${session}` } : {},
    })
    const messages: unknown[] = []
    const waiters: { pred: (m: Record<string, unknown>) => boolean; ok: (m: Record<string, unknown>) => void }[] = []
    ws.on('message', (raw) => {
      const text = raw.toString()
      let m: Record<string, unknown>
      try {
        m = JSON.parse(text) as Record<string, unknown>
      } catch {
        m = { raw: text }
      }
      const waiter = waiters.find((w) => w.pred(m))
      if (!waiter) return void messages.push(m)
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.ok(m)
    })
    return new Promise((ok, fail) => {
      ws.once('open', () =>
        ok({
          ws,
          messages,
          next: (pred) => {
            const found = messages.find((m) => pred(m as Record<string, unknown>))
            if (found) {
              messages.splice(messages.indexOf(found), 1)
              return Promise.resolve(found as Record<string, unknown>)
            }
            return new Promise((resolve) => waiters.push({ pred, ok: resolve }))
          },
        }),
      )
      ws.once('error', fail)
    })
  }
  return { call, socket, close: () => agent.close() }
}
