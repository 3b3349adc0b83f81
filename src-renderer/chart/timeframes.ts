import type { Bar, BarSize, Quote } from '../../src-main/contract/models'

export interface Timeframe {
  id: string
  label: string
  bar: BarSize
  period: string
  /** Bar length in ms for intraday bars; day and week bars follow the New York calendar. */
  barMs: number | null
}

/** Chart presets: enough history for the indicators' warm-up, within IBKR's period limits. */
export const TIMEFRAMES: readonly Timeframe[] = [
  { id: '5m', label: '5m', bar: '5min', period: '5d', barMs: 5 * 60_000 },
  { id: '15m', label: '15m', bar: '15min', period: '10d', barMs: 15 * 60_000 },
  { id: '1h', label: '1H', bar: '1h', period: '1m', barMs: 3_600_000 },
  { id: '1d', label: '1D', bar: '1d', period: '2y', barMs: null },
  { id: '1w', label: '1W', bar: '1w', period: '5y', barMs: null },
]

const nyDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

function nyDay(t: number): string {
  return nyDate.format(new Date(t))
}

/** Monday of the New York week containing `t`, as YYYY-MM-DD. */
function nyWeek(t: number): string {
  const d = new Date(`${nyDay(t)}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7))
  return d.toISOString().slice(0, 10)
}

/** True when a tick at `t` still belongs to the bar that started at `barStart`. */
export function sameBar(tf: Timeframe, barStart: number, t: number): boolean {
  if (tf.barMs !== null) return Math.floor(t / tf.barMs) === Math.floor(barStart / tf.barMs)
  return tf.bar === '1w' ? nyWeek(t) === nyWeek(barStart) : nyDay(t) === nyDay(barStart)
}

/** The forming bar after a tick: the last bar updated, or a new bar opened at the tick. */
export function applyTick(tf: Timeframe, last: Bar | undefined, q: Quote): Bar | null {
  if (q.last === null || q.closed) return null
  const price = q.last
  if (last && sameBar(tf, last.t, q.updatedAt)) {
    return {
      t: last.t,
      o: last.o,
      h: Math.max(last.h, price),
      l: Math.min(last.l, price),
      c: price,
      v: tf.barMs === null && q.volume !== null ? Math.max(last.v, q.volume) : last.v,
    }
  }
  if (last && q.updatedAt < last.t) return null
  const start = tf.barMs !== null ? Math.floor(q.updatedAt / tf.barMs) * tf.barMs : q.updatedAt
  return { t: start, o: price, h: price, l: price, c: price, v: 0 }
}
