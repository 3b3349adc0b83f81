import { z } from 'zod'

// The one signal schema (LLM.md §5): what the model returns. All keys are required; `null` where a
// value may be absent. Bounds live in the validation rules (LLM.md §6), not here, so the JSON schema
// sent to the model stays in the portable subset every OpenAI-compatible server accepts.

export const Trend = z.enum(['strong_bullish', 'bullish', 'neutral', 'bearish', 'strong_bearish'])
export const DraftAction = z.enum(['BUY', 'SELL', 'HOLD'])

export const SignalDraft = z
  .object({
    schema_version: z.literal('1'),
    symbol: z.string(),
    as_of: z.string(),
    timeframes: z.enum(['1D', '1W', '1D+1W']),
    action: DraftAction,
    confidence: z.number(),
    trend: Trend,
    entry_type: z.enum(['market', 'limit', 'stop']).nullable(),
    entry: z.number().nullable(),
    entry_zone: z.object({ low: z.number(), high: z.number() }).strict().nullable(),
    stop_loss: z.number().nullable(),
    targets: z.array(z.object({ price: z.number(), basis: z.string() }).strict()).max(3),
    time_horizon_days: z.number().nullable(),
    invalidation: z.string(),
    key_levels: z.object({ support: z.array(z.number()).max(3), resistance: z.array(z.number()).max(3) }).strict(),
    evidence: z
      .array(
        z
          .object({
            source: z.enum(['daily_chart', 'weekly_chart', 'indicators', 'position']),
            observation: z.string(),
          })
          .strict(),
      )
      .max(5),
    risks: z.array(z.string()).max(3),
    reasoning: z.string(),
  })
  .strict()
export type SignalDraft = z.infer<typeof SignalDraft>

export const SignalStatus = z.enum(['ACCEPTED', 'DOWNGRADED', 'REVIEW'])
export type SignalStatus = z.infer<typeof SignalStatus>

export const FinalAction = z.enum(['BUY', 'SELL', 'HOLD', 'EXIT', 'REVIEW'])
export type FinalAction = z.infer<typeof FinalAction>

export const Violation = z.object({
  rule: z.string(),
  severity: z.enum(['review', 'downgrade', 'flag']),
  message: z.string(),
})
export type Violation = z.infer<typeof Violation>
