import { CPAPI_ENDPOINT_LIMITS, pathTemplate } from './cpapi-limits'

// Client-side pacing (IBKR.md §4, RELIABILITY.md §1.3): a global limit and per-endpoint sliding
// windows keyed on METHOD + path template (never the query string), a history semaphore, and a
// freeze after a 429. Time comes from an injected clock so property tests run without sleeping.

export interface PacerClock {
  now(): number
  /** Resolve after `ms` (tests: a fake that advances virtual time). */
  sleep(ms: number): Promise<void>
}

export interface PacerLimits {
  global: { max: number; windowMs: number }
  endpoints: Readonly<Record<string, { max: number; windowMs: number }>>
  /** Concurrent `GET /iserver/marketdata/history` requests. */
  historyConcurrency: number
  /** Silence after a 429; doubled (with jitter) on a repeat within `penaltyWindowMs`. */
  backoffMs: number
  maxBackoffMs: number
  penaltyWindowMs: number
}

/** IBKR's windows plus 10 %: a request can arrive later than it left, never earlier. */
const withMargin = (limits: typeof CPAPI_ENDPOINT_LIMITS) =>
  Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, { max: v.max, windowMs: Math.ceil(v.windowMs * 1.1) }]))

export const CPAPI_LIMITS: PacerLimits = {
  global: { max: 8, windowMs: 1000 },
  endpoints: withMargin(CPAPI_ENDPOINT_LIMITS),
  historyConcurrency: 4,
  backoffMs: 60_000,
  maxBackoffMs: 600_000,
  penaltyWindowMs: 60_000,
}

interface Slot {
  until: number
}

type Window = [key: string, limit: { max: number; windowMs: number }]

export class Pacer {
  /** Granted slots per window key; `until` is when the answer arrived (Infinity while in flight). */
  private readonly sent = new Map<string, Slot[]>()
  private readonly answerWaiters: (() => void)[] = []
  private frozenUntil = 0
  private lastFreeze = -Infinity
  private currentBackoff: number
  private historyActive = 0
  private readonly historyWaiters: (() => void)[] = []
  /** The global line: each request's turn starts when the one before it was granted its slot. */
  private chain: Promise<void> = Promise.resolve()
  /** Endpoints' own lines, for endpoints with their own window; the tail of each line. */
  private readonly lines = new Map<string, Promise<void>>()

  constructor(
    private readonly clock: PacerClock,
    private readonly limits: PacerLimits = CPAPI_LIMITS,
    private readonly random: () => number = Math.random,
  ) {
    this.currentBackoff = limits.backoffMs
  }

  /**
   * Wait for a slot, then run `send`. A slot counts from the moment it is granted until `windowMs`
   * after its answer arrived: the gateway sees the request somewhere in between (a busy event loop,
   * a new TLS connection or a slow neighbour on the socket can hold it back), so no window at the
   * gateway ever holds more requests than its limit, however the requests bunch on the way.
   *
   * Two kinds of line (IBKR.md §4: polling never starves tickle or order operations):
   * - an endpoint with its own window (live orders, trades, PnL: 1 per 5 s; tickle 1/s; …) has its
   *   own line: its requests go one at a time, in arrival order, and each waits there until that
   *   window has room — so a paced read never holds up a request to another endpoint;
   * - every request then takes its turn in the one global line, in arrival order, which grants the
   *   slot against the global window and the endpoint's window at once. A request reaches the global
   *   line only when its own window has room, and is its endpoint's only request there, so that
   *   line only ever waits for the global window or a 429 freeze.
   */
  async run<T>(method: string, path: string, send: () => Promise<T>): Promise<T> {
    const key = `${method} ${pathTemplate(path)}`
    const isHistory = key === 'GET /iserver/marketdata/history'
    if (isHistory) await this.acquireHistory()
    try {
      const slot = await (this.limits.endpoints[key] ? this.ownLine(key) : this.globalTurn(key))
      try {
        return await send()
      } finally {
        slot.until = this.clock.now()
        this.onAnswer()
      }
    } finally {
      if (isHistory) this.releaseHistory()
    }
  }

  /** The gateway answered 429: stop everything for a while, longer on repeats. */
  onRateLimited(): void {
    const now = this.clock.now()
    this.currentBackoff =
      now - this.lastFreeze < this.limits.penaltyWindowMs + this.currentBackoff
        ? Math.min(this.currentBackoff * 2, this.limits.maxBackoffMs)
        : this.limits.backoffMs
    this.lastFreeze = now
    this.frozenUntil = now + this.currentBackoff + Math.floor(this.random() * 1000)
  }

  frozenFor(): number {
    return Math.max(0, this.frozenUntil - this.clock.now())
  }

  /** Wait in the endpoint's own line until its window has room, then take a turn in the global line. */
  private ownLine(key: string): Promise<Slot> {
    const turn = (this.lines.get(key) ?? Promise.resolve()).then(async () => {
      await this.waitFor([[key, this.limits.endpoints[key]!]], false)
      return this.globalTurn(key)
    })
    const tail = turn.then(
      () => undefined,
      () => undefined,
    )
    this.lines.set(key, tail)
    // Drop an idle line so the map holds only endpoints with requests waiting.
    void tail.then(() => this.lines.get(key) === tail && this.lines.delete(key))
    return turn
  }

  private globalTurn(key: string): Promise<Slot> {
    const windows: Window[] = [['*', this.limits.global]]
    const own = this.limits.endpoints[key]
    if (own) windows.push([key, own])
    const turn = this.chain.then(() => this.waitFor(windows, true) as Promise<Slot>)
    this.chain = turn.then(
      () => undefined,
      () => undefined,
    )
    return turn
  }

  /**
   * Wait until every window has room (and no freeze holds); with `reserve`, take a slot in each.
   * Without it nothing is taken: the caller only learns that its own window has room.
   */
  private async waitFor(windows: Window[], reserve: boolean): Promise<Slot | null> {
    for (;;) {
      const now = this.clock.now()
      let wait = Math.max(0, this.frozenUntil - now)
      let waitForAnswer = false
      for (const [k, w] of windows) {
        const live = (this.sent.get(k) ?? []).filter((s) => s.until > now - w.windowMs)
        this.sent.set(k, live)
        if (live.length < w.max) continue
        // The oldest answered slots leave the window first; unanswered ones only after their answer
        // (an answer always comes: a slot is granted only to a request that is then sent at once).
        const answered = live
          .map((s) => s.until)
          .filter(Number.isFinite)
          .sort((a, b) => a - b)
        const mustLeave = live.length - w.max + 1
        if (answered.length >= mustLeave) wait = Math.max(wait, answered[mustLeave - 1]! + w.windowMs - now)
        else waitForAnswer = true
      }
      if (wait === 0 && !waitForAnswer) {
        if (!reserve) return null
        const slot = { until: Infinity }
        for (const [k] of windows) this.sent.get(k)!.push(slot)
        return slot
      }
      if (waitForAnswer && wait === 0) await new Promise<void>((ok) => this.answerWaiters.push(ok))
      else await this.clock.sleep(wait)
    }
  }

  private onAnswer(): void {
    for (const wake of this.answerWaiters.splice(0)) wake()
  }

  private acquireHistory(): Promise<void> {
    if (this.historyActive < this.limits.historyConcurrency) {
      this.historyActive++
      return Promise.resolve()
    }
    return new Promise((ok) => this.historyWaiters.push(ok))
  }

  private releaseHistory(): void {
    const next = this.historyWaiters.shift()
    if (next) next()
    else this.historyActive--
  }
}
