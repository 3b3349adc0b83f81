import { nyWallClock } from '../indicators/ny-time'

// The NYSE calendar by rule (the exchange's published holiday rules), so schedules and the
// simulator know holidays and early closes without a network call. Dates are New York dates.

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
const dow = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay()

/** The n-th weekday (0 = Sunday) of a month; n = -1 for the last. */
function nthWeekday(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = dow(y, m, 1)
    return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7
  }
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return last - ((dow(y, m, last) - weekday + 7) % 7)
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
function easter(y: number): [number, number] {
  const a = y % 19
  const b = Math.floor(y / 100)
  const c = y % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  return [Math.floor((h + l - 7 * m + 114) / 31), ((h + l - 7 * m + 114) % 31) + 1]
}

/** A fixed-date holiday moves to Friday when on Saturday, Monday when on Sunday. */
function observed(y: number, m: number, d: number): string | null {
  const w = dow(y, m, d)
  const t = new Date(Date.UTC(y, m - 1, d + (w === 6 ? -1 : w === 0 ? 1 : 0)))
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
}

export function nyseHolidays(y: number): string[] {
  const [em, ed] = easter(y)
  const goodFriday = new Date(Date.UTC(y, em - 1, ed - 2))
  const days = [
    // New Year's Day on a Saturday is not observed on the Friday before (NYSE rule).
    dow(y, 1, 1) === 6 ? null : observed(y, 1, 1),
    iso(y, 1, nthWeekday(y, 1, 1, 3)),
    iso(y, 2, nthWeekday(y, 2, 1, 3)),
    iso(y, goodFriday.getUTCMonth() + 1, goodFriday.getUTCDate()),
    iso(y, 5, nthWeekday(y, 5, 1, -1)),
    y >= 2022 ? observed(y, 6, 19) : null,
    observed(y, 7, 4),
    iso(y, 9, nthWeekday(y, 9, 1, 1)),
    iso(y, 11, nthWeekday(y, 11, 4, 4)),
    observed(y, 12, 25),
  ]
  return days.filter((d): d is string => d !== null)
}

/** Days the market closes at 13:00 New York. */
export function nyseEarlyCloses(y: number): string[] {
  const holidays = new Set(nyseHolidays(y))
  const out: string[] = []
  const july3 = dow(y, 7, 3)
  if (july3 >= 1 && july3 <= 4 && !holidays.has(iso(y, 7, 3))) out.push(iso(y, 7, 3))
  out.push(iso(y, 11, nthWeekday(y, 11, 4, 4) + 1))
  const dec24 = dow(y, 12, 24)
  if (dec24 >= 1 && dec24 <= 5 && !holidays.has(iso(y, 12, 24))) out.push(iso(y, 12, 24))
  return out
}

export type NyseSession = { open: false; reason: 'weekend' | 'holiday' } | { open: true; closesEarly: boolean }

export function nyseSession(date: string): NyseSession {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const w = dow(y, m, d)
  if (w === 0 || w === 6) return { open: false, reason: 'weekend' }
  if (nyseHolidays(y).includes(date)) return { open: false, reason: 'holiday' }
  return { open: true, closesEarly: nyseEarlyCloses(y).includes(date) }
}

/** Whether `t` (UTC ms) falls in NYSE regular hours: 09:30–16:00 New York, 13:00 on early-close days. */
export function nyseRegularHours(t: number): {
  open: boolean
  reason: 'weekend' | 'holiday' | 'before_open' | 'after_close' | null
} {
  const local = new Date(nyWallClock(t))
  const s = nyseSession(local.toISOString().slice(0, 10))
  if (!s.open) return { open: false, reason: s.reason }
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes()
  if (minute < 9 * 60 + 30) return { open: false, reason: 'before_open' }
  if (minute >= (s.closesEarly ? 13 * 60 : 16 * 60)) return { open: false, reason: 'after_close' }
  return { open: true, reason: null }
}
