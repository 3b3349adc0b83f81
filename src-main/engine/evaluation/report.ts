import type { EvaluationReport, PrimaryMetric } from '../../contract/evaluations-api'
import type { Bar } from '../../contract/models'
import { randomEntries, buyAndHoldPct } from '../../domain/evaluation/baselines'
import { calibrationReport } from '../../domain/evaluation/calibration'
import { cutoffOf } from '../../domain/evaluation/cutoff'
import {
  armMetrics,
  equityCurve,
  expectancy,
  type CalibrationPoint,
  type TradeOutcome,
} from '../../domain/evaluation/metrics'
import { quantileSorted } from '../../domain/evaluation/rng'
import { nyDate } from '../../domain/indicators/ny-time'
import type { DecisionRow } from '../../store/evaluation-repo'
import { noiseOf } from './noise'
import { abOf } from './report-ab'
import { bestOfN, intradayOf, recalibrationOf, slippageSweep, type TrialInput } from './report-sections'
import type { InputView } from '../../domain/evaluation/blinding'
import { probesOf } from './probes'

// The report of one evaluation (EVALUATION.md §3–§7), computed from its stored decisions: pure, so it
// can run off the main thread and a re-run from the same rows gives the same figures.

export interface ReportInput {
  id: string
  strategyId: string
  symbol: string
  from: string
  to: string
  horizon: number
  source: 'simulator' | 'gateway'
  capital: number
  slippageBps: number
  sessions: string[]
  daily: Bar[]
  arms: { label: string; provider: string; model: string; promptVersionId: string | null; view?: InputView }[]
  decisions: DecisionRow[]
  trials: number
  /** The A/B primary metric declared before the run (default mean R net). */
  primaryMetric?: PrimaryMetric
  /** The strategy's confidence threshold (walk-forward recalibration). */
  minConfidence?: number
  /** Other evaluations' trials of this strategy and symbol on an overlapping window (best-of-N). */
  otherTrials?: Omit<TrialInput, 'current'>[]
}

const tradeOf = (d: DecisionRow): TradeOutcome | null =>
  d.r === null || d.exitDate === null
    ? null
    : {
        r: d.r,
        pnl: d.pnl ?? 0,
        costs: d.costs,
        exitDate: d.exitDate,
        ambiguous: d.ambiguous,
        rOptimistic: d.rOptimistic ?? d.r,
      }

const count = (xs: readonly string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {})

/** The report's figures; the self-tests' results are added by the caller (they run beside it, on the main thread). */
export type ReportFigures = Omit<EvaluationReport, 'lookahead' | 'warmup'>

