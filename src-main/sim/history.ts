import { DAY, MINUTE, nyDayOf } from './calendar'
import { roundPx, type OhlcvBar, type PriceEngine } from './prices'

// IBKR's history grammar (IBKR.md §3.3): period {1-30}min, {1-8}h, {1-1000}d, {1-792}w,
// {1-182}m (months), {1-15}y; bar 1min…8h, 1d, 1w, 1m (month). `5mins` is accepted as IBKR does.

export type BarSpec = { kind: 'intraday'; minutes: number } | { kind: 'day' } | { kind: 'week' } | { kind: 'month' }

const INTRADAY: Record<string, number> = {
  '1min': 1,
  '2min': 2,
  '3min': 3,
  '5min': 5,
  '10min': 10,
  '15min': 15,
  '30min': 30,
  '1h': 60,
  '2h': 120,
  '3h': 180,
  '4h': 240,
  '8h': 480,
}
const PERIOD_LIMITS: Record<string, number> = { min: 30, h: 8, d: 1000, w: 792, m: 182, y: 15 }

export function parseBar(bar: string): BarSpec | null {
  const b = bar.replace(/mins$/, 'min')
  if (INTRADAY[b]) return { kind: 'intraday', minutes: INTRADAY[b] }
  if (b === '1d') return { kind: 'day' }
  if (b === '1w') return { kind: 'week' }
  if (b === '1m') return { kind: 'month' }
  return null
}

export function parsePeriod(period: string): { count: number; unit: string } | null {
  const m = /^(\d{1,4})(min|h|d|w|m|y)$/.exec(period)
  if (!m) return null
  const count = Number(m[1])
  const unit = m[2]!
  return count >= 1 && count <= PERIOD_LIMITS[unit]! ? { count, unit } : null
}

/** The first instant the period covers, counted back from `now`. */
function periodStart(
  period: { count: number; unit: string },
  now: number,
  engine: PriceEngine,
  intraday: boolean,
): number {
  const { count, unit } = period
  if (unit === 'min') return now - count * MINUTE
  if (unit === 'h') return now - count * 60 * MINUTE
  if (unit === 'd' && intraday) {
    // Intraday bars over N days mean the last N sessions.
    let day = nyDayOf(now)
    let found = 0
    for (let guard = 0; guard < 4000 && found < count; guard++, day--) {
      const s = engine.calendar.session(day)
      if (s && s.start < now) found++
    }
    return engine.calendar.session(day + 1)?.start ?? (day + 1) * DAY
  }
  const d = new Date(now)
  if (unit === 'd') d.setUTCDate(d.getUTCDate() - count)
  else if (unit === 'w') d.setUTCDate(d.getUTCDate() - 7 * count)
  else if (unit === 'm') d.setUTCMonth(d.getUTCMonth() - count)
  else d.setUTCFullYear(d.getUTCFullYear() - count)
  return d.getTime()
}

/** Bars for `conid` ending at `now` (the newest one still forming). */
export function historyBars(
  engine: PriceEngine,
  conid: number,
  bar: BarSpec,
  period: { count: number; unit: string },
  now: number,
): OhlcvBar[] {
  const from = periodStart(period, now, engine, bar.kind === 'intraday')
  const firstDay = nyDayOf(from)
  const lastDay = nyDayOf(now)
  if (bar.kind === 'intraday') {
    const out: OhlcvBar[] = []
    for (let day = firstDay; day <= lastDay; day++) {
      for (const b of engine.intradayBars(conid, day, bar.minutes, now))
        if (b.t >= from || b.t + bar.minutes * MINUTE > from) out.push(b)
    }
    return out
  }
  const daily: OhlcvBar[] = []
  for (let day = firstDay; day <= lastDay; day++) {
    const b = engine.sessionBar(conid, day, now)
    if (b && b.t + DAY > from) daily.push(b)
  }
  if (bar.kind === 'day') return daily
  const key = (t: number) => {
    const day = nyDayOf(t)
    if (bar.kind === 'week') return day - ((new Date(day * DAY).getUTCDay() + 6) % 7)
    const d = new Date(day * DAY)
    return d.getUTCFullYear() * 12 + d.getUTCMonth()
  }
  const out: OhlcvBar[] = []
  let currentKey: number | null = null
  for (const b of daily) {
    const k = key(b.t)
    const last = out.at(-1)
    if (k !== currentKey || !last) {
      out.push({ ...b })
      currentKey = k
    } else {
      last.h = roundPx(Math.max(last.h, b.h))
      last.l = roundPx(Math.min(last.l, b.l))
      last.c = b.c
      last.v += b.v
    }
  }
  return out
}

export function barSeconds(bar: BarSpec): number {
  if (bar.kind === 'intraday') return bar.minutes * 60
  return bar.kind === 'day' ? 86_400 : bar.kind === 'week' ? 604_800 : 2_592_000
}
