import { deflatedSharpe, holm } from '../../domain/evaluation/ab'
import { expectancy, profitFactor, winRate } from '../../domain/evaluation/metrics'
import { walkForwardRecalibration, type RecalResult } from '../../domain/evaluation/recalibration'
import type { DecisionRow } from '../../store/evaluation-repo'
import { SWEEP_BPS } from './decisions'

// Report sections computed from stored rows without any model call: the slippage sweep (§2), the
// walk-forward recalibration (§4) and the best-of-N view over every trial of the same strategy,
// symbol and window (§5).

export interface SweepRow {
  bps: number
  trades: number
  expectancyR: number | null
  winRate: number | null
  profitFactor: number | null
  totalR: number | null
}

/** R net of each trade under each slippage of the sweep (rows from before the sweep are skipped). */
export function slippageSweep(rows: readonly DecisionRow[]): SweepRow[] | null {
  const traded = rows.filter((d) => d.r !== null && d.exitDate !== null)
  if (traded.some((d) => !d.fillVariants)) return null
  return SWEEP_BPS.map((bps) => {
    const rs = traded.map((d) => d.fillVariants!.sweep[String(bps)]).filter((r): r is number => r != null)
    return {
      bps,
      trades: rs.length,
      expectancyR: expectancy(rs),
      winRate: winRate(rs),
      profitFactor: profitFactor(rs),
      totalR: rs.length ? rs.reduce((s, r) => s + r, 0) : null,
    }
  })
}

/** Walk-forward recalibration of an arm's BUY/SELL decisions against its confidence threshold. */
export function recalibrationOf(rows: readonly DecisionRow[], threshold: number): Omit<RecalResult, 'points'> {
  const { points: _points, ...rest } = walkForwardRecalibration(
    rows
      .filter((d) => d.confidence !== null && d.fillDate !== null)
      .map((d) => ({
        date: d.date,
        confidence: d.confidence!,
        hit: d.exitReason === 'target' ? true : d.exitReason === 'stop' ? false : null,
        knownOn: d.exitDate,
        r: d.r,
      })),
    threshold,
  )
  return rest
}

export interface TrialInput {
  evaluationId: string
  arm: number
  label: string
  /** Annualised Sharpe of the daily equity; null when too little data. */
  sharpe: number | null
  expectancyR: number | null
  trades: number
  /** Daily returns behind the Sharpe. */
  sessions: number
  current: boolean
}

export interface BestOfNRow extends TrialInput {
  /** One-sided p of "Sharpe ≤ 0" (1 − probabilistic Sharpe ratio against 0). */
  p: number | null
  holmP: number | null
  /** Deflated Sharpe ratio: the probability this Sharpe beats the best of N unskilled trials. */
  dsr: number | null
}

/**
 * Every evaluation arm is a trial for its strategy, symbol and window. Sharpes are turned per day
 * (÷ √252); the variance of the trials' daily Sharpes sets the expected best of N under no skill.
 */
export function bestOfN(trials: readonly TrialInput[]): { trials: number; rows: BestOfNRow[] } {
  const daily = trials.map((t) => (t.sharpe === null ? null : t.sharpe / Math.sqrt(252)))
  const known = daily.filter((s): s is number => s !== null)
  const m = known.length ? known.reduce((s, x) => s + x, 0) / known.length : 0
  const variance = known.length > 1 ? known.reduce((s, x) => s + (x - m) ** 2, 0) / (known.length - 1) : 0
  const ps = daily.map((sr, k) => (sr === null ? null : 1 - deflatedSharpe(sr, 0, 1, trials[k]!.sessions)!))
  const idx = ps.map((p, k) => (p === null ? -1 : k)).filter((k) => k >= 0)
  const adjusted = holm(idx.map((k) => ps[k]!))
  const holmP = new Map(idx.map((k, j) => [k, adjusted[j]!]))
  const rows = trials.map((t, k) => ({
    ...t,
    p: ps[k] ?? null,
    holmP: holmP.get(k) ?? null,
    dsr: daily[k] === null ? null : deflatedSharpe(daily[k]!, variance, trials.length, t.sessions),
  }))
  return { trials: trials.length, rows }
}

/** Ambiguous trades resolved from intraday bars, and the mean R with their resolved path (§2). */
export function intradayOf(rows: readonly DecisionRow[]) {
  const traded = rows.filter((d) => d.r !== null && d.exitDate !== null)
  const ambiguous = traded.filter((d) => d.ambiguous)
  const resolved = ambiguous.filter((d) => d.fillVariants?.intraday)
  const rs = traded.map((d) => (d.fillVariants?.intraday ? (d.fillVariants.intraday.r ?? 0) : d.r!))
  return { ambiguous: ambiguous.length, resolved: resolved.length, expectancyR: expectancy(rs) }
}
