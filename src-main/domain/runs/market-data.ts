import type { Bar } from '../../contract/models'
import { nyDate, nyWallClock, nyWeekStart } from '../indicators/ny-time'
import { nyseSession } from '../schedule/nyse'

export { nyDate }

// The `fetch_market_data` checks (PRODUCT.md step 2, LLM.md §11): analysis runs on completed bars
// only, refuses data more than one session behind, and refuses short histories in strict mode.

/** Strict minimums (LLM.md §11): below these the step fails `insufficient_history`. */
export const MIN_BARS = { daily: 252, weekly: 52 } as const
/** Bars shown on each chart image. */
export const CHART_BARS = { daily: 252, weekly: 104 } as const

const DAY = 86_400_000

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
}

/** The NYSE trading day before `date`. */
export function previousTradingDay(date: string): string {
  let d = shiftDate(date, -1)
  while (!nyseSession(d).open) d = shiftDate(d, -1)
  return d
}

/** The last NYSE session that has closed at `now` (16:00 New York, 13:00 on early-close days). */
export function lastClosedSession(now: number): string {
  const today = nyDate(now)
  const s = nyseSession(today)
  if (s.open) {
    const local = new Date(nyWallClock(now))
    const minutes = local.getUTCHours() * 60 + local.getUTCMinutes()
    if (minutes >= (s.closesEarly ? 13 * 60 : 16 * 60)) return today
  }
  return previousTradingDay(today)
}

export type MarketDataProblem = { code: 'insufficient_history' | 'stale_data' | 'no_data'; message: string }

export interface PreparedBars {
  daily: Bar[]
  weekly: Bar[] | null
  /** Date of the last completed daily bar: the analysis is "as of" this date. */
  asOf: string
  /** Today's forming daily bar (and its week's bar) were left out. */
  droppedForming: boolean
  problems: MarketDataProblem[]
}

/**
 * Completed bars only: a daily bar dated today (New York) is still forming, so it and the weekly
 * bar of its week are dropped. Then the freshness and length checks.
 */
export function prepareBars(daily: readonly Bar[], weekly: readonly Bar[] | null, now: number): PreparedBars {
  const problems: MarketDataProblem[] = []
  if (daily.length === 0)
    return {
      daily: [],
      weekly: weekly ? [...weekly] : null,
      asOf: '',
      droppedForming: false,
      problems: [{ code: 'no_data', message: 'The gateway returned no daily bars' }],
    }
  const today = nyDate(now)
  const forming = nyDate(daily.at(-1)!.t) >= today
  const d = forming ? daily.slice(0, -1) : [...daily]
  const thisWeek = nyWeekStart(now)
  const w = weekly
    ? forming && weekly.length > 0 && nyWeekStart(weekly.at(-1)!.t) === thisWeek
      ? weekly.slice(0, -1)
      : [...weekly]
    : null
  const asOf = d.length > 0 ? nyDate(d.at(-1)!.t) : ''
  const oldestAcceptable = previousTradingDay(lastClosedSession(now))
  if (d.length > 0 && asOf < oldestAcceptable)
    problems.push({
      code: 'stale_data',
      message:
        `The last completed daily bar is ${asOf}; bars up to ${lastClosedSession(now)} were ` +
        `expected (at most one session behind)`,
    })
  if (d.length < MIN_BARS.daily)
    problems.push({
      code: 'insufficient_history',
      message: `${d.length} completed daily bars; at least ${MIN_BARS.daily} are needed`,
    })
  if (w && w.length < MIN_BARS.weekly)
    problems.push({
      code: 'insufficient_history',
      message: `${w.length} weekly bars; at least ${MIN_BARS.weekly} are needed`,
    })
  return { daily: d, weekly: w, asOf, droppedForming: forming, problems }
}