export function buildReport(input: ReportInput): ReportFigures {
  // The curves run on to the last exit, so trades closed after the window are booked too.
  const lastExit = input.decisions.reduce((m, d) => (d.exitDate && d.exitDate > m ? d.exitDate : m), input.to)
  const tailDates = input.daily.map((b) => nyDate(b.t)).filter((d) => d > input.to && d <= lastExit)
  const i = { ...input, sessions: [...input.sessions, ...tailDates] }
  const dateIdx = new Map(i.daily.map((b, k) => [nyDate(b.t), k]))
  const decisionIdx = input.sessions.map((s) => dateIdx.get(s)).filter((k): k is number => k !== undefined)
  const arms = i.arms.map((arm, a) => {
    const rows = i.decisions.filter((d) => d.arm === a)
    const trades = rows.map(tradeOf).filter((t): t is TradeOutcome => t !== null)
    const calib: CalibrationPoint[] = rows
      .filter((d) => d.confidence !== null && (d.exitReason === 'target' || d.exitReason === 'stop'))
      .map((d) => ({ p: d.confidence!, hit: d.exitReason === 'target' }))
    const m = armMetrics(i.sessions, trades, calib, { capital: i.capital, seed: 11 + a })
    const llmByDate = new Map<string, number>()
    for (const d of rows) llmByDate.set(d.date, (llmByDate.get(d.date) ?? 0) + d.costMicros / 1e6)
    const cal = calibrationReport(calib, 5 + a)
    // Random entries with the same trade count and R geometry (median stop distance and R:R).
    const withLevels = rows.filter(
      (d) => d.r !== null && d.entry !== null && d.stop !== null && (d.targets as number[]).length > 0,
    )
    const stopFracs = withLevels.map((d) => Math.abs(d.entry! - d.stop!) / d.entry!).sort((x, y) => x - y)
    const rrs = withLevels
      .map((d) => Math.abs((d.targets as number[])[0]! - d.entry!) / Math.abs(d.entry! - d.stop!))
      .sort((x, y) => x - y)
    const random =
      trades.length > 0 && stopFracs.length > 0
        ? randomEntries(
            i.daily,
            decisionIdx,
            trades.length,
            {
              stopFrac: quantileSorted(stopFracs, 0.5),
              rr: quantileSorted(rrs, 0.5),
              longShare: withLevels.filter((d) => d.action === 'BUY').length / withLevels.length,
            },
            { horizon: i.horizon, slippageBps: i.slippageBps, plan: 'fixed', qty: 100 },
            m.expectancyR,
            1000,
            17 + a,
          )
        : null
    const randomSorted = random ? [...random.expectancies].sort((x, y) => x - y) : []
    const cutoff = cutoffOf(arm.model)
    const before = trades.filter((t) => cutoff !== null && t.exitDate <= cutoff)
    const after = trades.filter((t) => cutoff === null || t.exitDate > cutoff)
    return {
      ...arm,
      metrics: {
        winRate: m.winRate,
        expectancyR: m.expectancyR,
        profitFactor: m.profitFactor,
        maxDrawdownPct: m.maxDrawdownPct,
        sharpe: m.sharpe,
        brier: m.brier,
      },
      intervals: m.intervals,
      decisions: rows.length,
      trades: trades.length,
      netPnl: m.netPnl,
      costs: m.costs,
      llmUsd: rows.reduce((s, d) => s + d.costMicros / 1e6, 0),
      ambiguousShare: m.ambiguousShare,
      expectancyOptimisticR: m.expectancyOptimisticR,
      returnPct: m.returnPct,
      actions: count(rows.map((d) => d.action)),
      exits: count(rows.map((d) => d.exitReason ?? (d.fillDate ? 'open' : 'no order'))),
      equity: equityCurve(i.sessions, trades, i.capital),
      equityAfterLlm: equityCurve(i.sessions, trades, i.capital, llmByDate),
      rValues: trades.map((t) => t.r),
      calibration: {
        n: cal.n,
        bins: cal.bins,
        brier: cal.brier,
        ece: cal.ece,
        auroc: cal.auroc,
        pointBiserial: cal.pointBiserial,
        skill: cal.decomposition?.skill ?? null,
      },
      baselines: {
        randomP: random?.p ?? null,
        randomMedianR: randomSorted.length ? quantileSorted(randomSorted, 0.5) : null,
        alwaysHoldR: null,
      },
      slippageSweep: slippageSweep(rows),
      intraday: intradayOf(rows),
      noise: noiseOf(i.decisions, a, arm.provider),
      recalibration: recalibrationOf(rows, i.minConfidence ?? 0.55),
      cutoff: {
        date: cutoff,
        before: { trades: before.length, expectancyR: expectancy(before.map((t) => t.r)) },
        after: { trades: after.length, expectancyR: expectancy(after.map((t) => t.r)) },
      },
    }
  })
  return {
    id: i.id,
    strategyId: i.strategyId,
    symbol: i.symbol,
    from: i.from,
    to: i.to,
    horizon: i.horizon,
    source: i.source,
    capital: i.capital,
    buyAndHoldPct: buyAndHoldPct(i.daily, i.from, i.to),
    sessions: i.sessions,
    arms,
    ab: arms.length >= 2 ? abOf(i.decisions, i.primaryMetric ?? 'meanR', arms) : null,
    trials: i.trials,
    bestOfN: bestOfN([
      ...(i.otherTrials ?? []).map((t) => ({ ...t, current: false })),
      ...arms.map((x, a) => ({
        evaluationId: i.id,
        arm: a,
        label: x.label,
        sharpe: x.metrics.sharpe,
        expectancyR: x.metrics.expectancyR,
        trades: x.trades,
        sessions: i.sessions.length,
        current: true,
      })),
    ]),
    probes: probesOf(
      i.arms,
      arms.map((x) => x.metrics),
      i.decisions,
    ),
  }
}
