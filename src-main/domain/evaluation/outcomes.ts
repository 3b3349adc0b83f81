import { brier, expectancy, profitFactor, winRate, type CalibrationPoint } from './metrics'

// Outcomes per analyst and prompt version for the statistics page (F18): the same metric functions as
// the evaluation report (metrics.ts), over live round-trip trades or evaluation decisions. A metric
// with too little data is null, never 0.

export interface OutcomeMetrics {
  /** Trades with a realised R. */
  trades: number
  winRate: number | null
  expectancyR: number | null
  profitFactor: number | null
  /** Brier score of stated confidence against "target before stop". */
  brier: number | null
  /** Trades that ended at their target or stop with a stated confidence (the Brier sample). */
  calibrated: number
}

export function outcomeMetrics(rs: readonly number[], calib: readonly CalibrationPoint[]): OutcomeMetrics {
  return {
    trades: rs.length,
    winRate: winRate(rs),
    expectancyR: expectancy(rs),
    profitFactor: profitFactor(rs),
    brier: brier(calib),
    calibrated: calib.length,
  }
}

/**
 * How a live trade ended against its signal's levels: 'target' when it exited at or beyond the first
 * target, 'stop' at or beyond the stop, null otherwise (a manual or time exit; no calibration point),
 * the rule the evaluation lab uses for its simulated exits.
 */
export function liveExit(
  t: { direction: 'long' | 'short'; exitPrice: number },
  levels: { stop: number | null; target: number | null },
): 'target' | 'stop' | null {
  const s = t.direction === 'long' ? 1 : -1
  if (levels.target !== null && s * (t.exitPrice - levels.target) >= -1e-9) return 'target'
  if (levels.stop !== null && s * (levels.stop - t.exitPrice) >= -1e-9) return 'stop'
  return null
}
