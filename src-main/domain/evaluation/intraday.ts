import type { Bar } from '../../contract/models'
import { nyDate } from '../indicators/ny-time'
import type { Bracket } from './fills'

// Same-bar ambiguity resolved from intraday history (EVALUATION.md §2). On the daily bar where the
// stop and the target were both touched (or the entry and a child level, when the limit filled inside
// the bar), the intraday bars of that session say which came first. The answer picks between the two
// paths the daily simulation already has: 'stop' is the pessimistic path, 'target' the optimistic
// one. Anything the intraday bars cannot settle (both levels in one intraday bar, neither touched
// after the fill, bars that do not cover the day's range) stays unresolved: null, stop first.

export function resolveAmbiguousDay(
  b: Bracket,
  intraday: readonly Bar[],
  day: { h: number; l: number },
  intrabarEntry: boolean,
): 'stop' | 'target' | null {
  if (intraday.length === 0) return null
  // The intraday bars must span the daily bar, or they are not that session's full history.
  const hi = Math.max(...intraday.map((x) => x.h))
  const lo = Math.min(...intraday.map((x) => x.l))
  if (hi < day.h - 1e-9 || lo > day.l + 1e-9) return null
  const buy = b.side === 'BUY'
  const touches = (x: Bar, level: number, below: boolean) => (below ? x.l <= level : x.h >= level)
  let k = 0
  if (intrabarEntry) {
    // The limit fills in the first intraday bar that reaches it; that bar's other touches are unordered.
    k = intraday.findIndex((x) => touches(x, b.entry, buy))
    if (k < 0) return null
    const first = intraday[k]!
    if (touches(first, b.stop, buy) || touches(first, b.target, !buy)) return null
    k++
  }
  for (; k < intraday.length; k++) {
    const x = intraday[k]!
    const stop = touches(x, b.stop, buy)
    const target = touches(x, b.target, !buy)
    if (stop && target) return null
    if (stop) return 'stop'
    if (target) return 'target'
  }
  return null
}

/**
 * IBKR's `startTime` (UTC `YYYYMMDD-hh:mm:ss`, where a history window ends) for the whole New York day
 * `date`: its closing midnight, 04:00 or 05:00 UTC next day. With period '1d' that is that day's session
 * and all of it, however long (the demo simulator's session is the whole day, an NYSE one ends 16:00).
 */
export function endOfNyDayStartTime(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  let t = Date.UTC(y, m - 1, d + 1, 4) // midnight in New York under daylight saving time
  if (nyDate(t) === date) t += 3_600_000 // standard time: 23:00 on the day, an hour short
  const iso = new Date(t).toISOString()
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19)}`
}
