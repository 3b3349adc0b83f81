// New York calendar arithmetic without Intl: Intl.DateTimeFormat costs ~1 µs per call, which
// dominated indicator time on long histories. US Eastern time: UTC−5, and UTC−4 during daylight
// saving time (since 2007: second Sunday of March 02:00 to first Sunday of November 02:00 local;
// 1987–2006: first Sunday of April to last Sunday of October).

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** UTC ms of 00:00 UTC on the n-th (1-based) Sunday of a month, or the last when n = -1. */
function sunday(year: number, month: number, n: number): number {
  if (n > 0) {
    const first = Date.UTC(year, month, 1)
    const dow = new Date(first).getUTCDay()
    return first + (((7 - dow) % 7) + (n - 1) * 7) * DAY
  }
  const last = Date.UTC(year, month + 1, 0)
  return last - new Date(last).getUTCDay() * DAY
}

const dstCache = new Map<number, [number, number]>()

/** [start, end) of daylight saving time in a year, as UTC ms. */
function dstRange(year: number): [number, number] {
  let r = dstCache.get(year)
  if (!r) {
    r =
      year >= 2007
        ? [sunday(year, 2, 2) + 7 * HOUR, sunday(year, 10, 1) + 6 * HOUR]
        : [sunday(year, 3, 1) + 7 * HOUR, sunday(year, 9, -1) + 6 * HOUR]
    dstCache.set(year, r)
  }
  return r
}

/** New York wall-clock time of `t`, expressed as a UTC timestamp (read it with getUTC*). */
export function nyWallClock(t: number): number {
  const [start, end] = dstRange(new Date(t).getUTCFullYear())
  return t + (t >= start && t < end ? -4 : -5) * HOUR
}

/** New York date of `t` as YYYY-MM-DD. */
export function nyDate(t: number): string {
  return new Date(nyWallClock(t)).toISOString().slice(0, 10)
}

/** Monday of the New York week containing `t`, as YYYY-MM-DD. */
export function nyWeekStart(t: number): string {
  const local = nyWallClock(t)
  const day = Math.floor(local / DAY)
  const dow = (new Date(day * DAY).getUTCDay() + 6) % 7
  return new Date((day - dow) * DAY).toISOString().slice(0, 10)
}
