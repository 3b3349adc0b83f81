import { z } from 'zod'

// Risk limits a trader sets (RELIABILITY.md §1.2, issue #9): read and change them. Tightening applies
// at once; a change that loosens any limit needs `confirmation` = "LOOSEN <names of the loosened
// limits>" (checked in main, never only in the renderer) and is audited with before and after.

const frac = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .gt(0, `${what} must be above 0`)
    .max(max, `${what} must be at most ${max * 100} %`)
const money = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .positive(`${what} must be above 0`)
    .max(100_000_000, `${what} must be at most 100,000,000`)
const count = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${max}`)

export const RiskLimits = z
  .object({
    /** Risk per trade as a share of net liquidation (hard max 5 %). */
    riskPct: frac('Risk per trade', 0.05),
    maxOrderNotional: money('Max order notional'),
    maxSymbolNotional: money('Max notional per symbol'),
    maxStrategyNotional: money('Max notional per strategy'),
    maxGrossExposurePct: frac('Max gross exposure', 4),
    maxOpenPositions: count('Max open positions', 500),
    /** A limit must be within this share of a fresh quote. */
    priceCollarPct: frac('Price collar', 0.5),
    maxQuoteAgeSec: count('Quote max age', 3600),
    dailyLossPct: frac('Daily loss limit', 0.5),
    /** Losing trades in a row that raise an alert (and pause new entries when pauseOnLosingStreak). */
    losingStreak: count('Losing streak', 100),
    pauseOnLosingStreak: z.boolean(),
    ratePerTwoSeconds: count('Orders per 2 s', 10),
    ratePerMinute: count('Orders per minute', 100),
    ratePerDay: count('Orders per day', 5000),
  })
  .strict()
export type RiskLimits = z.infer<typeof RiskLimits>

/** Per-strategy overrides: each may only tighten the account's limit (the stricter one applies). */
export const StrategyLimitOverrides = z
  .object({
    riskPct: frac('Risk per trade', 0.05).nullable().optional(),
    maxOrderNotional: money('Max order notional').nullable().optional(),
    maxSymbolNotional: money('Max notional per symbol').nullable().optional(),
    maxStrategyNotional: money('Max notional per strategy').nullable().optional(),
    maxOpenPositions: count('Max open positions', 500).nullable().optional(),
  })
  .strict()
export type StrategyLimitOverrides = z.infer<typeof StrategyLimitOverrides>

export const RiskLimitsView = z.object({
  limits: RiskLimits,
  defaults: RiskLimits,
  updatedAt: z.number().int().nullable(),
})
export type RiskLimitsView = z.infer<typeof RiskLimitsView>

export const riskLimitsMethods = {
  'risk.getLimits': { input: z.object({}).strict(), output: RiskLimitsView },
  'risk.setLimits': {
    input: z.object({ limits: RiskLimits, confirmation: z.string().max(300).optional() }).strict(),
    output: RiskLimitsView,
  },
} as const
