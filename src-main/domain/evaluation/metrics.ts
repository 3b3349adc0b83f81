import { bootstrapInterval, mean, stdev, type Interval } from './rng'

// Trade and portfolio metrics (EVALUATION.md §3). A metric with too little data is null, never 0.

export interface TradeOutcome {
  /** Realised R net of costs. */
  r: number
  pnl: number
  costs: number
  /** Session of the exit, YYYY-MM-DD. */
  exitDate: string
  ambiguous: boolean
  rOptimistic: number
}

export interface CalibrationPoint {
  /** Stated confidence, 0..1. */
  p: number
  /** The event happened (target before stop). */
  hit: boolean
}

export interface MetricSet {
  winRate: number | null
  expectancyR: number | null
  profitFactor: number | null
  maxDrawdownPct: number | null
  sharpe: number | null
  brier: number | null
}

export interface ArmMetrics extends MetricSet {
  intervals: { [K in keyof MetricSet]: Interval | null }
  trades: number
  netPnl: number
  costs: number
  ambiguousShare: number | null
  expectancyOptimisticR: number | null
  returnPct: number | null
}

export const winRate = (rs: readonly number[]): number | null =>
  rs.length === 0 ? null : rs.filter((r) => r > 0).length / rs.length

export const expectancy = (rs: readonly number[]): number | null => (rs.length === 0 ? null : mean(rs))

/** Gross wins over gross losses; null with no losing trade (the ratio is not defined). */
export function profitFactor(rs: readonly number[]): number | null {
  let win = 0
  let loss = 0
  for (const r of rs) {
    if (r > 0) win += r
    else loss -= r
  }
  return loss === 0 ? null : win / loss
}

/**
 * Daily equity from a starting capital: each trade's P&L is booked on the first session on or after
 * its exit (an exit on a day that is not in `sessions` still counts), likewise any daily cost.
 */
export function equityCurve(
  sessions: readonly string[],
  trades: readonly { exitDate: string; pnl: number }[],
  capital: number,
  dailyCost: ReadonlyMap<string, number> = new Map(),
): number[] {
  const flows = [
    ...trades.map((t) => [t.exitDate, t.pnl] as const),
    ...[...dailyCost].map(([d, c]) => [d, -c] as const),
  ].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  let eq = capital
  let k = 0
  return sessions.map((d) => {
    while (k < flows.length && flows[k]![0] <= d) eq += flows[k++]![1]
    return eq
  })
}

/** Largest peak-to-trough fall of an equity curve, in % of the peak; null for an empty curve. */
export function maxDrawdownPct(equity: readonly number[]): number | null {
  if (equity.length === 0) return null
  let peak = equity[0]!
  let worst = 0
  for (const e of equity) {
    peak = Math.max(peak, e)
    worst = Math.max(worst, (peak - e) / peak)
  }
  return worst * 100
}

/** Annualised Sharpe of daily returns (risk-free 0); null under 20 returns or with no variation. */
export function sharpe(equity: readonly number[]): number | null {
  const rets: number[] = []
  for (let i = 1; i < equity.length; i++) rets.push(equity[i]! / equity[i - 1]! - 1)
  if (rets.length < 20) return null
  const sd = stdev(rets)
  return sd > 0 ? (mean(rets) / sd) * Math.sqrt(252) : null
}

export const brier = (pts: readonly CalibrationPoint[]): number | null =>
  pts.length === 0 ? null : mean(pts.map((x) => (x.p - (x.hit ? 1 : 0)) ** 2))

/** Every metric of one arm with its 95 % bootstrap interval (seeded). */
export function armMetrics(
  sessions: readonly string[],
  trades: readonly TradeOutcome[],
  calib: readonly CalibrationPoint[],
  opts: { capital: number; seed?: number; resamples?: number },
): ArmMetrics {
  const rs = trades.map((t) => t.r)
  const curveOf = (ts: readonly TradeOutcome[]) => equityCurve(sessions, ts, opts.capital)
  const eq = curveOf(trades)
  const boot = { seed: opts.seed ?? 1, resamples: opts.resamples ?? 1000 }
  const netPnl = trades.reduce((s, t) => s + t.pnl, 0)
  return {
    winRate: winRate(rs),
    expectancyR: expectancy(rs),
    profitFactor: profitFactor(rs),
    maxDrawdownPct: trades.length === 0 ? null : maxDrawdownPct(eq),
    sharpe: trades.length === 0 ? null : sharpe(eq),
    brier: brier(calib),
    intervals: {
      winRate: bootstrapInterval(rs, winRate, boot),
      expectancyR: bootstrapInterval(rs, expectancy, boot),
      profitFactor: bootstrapInterval(rs, profitFactor, boot),
      maxDrawdownPct: bootstrapInterval(trades, (s) => maxDrawdownPct(curveOf(s)), boot),
      sharpe: bootstrapInterval(trades, (s) => sharpe(curveOf(s)), boot),
      brier: bootstrapInterval(calib, brier, boot),
    },
    trades: trades.length,
    netPnl,
    costs: trades.reduce((s, t) => s + t.costs, 0),
    ambiguousShare: trades.length === 0 ? null : trades.filter((t) => t.ambiguous).length / trades.length,
    expectancyOptimisticR: expectancy(trades.map((t) => t.rOptimistic)),
    returnPct: trades.length === 0 ? null : (netPnl / opts.capital) * 100,
  }
}
