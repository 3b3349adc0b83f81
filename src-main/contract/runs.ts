import { z } from 'zod'
import { Conid, FireOutcome, SignalAction } from './models'
import { SignalStatus } from './signals'

/** One row of the signals list (F11): what the model said, what the rules made of it, and when it lapses. */
export const SignalSummary = z.object({
  id: z.string(),
  runId: z.string(),
  strategyId: z.string().nullable(),
  conid: Conid,
  symbol: z.string(),
  action: SignalAction,
  status: SignalStatus,
  confidence: z.number().nullable(),
  entry: z.number().nullable(),
  stop: z.number().nullable(),
  targets: z.array(z.number()),
  rewardRisk: z.number().nullable(),
  provider: z.string(),
  model: z.string(),
  promptVersionId: z.string().nullable(),
  reason: z.string().nullable(),
  /** What the analyst drafted, when the verdict changed it (a downgraded BUY reads BUY → HOLD). */
  draftAction: z.enum(['BUY', 'SELL', 'HOLD']).nullable().optional(),
  /** The rule behind a downgrade or review (V7, V8, …). */
  rule: z.string().nullable().optional(),
  outcome: z.unknown(),
  expiresAt: z.number().int().nullable(),
  createdAt: z.number().int(),
})
export type SignalSummary = z.infer<typeof SignalSummary>

export const SignalFilter = z
  .object({
    strategyId: z.string().max(64).optional(),
    status: SignalStatus.optional(),
    action: SignalAction.optional(),
    before: z.number().int().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
export type SignalFilter = z.output<typeof SignalFilter>

/** A strategy's schedule as the scheduler keeps it (F7). */
export const ScheduleView = z.object({
  strategyId: z.string(),
  name: z.string(),
  active: z.boolean(),
  paused: z.boolean(),
  cron: z.string(),
  tz: z.string(),
  missedPolicy: z.enum(['skip', 'run_latest_if_within_grace']),
  nextRunAt: z.number().int().nullable(),
  lastSeenAt: z.number().int().nullable(),
})
export type ScheduleView = z.infer<typeof ScheduleView>

export const FireView = z.object({
  strategyId: z.string(),
  scheduledFor: z.number().int(),
  outcome: FireOutcome,
  runId: z.string().nullable(),
  reason: z.string(),
  recordedAt: z.number().int(),
})
export type FireView = z.infer<typeof FireView>

/** Outcomes of one analyst (provider, model) and prompt version over a window (F18). */
export const OutcomeStats = z.object({
  provider: z.string(),
  model: z.string(),
  promptVersionId: z.string().nullable(),
  promptLabel: z.string().nullable(),
  /** Live: signals created in the window; evaluation: decisions. */
  signals: z.number().int(),
  /** Evaluations the decisions come from (null for live). */
  evaluations: z.number().int().nullable(),
  /** Trades with a realised R. */
  trades: z.number().int(),
  winRate: z.number().nullable(),
  expectancyR: z.number().nullable(),
  profitFactor: z.number().nullable(),
  brier: z.number().nullable(),
  /** Trades ended at target or stop with a stated confidence: the Brier sample. */
  calibrated: z.number().int(),
})
export type OutcomeStats = z.infer<typeof OutcomeStats>

export const LineageStats = z.object({
  steps: z.array(
    z.object({
      step: z.string(),
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
    }),
  ),
  topErrors: z.array(z.object({ step: z.string(), message: z.string(), count: z.number().int() })),
  strategies: z.array(
    z.object({
      strategyId: z.string(),
      name: z.string(),
      runs: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      aborted: z.number().int(),
      p50Ms: z.number().nullable(),
      lastRunAt: z.number().int().nullable(),
      signals: z.number().int(),
      actionable: z.number().int(),
      reviews: z.number().int(),
    }),
  ),
  models: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      promptVersionId: z.string().nullable(),
      promptLabel: z.string().nullable(),
      signals: z.number().int(),
      accepted: z.number().int(),
      downgraded: z.number().int(),
      reviews: z.number().int(),
      buys: z.number().int(),
      sells: z.number().int(),
      holds: z.number().int(),
      promptTokens: z.number().int(),
      completionTokens: z.number().int(),
      costMicros: z.number().int(),
      unpricedCalls: z.number().int(),
    }),
  ),
  /** Outcomes per analyst and prompt version, live trades and evaluations apart (null: too little data). */
  outcomes: z.object({ live: z.array(OutcomeStats), evaluation: z.array(OutcomeStats) }),
})
export type LineageStats = z.infer<typeof LineageStats>
