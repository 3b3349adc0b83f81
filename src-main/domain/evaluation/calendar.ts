import type { Bar } from '../../contract/models'
import { nyDate, nyWeekStart } from '../indicators/ny-time'
import { nyseSession } from '../schedule/nyse'

// Decision dates and as-of inputs (EVALUATION.md §1): a decision time is a session close on the NYSE
// calendar; the inputs hold only bars closed by then, and the current week's bar is rebuilt, partial,
// from those dailies (never taken from a weekly series that already knows the rest of the week).

const DAY = 86_400_000
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
}

/** Every NYSE session from `from` to `to`, inclusive, in order. */
export function decisionDates(from: string, to: string): string[] {
  if (!ISO_DATE.test(from) || !ISO_DATE.test(to)) throw new Error('Dates are YYYY-MM-DD')
  if (from > to) throw new Error(`The range starts (${from}) after it ends (${to})`)
  const out: string[] = []
  for (let d = from; d <= to; d = shift(d, 1)) if (nyseSession(d).open) out.push(d)
  return out
}

/** The NYSE session `n` sessions after `date` (n ≥ 1). */
export function sessionAfter(date: string, n = 1): string {
  let d = date
  for (let k = 0; k < n;) {
    d = shift(d, 1)
    if (nyseSession(d).open) k++
  }
  return d
}

/** Daily bars closed by the close of session `t`: every bar dated on or before `t` (New York). */
export function truncateAsOf(daily: readonly Bar[], t: string): Bar[] {
  return daily.slice(0, closedCount(daily, t))
}

/** How many bars of `daily` are closed by the close of `t` (bars in time order: binary search). */
function closedCount(daily: readonly Bar[], t: string): number {
  let lo = 0
  let hi = daily.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (nyDate(daily[mid]!.t) <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

// A bar's New York week, computed once per bar object: the lab rebuilds the weeks of ~800 dailies for every
// decision date, over the same bars.
const weekOfBar = new WeakMap<Bar, string>()
function weekStart(b: Bar): string {
  let w = weekOfBar.get(b)
  if (w === undefined) {
    w = nyWeekStart(b.t)
    weekOfBar.set(b, w)
  }
  return w
}

/** Weekly bars rebuilt from dailies; the last week is partial when its dailies are. */
export function weeklyFromDailies(daily: readonly Bar[]): Bar[] {
  const out: Bar[] = []
  let week = ''
  for (const b of daily) {
    const w = weekStart(b)
    const cur = out.at(-1)
    if (w !== week || !cur) {
      week = w
      out.push({ ...b })
    } else {
      cur.h = Math.max(cur.h, b.h)
      cur.l = Math.min(cur.l, b.l)
      cur.c = b.c
      cur.v += b.v
    }
  }
  return out
}

/** Dailies the weekly series is rebuilt from (about three years of sessions). */
const WEEKLY_DAILIES = 800

export interface AsOfInputs {
  asOf: string
  daily: Bar[]
  weekly: Bar[]
}

/** The inputs of a decision at the close of `t`: the last `warmup` dailies and their weeks. */
export function asOfInputs(daily: readonly Bar[], t: string, warmup: number): AsOfInputs {
  // Indices into the store, no copy of the whole closed history.
  const n = closedCount(daily, t)
  const d = daily.slice(warmup > 0 ? Math.max(0, n - warmup) : 0, n)
  // Weeks come from about three years of closed dailies (what a live run's '3y' weekly history holds),
  // cut at a week boundary so the first week is whole.
  let from = Math.max(0, n - WEEKLY_DAILIES)
  if (from > 0) {
    const week = weekStart(daily[from]!)
    while (from < n && weekStart(daily[from]!) === week) from++
  }
  return { asOf: t, daily: d, weekly: weeklyFromDailies(daily.slice(from, n)) }
}

/** Index of the first bar dated after `t` (the entry session t+1), or -1. */
export function firstBarAfter(daily: readonly Bar[], t: string): number {
  const n = closedCount(daily, t)
  return n < daily.length ? n : -1
}
