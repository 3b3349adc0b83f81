import type { RiskLimits } from '../../src-main/contract/risk-limits-api'

// How the risk limits read to a person (Settings → Risk limits and its loosen confirmation): the
// label and unit of each limit, and a value in that unit. Main names limits by their keys; the typed
// phrase keeps those keys (main checks it), everything else a person reads uses these labels.

export type NumKey = Exclude<keyof RiskLimits, 'pauseOnLosingStreak'>
export type Unit = '%' | '$' | 'n' | 's'

export const LIMIT_FIELDS: { key: NumKey; label: string; unit: Unit; hint: string }[] = [
  { key: 'riskPct', label: 'Risk per trade', unit: '%', hint: 'of net liquidation; hard max 5 %' },
  { key: 'maxOrderNotional', label: 'Max order notional', unit: '$', hint: 'one order' },
  { key: 'maxSymbolNotional', label: 'Max per symbol', unit: '$', hint: 'position + working entries' },
  { key: 'maxStrategyNotional', label: 'Max per strategy', unit: '$', hint: 'its positions + working entries' },
  { key: 'maxGrossExposurePct', label: 'Max gross exposure', unit: '%', hint: 'of net liquidation' },
  { key: 'maxOpenPositions', label: 'Max open positions', unit: 'n', hint: 'instruments held' },
  { key: 'priceCollarPct', label: 'Price collar', unit: '%', hint: 'limit vs a fresh quote' },
  { key: 'maxQuoteAgeSec', label: 'Quote max age', unit: 's', hint: 'older → no order' },
  { key: 'dailyLossPct', label: 'Daily loss limit', unit: '%', hint: 'of start-of-day NAV; latches' },
  { key: 'losingStreak', label: 'Losing streak', unit: 'n', hint: 'losses in a row → alert' },
  { key: 'ratePerTwoSeconds', label: 'Orders per 2 s', unit: 'n', hint: 'submits and modifies' },
  { key: 'ratePerMinute', label: 'Orders per minute', unit: 'n', hint: '' },
  { key: 'ratePerDay', label: 'Orders per day', unit: 'n', hint: '' },
]
export const PAUSE_LABEL = 'Pause new entries after the losing streak'

const fieldOf = (k: NumKey) => LIMIT_FIELDS.find((f) => f.key === k)!

/** The number as the Settings form shows it in its input (percentages as percent). */
export const shownValue = (k: NumKey, v: number) =>
  fieldOf(k).unit === '%' ? String(+(v * 100).toFixed(4)) : String(v)

/** The form's text back to the stored number. */
export const parsedValue = (k: NumKey, s: string) => {
  const n = Number(s)
  return fieldOf(k).unit === '%' ? +(n / 100).toFixed(6) : n
}

const dollars = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

const NBSP = '\u00a0'

/** A value with its unit, as a sentence shows it: "5 %", "$50,000", "60 s", "10" (never split from its unit). */
export function withUnit(k: NumKey, v: number): string {
  const u = fieldOf(k).unit
  if (u === '%') return `${shownValue(k, v)}${NBSP}%`
  if (u === '$') return `$${dollars.format(v)}`
  if (u === 's') return `${v}${NBSP}s`
  return String(v)
}

/** One loosened limit for a person: its label and the change in its unit. */
export function loosenLine(key: keyof RiskLimits, before: RiskLimits, after: RiskLimits): string {
  const onOff = (b: boolean) => (b ? 'on' : 'off')
  if (key === 'pauseOnLosingStreak')
    return `${PAUSE_LABEL}: ${onOff(before.pauseOnLosingStreak)} → ${onOff(after.pauseOnLosingStreak)}`
  return `${fieldOf(key).label} ${withUnit(key, before[key])} → ${withUnit(key, after[key])}`
}

/** The label a limit's key stands for (the typed phrase names keys). */
export const labelOf = (key: keyof RiskLimits) => (key === 'pauseOnLosingStreak' ? PAUSE_LABEL : fieldOf(key).label)
