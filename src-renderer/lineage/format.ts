const dateTime = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 })
const int = new Intl.NumberFormat('en-US')

const shortDateTime = new Intl.DateTimeFormat('en-GB', { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
/** Compact local date and time for dense lists, e.g. `25/11 14:30:05`. */
export const fmtShortDateTime = (t: number) => shortDateTime.format(t).replace(',', '')

/** Local date and time, e.g. `25/11/2026, 14:30:05`. */
export const fmtDateTime = (t: number | null | undefined) => (t === null || t === undefined ? '—' : dateTime.format(t))

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
export const fmtNum = (n: number | null | undefined, dp = 2) => (n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(dp))
