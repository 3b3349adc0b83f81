import { randomUUID } from 'node:crypto'
import type { Bar } from '../../contract/models'
import type { LlmAnalysisOutput, ValidateSignalOutput } from '../../contract/steps'
import type { Strategy } from '../../contract/strategies'
import type { Analysis } from '../../domain/runs/analysis'
import { CHART_BARS } from '../../domain/runs/market-data'
import { validateSignal, type SignalVerdict, type ValidationContext } from '../../domain/signals'
import type { NewSignal } from '../../store/signals-repo'
import { DAY, positionSide, TICK_SIZE } from './types'

// Step 7, validate_signal: the analyst's answer checked in code against the bars and the strategy's
// policy (LLM.md §6); the verdict becomes a signal row.

export interface ValidationContextInput {
  config: Pick<Strategy['config'], 'symbol' | 'timeframes' | 'risk'>
  asOf: string
  daily: readonly Bar[]
  analysis: Analysis
  withWeekly: boolean
  positionQty: number
  /** The contract's price increment (default: the old 0.01 assumption). */
  increment?: number
}

/** What the validator checks the answer against (recorded as this step's input). */
export function validationContext(i: ValidationContextInput): ValidationContext {
  const cfg = i.config
  const a = i.analysis
  const charted = i.daily.slice(-CHART_BARS.daily)
  return {
    symbol: cfg.symbol,
    asOf: i.asOf,
    timeframes: cfg.timeframes,
    lastClose: i.daily.at(-1)!.c,
    atr: a.d.atr ?? NaN,
    weeklyAtr: i.withWeekly ? a.w.atr : null,
    tickSize: i.increment ?? TICK_SIZE,
    barsLow: Math.min(...charted.map((b) => b.l)),
    barsHigh: Math.max(...charted.map((b) => b.h)),
    position: positionSide(i.positionQty),
    policy: {
      minR: cfg.risk.minR,
      minProfitMargin: cfg.risk.minProfitMargin,
      minConfidence: cfg.risk.minConfidence,
      allowShort: cfg.risk.allowShort,
      allowPyramiding: cfg.risk.allowPyramiding,
      combination: cfg.risk.combination,
    },
    confirmation: { bull: a.confirmation.bull_count, bear: a.confirmation.bear_count },
  }
}

export type AnalystVerdictInput = Pick<LlmAnalysisOutput, 'outcome' | 'reviewReason' | 'detail'> & { _value: unknown }

export function validateSignalInput(llm: AnalystVerdictInput, context: ValidationContext) {
  return { answer: llm._value, outcome: llm.outcome, context }
}

/** The verdict: REVIEW when the analyst gave none or ATR is undefined, else the validator's. */
export function judgeSignal(llm: AnalystVerdictInput, atr: number | null, context: ValidationContext): SignalVerdict {
  if (llm.outcome === 'review' || atr === null)
    return {
      status: 'REVIEW',
      finalAction: 'REVIEW',
      reviewReason: llm.reviewReason ?? 'no_atr',
      violations: [
        {
          rule: llm.outcome === 'review' ? 'provider' : 'V6',
          severity: 'review',
          message: llm.detail ?? 'ATR is not defined on these bars',
        },
      ],
      flags: [],
      draft: null,
      confidenceLevel: null,
      numbers: null,
    }
  return validateSignal(llm._value, context)
}

export interface ValidateSignalInput {
  runId: string
  strategy: Pick<Strategy, 'id'> & { config: Pick<Strategy['config'], 'conid' | 'symbol'> }
  analyst: { provider: string; model: string }
  promptVersionId: string | null
  llm: AnalystVerdictInput
  /** Daily ATR(14), null when the bars do not define it. */
  atr: number | null
  context: ValidationContext
}

export interface ValidateSignalServices {
  now: () => number
  /** Keep the signal (the live run writes the `signals` row and announces it). */
  saveSignal(signal: NewSignal): void
}

export function validateSignalStep(i: ValidateSignalInput, s: ValidateSignalServices): ValidateSignalOutput {
  const verdict = judgeSignal(i.llm, i.atr, i.context)
  const signalId = randomUUID()
  const draft = verdict.draft
  const cfg = i.strategy.config
  s.saveSignal({
    id: signalId,
    runId: i.runId,
    strategyId: i.strategy.id,
    conid: cfg.conid,
    symbol: cfg.symbol,
    action:
      verdict.finalAction === 'REVIEW'
        ? 'REVIEW'
        : verdict.finalAction === 'EXIT'
          ? i.context.position === 'long'
            ? 'SELL'
            : 'BUY'
          : verdict.finalAction,
    status: verdict.status,
    confidence: draft?.confidence ?? null,
    entry: draft?.entry ?? null,
    stop: draft?.stop_loss ?? null,
    targets: draft?.targets.map((t) => t.price) ?? [],
    rewardRisk: verdict.numbers?.rMultiples[0] ?? null,
    provider: i.analyst.provider,
    model: i.analyst.model,
    promptVersionId: i.promptVersionId,
    payload: {
      verdict,
      reason: verdict.reviewReason ?? verdict.violations.find((v) => v.severity !== 'flag')?.message ?? null,
    },
    expiresAt: verdict.status === 'ACCEPTED' && verdict.finalAction !== 'HOLD' ? s.now() + DAY : null,
    createdAt: s.now(),
  })
  return { signalId, ...verdict }
}
