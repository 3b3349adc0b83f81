import type { WebSocket } from 'ws'
import type { SimClock } from './clock'
import type { PriceEngine } from './prices'
import { quoteFields } from './quotes'
import type { SessionState } from './session'

// The gateway's WebSocket (IBKR.md §7.9): session auth by cookie or first frame, system hello and
// heartbeats, `sts` on session changes, `smd` market data with changed-fields-only pushes.

interface Client {
  ws: WebSocket
  authed: boolean
  /** conid → requested fields and what was last sent. */
  smd: Map<number, { fields: string[]; sent: Record<string, string> }>
}

export class StreamHub {
  private readonly clients = new Set<Client>()
  private lastState: string

  constructor(
    private readonly clock: SimClock,
    private readonly engine: PriceEngine,
    private readonly session: SessionState,
    private readonly accountId: string,
    private readonly halted: Set<number>,
  ) {
    this.lastState = session.state
  }

  attach(ws: WebSocket, cookieSession: string | null): void {
    const client: Client = { ws, authed: false, smd: new Map() }
    this.clients.add(client)
    ws.on('close', () => this.clients.delete(client))
    ws.on('error', () => ws.terminate())
    if (cookieSession && cookieSession === this.session.sessionId && this.session.state !== 'noSession') this.authorise(client)
    else send(client, { message: 'waiting for session' })
    ws.on('message', (raw) => this.onMessage(client, raw.toString()))
  }

  private authorise(client: Client): void {
    client.authed = true
    send(client, { topic: 'system', success: 'simuser', isFT: false, isPaper: true })
    send(client, { topic: 'act', args: { accounts: [this.accountId], acctProps: {}, aliases: {}, allowFeatures: {}, selectedAccount: this.accountId } })
    send(client, { topic: 'sts', args: this.stsArgs() })
  }

  private stsArgs() {
    const a = this.session.authStatus()
    return { authenticated: a.authenticated, competing: a.competing, connected: a.connected, message: '', fail: '', serverName: 'SimGateway', serverVersion: 'sim', username: 'simuser' }
  }

  private onMessage(client: Client, text: string): void {
    if (!client.authed) {
      try {
        const m = JSON.parse(text) as { session?: unknown }
        if (typeof m.session === 'string' && m.session === this.session.sessionId && this.session.state !== 'noSession') return this.authorise(client)
      } catch {
        // not JSON: fall through
      }
      return send(client, { message: 'waiting for session' })
    }
    if (text === 'ech+hb') return void client.ws.send('ech+hb')
    if (text === 'tic') return send(client, { topic: 'tic', alive: true, id: this.session.sessionId, lastAccessed: this.clock.now() })
    const smd = /^smd\+(\d+)\+(.*)$/.exec(text)
    if (smd) {
      const conid = Number(smd[1])
      if (!this.engine.instrument(conid)) return send(client, { topic: `smd+${conid}`, error: `Invalid conid ${conid}` })
      let fields: string[] = ['31']
      try {
        const args = JSON.parse(smd[2]!) as { fields?: unknown }
        if (Array.isArray(args.fields)) fields = args.fields.map(String)
      } catch {
        return send(client, { topic: `smd+${conid}`, error: 'Bad arguments' })
      }
      const existing = client.smd.get(conid)
      const merged = [...new Set([...(existing?.fields ?? []), ...fields])]
      // A (re-)subscription pushes every requested field once, then only changes.
      client.smd.set(conid, { fields: merged, sent: {} })
      return this.pushQuote(client, conid)
    }
    const umd = /^umd\+(\d+)\+/.exec(text)
    if (umd) return void client.smd.delete(Number(umd[1]))
    if (/^(sor|uor|spl|upl|str|utr)\+/.test(text)) return // order, PnL and trade streams arrive with the order simulator
    send(client, { error: `Topic unknown: ${text.slice(0, 40)}` })
  }

  private pushQuote(client: Client, conid: number): void {
    const sub = client.smd.get(conid)
    if (!sub) return
    const all = quoteFields(this.engine, conid, this.clock.now(), this.halted.has(conid))
    const changed: Record<string, unknown> = {}
    for (const f of sub.fields) {
      const v = all[f]
      if (v !== undefined && sub.sent[f] !== v) {
        changed[f] = v
        sub.sent[f] = v
      }
    }
    if (Object.keys(changed).length === 0) return
    send(client, { ...changed, conid, conidEx: String(conid), _updated: this.clock.now(), server_id: 'q0', '6119': 'q0', topic: `smd+${conid}` })
  }

  /** Every clock tick: market data changes, session state changes. */
  tick(): void {
    const state = this.session.state
    for (const c of this.clients) {
      if (!c.authed) continue
      if (state === 'noSession') {
        c.ws.close(1000, 'logged out')
        continue
      }
      if (state !== this.lastState) send(c, { topic: 'sts', args: this.stsArgs() })
      if (state === 'authenticated') for (const conid of c.smd.keys()) this.pushQuote(c, conid)
    }
    this.lastState = state
  }

  heartbeat(): void {
    for (const c of this.clients) if (c.authed) send(c, { topic: 'system', hb: this.clock.now() })
  }

  /** Drop every connection abruptly (tests of reconnect). */
  dropAll(): void {
    for (const c of this.clients) c.ws.terminate()
    this.clients.clear()
  }

  /** The brokerage session restarted: streams do not survive it. */
  reset(): void {
    for (const c of this.clients) c.smd.clear()
  }

  size(): number {
    return this.clients.size
  }
}

function send(client: Client, msg: unknown): void {
  if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(msg))
}
