import { z } from 'zod'
import { IndicatorSpecs } from './indicators'
import { StrategyLimitOverrides } from './risk-limits-api'
import { ApprovalMode, Conid, LlmModel, StrategyMode } from './models'

// A strategy as the user defines it (F6). Limits follow RELIABILITY.md §1.2: risk per trade at most
// 5 %, long-only and no pyramiding unless switched on, live mode only with explicit arming later.

const pct = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .gt(0, `${what} must be above 0`)
    .max(max, `${what} must be at most ${max * 100} %`)

export const StrategyRisk = z
  .object({
    riskPct: pct('Risk per trade', 0.05).default(0.01),
    minR: z.number().min(0.5, 'Minimum reward/risk must be at least 0.5').max(10).default(1.5),
    minProfitMargin: z.number().min(0).max(0.5).default(0.05),
    minConfidence: z.number().min(0).max(1).default(0.55),
    maxPositionShares: z.number().int().min(1).max(100_000).default(1000),
    maxPositionPct: pct('Largest position', 1).default(0.1),
    allowShort: z.boolean().default(false),
    allowPyramiding: z.boolean().default(false),
    combination: z.enum(['llm_only', 'technical_only', 'agree']).default('agree'),
    /** Overrides of the account's risk limits for this strategy; they can only tighten them. */
    limits: StrategyLimitOverrides.optional(),
  })
  .strict()

export const StrategySchedule = z
  .object({
    cron: z.string().trim().min(9).max(100),
    tz: z.string().min(3).max(64),
    missedPolicy: z.enum(['skip', 'run_latest_if_within_grace']).default('skip'),
    graceMs: z.number().int().min(60_000).max(3_600_000).default(300_000),
  })
  .strict()

export const StrategyInput = z
  .object({
    name: z.string().trim().min(1, 'Give the strategy a name').max(80),
    conid: Conid,
    symbol: z.string().regex(/^[A-Z0-9.-]{1,15}$/, 'A symbol is 1-15 capital letters, digits, . or -'),
    indicators: IndicatorSpecs,
    promptVersionId: z.string().max(64).nullable().default(null),
    provider: z.enum(['auto', 'rules', 'openai']).default('auto'),
    model: LlmModel.nullable().default(null),
    /** Daily LLM spend cap in USD; the model is not called once it is spent (the signal is REVIEW). */
    llmDailyBudgetUsd: z.number().min(0).max(1000).nullable().default(null),
    timeframes: z.enum(['1D', '1W', '1D+1W']).default('1D+1W'),
    schedule: StrategySchedule,
    marketHours: z.enum(['rth_only', 'any']).default('rth_only'),
    risk: StrategyRisk.prefault({}),
    mode: StrategyMode.default('dry-run'),
    approval: ApprovalMode.default('ask'),
  })
  .strict()
export type StrategyInput = z.output<typeof StrategyInput>

/** A stored strategy: what `strategies.list` returns (scripts rely on id, name, mode, approval). */
export const Strategy = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  mode: StrategyMode,
  approval: ApprovalMode,
  active: z.boolean(),
  revision: z.number().int(),
  config: StrategyInput,
  nextFires: z.array(z.number().int()),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
})
export type Strategy = z.infer<typeof Strategy>
