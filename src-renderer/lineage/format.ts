// Dates are ISO-ordered (2026-12-04 16:22:16, local time): unambiguous for every reader and the
// same order as the bar dates and file names beside them.
const local = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})
const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
})
const int = new Intl.NumberFormat('en-US')

function localParts(t: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  return Object.fromEntries(local.formatToParts(t).map((x) => [x.type, x.value])) as Record<
    'year' | 'month' | 'day' | 'hour' | 'minute' | 'second',
    string
  >
}

/** Compact local date and time for dense lists, e.g. `12-04 14:30:05`. */
export function fmtShortDateTime(t: number): string {
  const p = localParts(t)
  return `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/** Local date and time, e.g. `2026-12-04 14:30:05`. */
export function fmtDateTime(t: number | null | undefined): string {
  if (t === null || t === undefined) return '—'
  const p = localParts(t)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/** A duration: `850 ms`, `2.4 s`, `3 min 5 s`. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`
  return `${Math.floor(ms / 86_400_000)} d ${Math.round((ms % 86_400_000) / 3_600_000)} h`
}

/** Micro-dollars as USD; an unpriced cost says so instead of showing 0. */
export const fmtCost = (micros: number, priced = true) => (priced ? money.format(micros / 1e6) : 'unpriced')
export const fmtInt = (n: number | null | undefined) => (n === null || n === undefined ? '—' : int.format(n))
export const fmtNum = (n: number | null | undefined, dp = 2) =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(dp)
