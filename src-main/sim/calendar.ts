import { nyWallClock } from '../domain/indicators/ny-time'
import { nyseSession, type NyseSession } from '../domain/schedule/nyse'

// Trading calendar of the simulated market, on New York wall-clock time.
//   nyse:        regular trading hours 09:30–16:00 on NYSE trading days (the scheduler's calendar: no
//                session on holidays, 13:00 closes on half days)
//   always-open: one 24-hour session every day (demo mode: charts move and orders fill at any hour)

export type CalendarKind = 'nyse' | 'always-open'

export const MINUTE = 60_000
export const DAY = 86_400_000

export interface Session {
  /** Index of the New York calendar day (days since 1970-01-01, New York time). */
  day: number
  /** UTC ms of the session's first and (exclusive) last minute. */
  start: number
  end: number
  minutes: number
}

/** UTC ms of a New York wall-clock time on New York day `day`. */
function nyTimeToUtc(day: number, minuteOfDay: number): number {
  const guess = day * DAY + minuteOfDay * MINUTE + 5 * 3_600_000
  // The offset is −5 h or −4 h; one correction step settles it (DST changes at 02:00, never in a session).
  const offset = nyWallClock(guess) - guess
  return day * DAY + minuteOfDay * MINUTE - offset
}

export function nyDayOf(t: number): number {
  return Math.floor(nyWallClock(t) / DAY)
}

export function isWeekday(day: number): boolean {
  const dow = new Date(day * DAY).getUTCDay()
  return dow !== 0 && dow !== 6
}

export class Calendar {
  private readonly days = new Map<number, NyseSession>()

  constructor(readonly kind: CalendarKind) {}

  private nyse(day: number): NyseSession {
    let s = this.days.get(day)
    if (!s) this.days.set(day, (s = nyseSession(new Date(day * DAY).toISOString().slice(0, 10))))
    return s
  }

  isTradingDay(day: number): boolean {
    return this.kind === 'always-open' || (isWeekday(day) && this.nyse(day).open)
  }

  /** The session on a day, or null on a day without one. */
  session(day: number): Session | null {
    if (!this.isTradingDay(day)) return null
    if (this.kind === 'always-open') {
      const start = nyTimeToUtc(day, 0)
      const end = nyTimeToUtc(day + 1, 0)
      return { day, start, end, minutes: Math.round((end - start) / MINUTE) }
    }
    const s = this.nyse(day)
    const close = s.open && s.closesEarly ? 13 * 60 : 16 * 60
    return { day, start: nyTimeToUtc(day, 9 * 60 + 30), end: nyTimeToUtc(day, close), minutes: close - (9 * 60 + 30) }
  }

  /** True while the regular session is open at `t`. */
  isOpen(t: number): boolean {
    const s = this.session(nyDayOf(t))
    return s !== null && t >= s.start && t < s.end
  }

  /** The trading day at or before `day`. */
  tradingDayAtOrBefore(day: number): number {
    let d = day
    while (!this.isTradingDay(d)) d--
    return d
  }
}
