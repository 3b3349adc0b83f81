import type { WebSocket } from 'ws'
import type { SimClock } from './clock'
import type { PriceEngine } from './prices'
import { quoteFields } from './quotes'
import type { SessionState } from './session'

// The gateway's WebSocket (IBKR.md §7.9): session auth by cookie or first frame, system hello and
// heartbeats, `sts` on session changes, `smd` market data with changed-fields-only pushes, and
// the order (`sor`), trade (`str`) and PnL (`spl`) streams.

/** What the order simulator offers the streams. */
export interface StreamFeeds {
  /** An `smd` subscription ends silently this long after it was (re-)sent; null: never. */
  smdExpiryMs: number | null
  marketDataSeen: Set<number>
  liveOrders(): Record<string, unknown>[]
  pnl(): Record<string, unknown>
}

interface Client {
  ws: WebSocket
  authed: boolean
  /** conid → requested fields and what was last sent. */
  smd: Map<number, { fields: string[]; sent: Record<string, string>; since: number }>
  lastWaitingAt: number
  topics: Set<'sor' | 'str' | 'spl'>
  /** orderId → the last `sor` row sent, to push changed fields only. */
  sentOrders: Map<number, Record<string, unknown>>
  sentPnl: string
  sentPnlAt: number
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
    private readonly feeds: StreamFeeds,
  ) {
    this.lastState = session.state
  }

  attach(ws: WebSocket, cookieSession: string | null): void {
    const client: Client = {
      ws,
      authed: false,
      smd: new Map(),
      topics: new Set(),
      sentOrders: new Map(),
      sentPnl: '',
      sentPnlAt: 0,
      lastWaitingAt: this.clock.now(),
    }
    this.clients.add(client)
    ws.on('close', () => this.clients.delete(client))
    ws.on('error', () => ws.terminate())
    if (cookieSession && cookieSession === this.session.sessionId && this.session.state !== 'noSession')
      this.authorise(client)
    else send(client, { message: 'waiting for session' })
    ws.on('message', (raw) => this.onMessage(client, raw.toString()))
  }

  private authorise(client: Client): void {
    client.authed = true
    send(client, { topic: 'system', success: 'simuser', isFT: false, isPaper: true })
    send(client, {
      topic: 'act',
      args: {
        accounts: [this.accountId],
        acctProps: {},
        aliases: {},
        allowFeatures: {},
        selectedAccount: this.accountId,
      },
    })
    send(client, { topic: 'sts', args: this.stsArgs() })
  }

  private stsArgs() {
    const a = this.session.authStatus()
    return {
      authenticated: a.authenticated,
      competing: a.competing,
      connected: a.connected,
      message: '',
      fail: '',
      serverName: 'SimGateway',
      serverVersion: 'sim',
      username: 'simuser',
    }
  }

  private onMessage(client: Client, text: string): void {
    if (!client.authed) {
      try {
        const m = JSON.parse(text) as { session?: unknown }
        if (typeof m.session === 'string' && m.session === this.session.sessionId && this.session.state !== 'noSession')
          return this.authorise(client)
      } catch {
        // not JSON: fall through
      }
      return send(client, { message: 'waiting for session' })
    }
    if (text === 'ech+hb') return void client.ws.send('ech+hb')
    if (text === 'tic')
      return send(client, { topic: 'tic', alive: true, id: this.session.sessionId, lastAccessed: this.clock.now() })
    const smd = /^smd\+(\d+)\+(.*)$/.exec(text)
    if (smd) {
      const conid = Number(smd[1])
      if (!this.engine.instrument(conid))
        return send(client, { topic: `smd+${conid}`, error: `Invalid conid ${conid}` })
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
      client.smd.set(conid, { fields: merged, sent: {}, since: this.clock.now() })
      this.feeds.marketDataSeen.add(conid)
      return this.pushQuote(client, conid)
    }
    const umd = /^umd\+(\d+)\+/.exec(text)
    if (umd) return void client.smd.delete(Number(umd[1]))
    // `sor+{}`, `sor+`, bare `sor` (as clients have long sent it), and IBKR's own `upl{}` spelling.
    const topic = /^([su])(or|tr|pl)(\+?\{.*\}|\+)?$/s.exec(text.trim())
    if (topic) return this.toggleTopic(client, topic[1] === 's', `s${topic[2]}` as 'sor' | 'str' | 'spl')
    send(client, { error: `Topic unknown: ${text.slice(0, 40)}` })
  }

  private toggleTopic(client: Client, on: boolean, topic: 'sor' | 'str' | 'spl'): void {
    if (!on) return void client.topics.delete(topic)
    client.topics.add(topic)
    if (topic === 'sor') {
      client.sentOrders.clear()
      const rows = this.feeds.liveOrders()
      for (const r of rows) client.sentOrders.set(Number(r.orderId), r)
      send(client, { topic: 'sor', args: rows })
    }
    if (topic === 'spl') {
      client.sentPnl = ''
      client.sentPnlAt = 0
      this.pushPnl(client)
    }
  }

  /** An order changed: `sor` subscribers get its id plus the fields that differ from the last push. */
  orderChanged(row: Record<string, unknown>): void {
    const id = Number(row.orderId)
    for (const c of this.clients) {
      if (!c.authed || !c.topics.has('sor')) continue
      const before = c.sentOrders.get(id)
      const changed: Record<string, unknown> = { acct: row.acct, orderId: id }
      for (const [k, v] of Object.entries(row)) if (!before || before[k] !== v) changed[k] = v
      c.sentOrders.set(id, row)
      if (Object.keys(changed).length > 2) send(c, { topic: 'sor', args: [changed] })
    }
  }

  bulletin(text: string): void {
    for (const c of this.clients)
      if (c.authed) send(c, { topic: 'blt', args: [{ id: `sim-${this.clock.now()}`, message: text }] })
  }

  notify(args: Record<string, unknown>): void {
    for (const c of this.clients) if (c.authed) send(c, { topic: 'ntf', args })
  }

  execution(row: Record<string, unknown>): void {
    for (const c of this.clients) if (c.authed && c.topics.has('str')) send(c, { topic: 'str', args: [row] })
  }

  private pushPnl(client: Client): void {
    const now = this.clock.now()
    const text = JSON.stringify(this.feeds.pnl())
    if (text === client.sentPnl || now - client.sentPnlAt < 1000) return
    client.sentPnl = text
    client.sentPnlAt = now
    send(client, { topic: 'spl', args: { [`${this.accountId}.Core`]: JSON.parse(text) as unknown } })
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
    send(client, {
      ...changed,
      conid,
      conidEx: String(conid),
      _updated: this.clock.now(),
      server_id: 'q0',
      '6119': 'q0',
      topic: `smd+${conid}`,
    })
  }

  /** Every clock tick: market data changes, session state changes. */
  tick(): void {
    const state = this.session.state
    const now = this.clock.now()
    for (const c of this.clients) {
      if (!c.authed) {
        if (now - c.lastWaitingAt >= 5000) {
          c.lastWaitingAt = now
          send(c, { message: 'waiting for session' })
        }
        continue
      }
      const expiry = this.feeds.smdExpiryMs
      if (expiry !== null) for (const [conid, sub] of c.smd) if (now - sub.since >= expiry) c.smd.delete(conid)
      if (state === 'noSession') {
        c.ws.close(1000, 'logged out')
        continue
      }
      if (state !== this.lastState) send(c, { topic: 'sts', args: this.stsArgs() })
      if (state === 'authenticated') for (const conid of c.smd.keys()) this.pushQuote(c, conid)
      if (state === 'authenticated' && c.topics.has('spl')) this.pushPnl(c)
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
    for (const c of this.clients) {
      c.smd.clear()
      c.topics.clear()
    }
  }

  size(): number {
    return this.clients.size
  }
}

function send(client: Client, msg: unknown): void {
  if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(msg))
}
