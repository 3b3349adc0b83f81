import { pinnedTls } from './certificate'
import type { Timers } from '../../timers'
import WebSocket from 'ws'
import type { Quote } from '../../contract/models'
import { toNumber } from './parse'

// The gateway's WebSocket for market data (IBKR.md §3.9): session by first frame, `ech+hb`
// heartbeats, `smd` subscriptions re-sent every 14 minutes (they expire at 15) and after every
// reconnect, changed-fields-only pushes merged per conid.

export const QUOTE_FIELDS = ['31', '84', '86', '82', '83', '7762', '6509', '7741'] as const

export interface MarketStreamDeps {
  wsUrl: string
  ca: string | null
  sessionToken: () => string | null
  now: () => number
  timers: Timers
  onQuote: (q: Quote) => void
  /** Merged per-conid state after every `smd` push (all fields received so far). */
  onFields?: (conid: number, merged: Readonly<Record<string, unknown>>) => void
  /** Non-market topics: `sor` order updates, `sts` session state, `ntf`, `spl`, `act`, `blt`. */
  onTopic?: (topic: string, message: Record<string, unknown>) => void
  /** Topics subscribed after every (re)authentication, e.g. `sor+{}`, `spl+{}`. */
  topics?: string[]
  heartbeatMs?: number
  resubscribeMs?: number
  maxBackoffMs?: number
}

export class MarketStream {
  private ws: WebSocket | null = null
  private authed = false
  private wanted = new Set<number>()
  /** Extra fields per conid asked for through `watchFields` (on top of QUOTE_FIELDS). */
  private readonly extra = new Map<number, Set<string>>()
  private subscribed = new Set<number>()
  private readonly merged = new Map<number, Record<string, unknown>>()
  private backoff = 1000
  private active = false
  private stopTimers: (() => void)[] = []
  private reconnectTimer: (() => void) | null = null
  /** Connections made so far (tests, diagnostics). */
  connections = 0

  constructor(private readonly d: MarketStreamDeps) {}

  start(): void {
    if (this.active) return
    this.active = true
    this.stopTimers = [
      this.d.timers.every(() => this.send('ech+hb'), this.d.heartbeatMs ?? 30_000),
      this.d.timers.every(() => this.resubscribeAll(), this.d.resubscribeMs ?? 14 * 60_000),
    ]
    this.open()
  }

  stop(): void {
    this.active = false
    for (const s of this.stopTimers) s()
    this.stopTimers = []
    this.reconnectTimer?.()
    this.reconnectTimer = null
    this.ws?.close(1000)
    this.ws = null
    this.authed = false
    this.subscribed.clear()
  }

  setConids(conids: number[]): void {
    this.wanted = new Set(conids)
    this.sync()
  }

  /** Stream `fields` for `conid` as well, until `unwatchFields`; independent of `setConids`. */
  watchFields(conid: number, fields: readonly string[]): void {
    const set = this.extra.get(conid) ?? new Set<string>()
    const grew = fields.some((f) => !set.has(f))
    for (const f of fields) set.add(f)
    this.extra.set(conid, set)
    if (grew && this.authed)
      this.subscribe(conid) // a re-send adds fields
    else this.sync()
  }

  unwatchFields(conid: number): void {
    this.extra.delete(conid)
    this.sync()
  }

  /** The merged state of a conid so far (empty before the first push). */
  fieldsOf(conid: number): Readonly<Record<string, unknown>> {
    return this.merged.get(conid) ?? {}
  }

  private activeConids(): Set<number> {
    return new Set([...this.wanted, ...this.extra.keys()])
  }

  private sync(): void {
    if (!this.authed) return
    const active = this.activeConids()
    for (const c of this.subscribed) if (!active.has(c)) this.unsubscribe(c)
    for (const c of active) if (!this.subscribed.has(c)) this.subscribe(c)
  }

  private open(): void {
    const token = this.d.sessionToken()
    const ws = new WebSocket(this.d.wsUrl, {
      ...pinnedTls(this.d.ca),
      headers: token ? { cookie: `api=${token}` } : {},
    })
    this.ws = ws
    ws.on('open', () => {
      this.connections++
      if (token) ws.send(JSON.stringify({ session: token }))
    })
    ws.on('message', (raw) => this.onMessage(raw.toString()))
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      if (this.ws !== ws) return
      this.ws = null
      this.authed = false
      this.subscribed.clear()
      if (!this.active) return
      this.reconnectTimer = this.d.timers.after(() => this.open(), this.backoff)
      this.backoff = Math.min(this.backoff * 2, this.d.maxBackoffMs ?? 30_000)
    })
  }

  private onMessage(text: string): void {
    let m: Record<string, unknown>
    try {
      m = JSON.parse(text) as Record<string, unknown>
    } catch {
      return // `ech+hb` echoes and other plain frames
    }
    if (m.topic === 'system' && typeof m.success === 'string') {
      this.authed = true
      this.backoff = 1000
      this.resubscribeAll()
      for (const t of this.d.topics ?? []) this.send(t)
      return
    }
    if (typeof m.topic === 'string' && m.topic.startsWith('smd+')) {
      const conid = Number(m.topic.slice(4))
      const state = { ...(this.merged.get(conid) ?? {}), ...m }
      this.merged.set(conid, state)
      this.d.onFields?.(conid, state)
      const q = toQuote(conid, state, this.d.now())
      if (q) this.d.onQuote(q)
      return
    }
    if (typeof m.topic === 'string' && m.topic !== 'system') this.d.onTopic?.(m.topic, m)
  }

  private resubscribeAll(): void {
    if (!this.authed) return
    this.subscribed.clear()
    for (const c of this.activeConids()) this.subscribe(c)
  }

  private subscribe(conid: number): void {
    const fields = [...new Set([...QUOTE_FIELDS, ...(this.extra.get(conid) ?? [])])]
    this.send(`smd+${conid}+${JSON.stringify({ fields })}`)
    this.subscribed.add(conid)
  }

  private unsubscribe(conid: number): void {
    this.send(`umd+${conid}+{}`)
    this.subscribed.delete(conid)
    this.merged.delete(conid)
  }

  private send(frame: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame)
  }
}

/** Merged `smd`/snapshot fields → our Quote. `C`/`H` prefixes mean closed or halted. */
export function toQuote(conid: number, f: Record<string, unknown>, now: number): Quote | null {
  const raw31 = f['31']
  const last = toNumber(raw31)
  if (last === null && toNumber(f['84']) === null) return null
  const availability = typeof f['6509'] === 'string' ? f['6509'] : ''
  return {
    conid,
    last,
    bid: toNumber(f['84']),
    ask: toNumber(f['86']),
    change: toNumber(f['82']),
    changePct: toNumber(f['83']),
    volume: toNumber(f['7762']) ?? toNumber(f['87']),
    delayed: availability !== '' && !/[RS]/.test(availability),
    closed: typeof raw31 === 'string' && /^[CH]/.test(raw31),
    updatedAt: typeof f._updated === 'number' ? f._updated : now,
  }
}
