import type { RiskLimits, StrategyLimitOverrides } from '../../contract/risk-limits-api'

export type { RiskLimits, StrategyLimitOverrides }

// The risk limits a trader sets (RELIABILITY.md §1.2): one set for the account, optional per-strategy
// overrides that can only tighten (the effective value is the stricter of the two). Tightening
// applies at once; loosening needs a typed confirmation checked in main (engine/risk-limits.ts).

export const DEFAULT_RISK_LIMITS: RiskLimits = {
  riskPct: 0.01,
  maxOrderNotional: 50_000,
  maxSymbolNotional: 100_000,
  maxStrategyNotional: 150_000,
  maxGrossExposurePct: 0.9,
  maxOpenPositions: 10,
  priceCollarPct: 0.05,
  maxQuoteAgeSec: 60,
  dailyLossPct: 0.03,
  losingStreak: 3,
  pauseOnLosingStreak: false,
  ratePerTwoSeconds: 1,
  ratePerMinute: 20,
  ratePerDay: 200,
}

/** Limits where a larger number is looser (every numeric one). */
const NUMERIC = Object.keys(DEFAULT_RISK_LIMITS).filter(
  (k) => typeof DEFAULT_RISK_LIMITS[k as keyof RiskLimits] === 'number',
) as (keyof RiskLimits)[]

/** The limits this change loosens (names), in a stable order; an empty list means it only tightens. */
export function loosenedKeys(before: RiskLimits, after: RiskLimits): (keyof RiskLimits)[] {
  const out: (keyof RiskLimits)[] = NUMERIC.filter((k) => (after[k] as number) > (before[k] as number))
  if (before.pauseOnLosingStreak && !after.pauseOnLosingStreak) out.push('pauseOnLosingStreak')
  return out
}

/** The phrase a person types to loosen these limits (checked in main). */
export const loosenPhrase = (keys: readonly string[]) => `LOOSEN ${keys.join(' ')}`

/** The limits for one strategy: its overrides where they are stricter, the account's otherwise. */
export function effectiveLimits(global: RiskLimits, o: StrategyLimitOverrides | null | undefined): RiskLimits {
  if (!o) return global
  const min = (a: number, b: number | null | undefined) => (b === null || b === undefined ? a : Math.min(a, b))
  return {
    ...global,
    riskPct: min(global.riskPct, o.riskPct),
    maxOrderNotional: min(global.maxOrderNotional, o.maxOrderNotional),
    maxSymbolNotional: min(global.maxSymbolNotional, o.maxSymbolNotional),
    maxStrategyNotional: min(global.maxStrategyNotional, o.maxStrategyNotional),
    maxOpenPositions: min(global.maxOpenPositions, o.maxOpenPositions),
  }
}
