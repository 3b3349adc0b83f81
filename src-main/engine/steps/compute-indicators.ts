import type { IndicatorSpec } from '../../contract/indicators'
import type { Bar } from '../../contract/models'
import type { ComputeIndicatorsOutput } from '../../contract/steps'
import { analyse, DAILY_SPECS, WEEKLY_SPECS, type Analysis } from '../../domain/runs/analysis'
import type { StepIo } from './types'

// Step 4, compute_indicators: the fixed analysis sets and the strategy's own indicators over the
// recorded bars; the full arrays become an artifact, the output keeps the last values.

export interface ComputeIndicatorsInput {
  daily: readonly Bar[]
  weekly: readonly Bar[] | null
  /** The strategy's own indicators. */
  indicators: readonly IndicatorSpec[]
  /** Whether the strategy reads the weekly timeframe (else `w` is recorded as null). */
  withWeekly: boolean
}

export type ComputeIndicatorsResult = ComputeIndicatorsOutput & { _analysis: Analysis }

export function computeIndicatorsInput(barsSha256: string, withWeekly: boolean, indicators: readonly IndicatorSpec[]) {
  return { barsSha256, daily: DAILY_SPECS, weekly: withWeekly ? WEEKLY_SPECS : null, strategy: indicators }
}

export function computeIndicators(i: ComputeIndicatorsInput, io: StepIo): ComputeIndicatorsResult {
  const a = analyse(i.daily, i.weekly, i.indicators)
  const indicatorsSha256 = io.artifact(
    () => Buffer.from(JSON.stringify({ daily: a.daily, weekly: a.weekly, strategy: a.strategy })),
    'indicators',
    'application/json',
  )
  const strategyLast = a.strategy.map((r) => ({
    id: r.id,
    label: r.label,
    values: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, v.at(-1) ?? null])),
  }))
  return {
    indicatorsSha256,
    d: a.d,
    w: i.withWeekly ? a.w : null,
    confirmation: a.confirmation,
    levels: a.levels,
    strategy: strategyLast,
    _analysis: a,
  }
}
