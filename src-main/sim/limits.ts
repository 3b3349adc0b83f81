import { CPAPI_ENDPOINT_LIMITS, type WindowLimit } from '../broker/ibkr/cpapi-limits'

// Rate limits, fault injection and the request journal (IBKR.md §4 and §7.8).

export type LimitTable = Readonly<Record<string, WindowLimit>>

/** Per-endpoint limits keyed by `METHOD path-template` (IBKR.md §4). */
export const DEFAULT_LIMITS: LimitTable = CPAPI_ENDPOINT_LIMITS

export interface RateLimitOptions {
  enabled: boolean
  global: number
  table: LimitTable
  penaltyAfter: number
  penaltyWindowMs: number
  penaltyMs: number
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>()
  private violations: number[] = []
  private penaltyUntil = 0

  constructor(private readonly opts: RateLimitOptions) {}

  /** Record a request; returns false (answer 429) if it breaks a limit or the penalty box is on. */
  admit(key: string, now: number): boolean {
    if (!this.opts.enabled) return true
    if (now < this.penaltyUntil) return false
    const checks: [string, number, number][] = [['*', this.opts.global, 1000]]
    const limit = this.opts.table[key]
    if (limit) checks.push([key, limit.max, limit.windowMs])
    for (const [k, max, windowMs] of checks) {
      const recent = (this.hits.get(k) ?? []).filter((t) => t > now - windowMs)
      this.hits.set(k, recent)
      if (recent.length >= max) {
        this.violation(now)
        return false
      }
    }
    for (const [k] of checks) this.hits.get(k)!.push(now)
    return true
  }

  private violation(now: number): void {
    this.violations = this.violations.filter((t) => t > now - this.opts.penaltyWindowMs)
    this.violations.push(now)
    if (this.violations.length > this.opts.penaltyAfter) {
      this.penaltyUntil = now + this.opts.penaltyMs
      this.violations = []
    }
  }

  inPenalty(now: number): boolean {
    return now < this.penaltyUntil
  }
}

export interface FaultSpec {
  method?: string
  /** Path template (`/iserver/account/{acct}/orders`) or exact path; matched without the query. */
  path: string
  times?: number
  status?: number
  body?: unknown
  /** Real milliseconds to wait before answering (a slow gateway). */
  delayMs?: number
  /** `beforeResponse`: drop the connection without doing anything; `afterCommit`: do it, then drop. */
  drop?: 'beforeResponse' | 'afterCommit'
  /**
   * Never answer: `beforeCommit` holds the request untouched, `afterCommit` does it first; then `onHold` is called (a
   * test kills the client there).
   */
  hold?: 'beforeCommit' | 'afterCommit'
  onHold?: () => void
}

export class Faults {
  private faults: (FaultSpec & { left: number })[] = []

  add(f: FaultSpec): void {
    this.faults.push({ ...f, left: f.times ?? 1 })
  }

  clear(): void {
    this.faults = []
  }

  /** The fault to apply to this request, consuming one of its uses. */
  take(method: string, path: string, template: string): FaultSpec | null {
    const f = this.faults.find(
      (x) => x.left > 0 && (!x.method || x.method === method) && (x.path === template || x.path === path),
    )
    if (!f) return null
    f.left--
    return f
  }
}

export interface JournalEntry {
  at: number
  method: string
  path: string
  template: string
  query: string
  body: unknown
  status: number | 'dropped' | 'held'
}

/**
 * Append to the request journal and keep the newest `limit` entries; the oldest go in batches (the journal may
 * run up to 64 over the limit in between), so an append stays cheap.
 */
export function appendJournal(journal: JournalEntry[], entry: JournalEntry, limit: number): void {
  journal.push(entry)
  if (journal.length > limit + Math.min(limit, 64)) journal.splice(0, journal.length - limit)
}
