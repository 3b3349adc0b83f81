import type { IndicatorSpec } from '../../contract/indicators'
import type { Bar } from '../../contract/models'
import type { ComputeIndicatorsOutput } from '../../contract/steps'
import { analyse, CHART_IDS, DAILY_SPECS, tail, WEEKLY_SPECS, type Analysis } from '../../domain/runs/analysis'
import { CHART_BARS } from '../../domain/runs/market-data'
import type { StepIo } from './types'

// Step 4, compute_indicators: the fixed analysis sets and the strategy's own indicators over the
// recorded bars. The artifact holds the arrays over the charted windows (what render_charts draws:
// the chart sets over the last 252 daily and 104 weekly bars, and the strategy's own indicators over
// the daily window); the output keeps the last values the prompt reads. The warm-up before the window
// and the text-only indicators' arrays are not stored: a replay recomputes them from the bars artifact.

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
    () => Buffer.from(JSON.stringify(chartedArrays(a))),
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

/** The indicators artifact: the arrays over the charted windows. */
export function chartedArrays(a: Analysis) {
  return {
    daily: tail(a.daily, CHART_IDS.daily, CHART_BARS.daily),
    weekly: a.weekly && tail(a.weekly, CHART_IDS.weekly, CHART_BARS.weekly),
    strategy: tail(
      a.strategy,
      a.strategy.map((r) => r.id),
      CHART_BARS.daily,
    ),
  }
}
