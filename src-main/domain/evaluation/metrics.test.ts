import { describe, expect, it } from 'vitest'
import {
  auroc,
  brierDecomposition,
  calibrationReport,
  ece,
  pointBiserial,
  reliabilityBins,
  wilson,
} from './calibration'
import { armMetrics, equityCurve, maxDrawdownPct, profitFactor, sharpe, type TradeOutcome } from './metrics'
import { bootstrapInterval, seededRng } from './rng'

// A small reference written differently (loops over indices, no helpers) to check the metrics.
function refSharpe(eq: number[]): number {
  const r: number[] = []
  for (let i = 1; i < eq.length; i++) r.push((eq[i]! - eq[i - 1]!) / eq[i - 1]!)
  const m = r.reduce((a, b) => a + b, 0) / r.length
  const v = r.reduce((a, b) => a + (b - m) * (b - m), 0) / (r.length - 1)
  return (m / Math.sqrt(v)) * Math.sqrt(252)
}
function refDrawdown(eq: number[]): number {
  let best = 0
  for (let i = 0; i < eq.length; i++)
    for (let j = i; j < eq.length; j++) best = Math.max(best, (eq[i]! - eq[j]!) / Math.max(...eq.slice(0, i + 1)))
  return best * 100
}
function refAuroc(p: number[], y: boolean[]): number {
  let s = 0
  let n = 0
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < p.length; j++)
      if (y[i] && !y[j]) {
        n++
        s += p[i]! > p[j]! ? 1 : p[i] === p[j] ? 0.5 : 0
      }
  return s / n
}

const rng = seededRng(42)
const sessions = Array.from({ length: 60 }, (_, i) => `2024-01-${String(i).padStart(3, '0')}`)
const trades: TradeOutcome[] = Array.from({ length: 25 }, (_, i) => {
  const r = Math.round((rng() * 4 - 1.5) * 100) / 100
  return { r, pnl: r * 500, costs: 2, exitDate: sessions[2 * i + 5]!, ambiguous: i % 7 === 0, rOptimistic: r + 0.1 }
})

describe('metrics against a reference on fixed data', () => {
  it('hand-computed small case', () => {
    expect(profitFactor([2, -1, 1, -1])).toBe(1.5)
    expect(profitFactor([1, 2])).toBeNull() // no loss: undefined, not infinity or 0
    expect(maxDrawdownPct([100, 120, 90, 130, 117])).toBeCloseTo(25, 10)
    expect(equityCurve(['a', 'b', 'c'], [{ exitDate: 'b', pnl: 5 }], 100)).toEqual([100, 105, 105])
  })

  it('Sharpe and drawdown agree with the reference', () => {
    const eq = equityCurve(sessions, trades, 100_000)
    expect(sharpe(eq)).toBeCloseTo(refSharpe(eq), 10)
    expect(maxDrawdownPct(eq)).toBeCloseTo(refDrawdown(eq), 10)
  })

  it('arm metrics: values, intervals containing them, nulls for too little data', () => {
    const m = armMetrics(sessions, trades, [], { capital: 100_000 })
    const rs = trades.map((t) => t.r)
    expect(m.winRate).toBeCloseTo(rs.filter((r) => r > 0).length / 25, 12)
    expect(m.expectancyR).toBeCloseTo(rs.reduce((a, b) => a + b) / 25, 12)
    expect(m.intervals.expectancyR!.low).toBeLessThan(m.expectancyR!)
    expect(m.intervals.expectancyR!.high).toBeGreaterThan(m.expectancyR!)
    expect(m.brier).toBeNull()
    expect(m.ambiguousShare).toBeCloseTo(4 / 25, 12)
    const empty = armMetrics(sessions, [], [], { capital: 100_000 })
    expect(empty).toMatchObject({ winRate: null, expectancyR: null, sharpe: null, maxDrawdownPct: null, brier: null })
    expect(empty.intervals.winRate).toBeNull()
  })

  it('bootstrap intervals are reproducible with a seed', () => {
    const a = bootstrapInterval([1, 2, 3, 4, 5, 6], (s) => s.reduce((x, y) => x + y) / s.length, { seed: 3 })
    const b = bootstrapInterval([1, 2, 3, 4, 5, 6], (s) => s.reduce((x, y) => x + y) / s.length, { seed: 3 })
    expect(a).toEqual(b)
  })
})

describe('calibration', () => {
  const pts = Array.from({ length: 120 }, () => {
    const p = Math.round(rng() * 100) / 100
    return { p, hit: rng() < p }
  })

  it('Wilson interval, hand-computed', () => {
    const w = wilson(8, 10)!
    expect(w.low).toBeCloseTo(0.4902, 4)
    expect(w.high).toBeCloseTo(0.9433, 4)
    expect(wilson(0, 0)).toBeNull()
  })

  it('5 quantile bins under 200 points, every point in exactly one bin', () => {
    const bins = reliabilityBins(pts)
    expect(bins.length).toBe(5)
    expect(bins.reduce((s, b) => s + b.n, 0)).toBe(120)
  })

  it('Brier decomposition adds up when each bin holds one confidence value', () => {
    const simple = [
      { p: 0.2, hit: false },
      { p: 0.2, hit: true },
      { p: 0.2, hit: false },
      { p: 0.8, hit: true },
      { p: 0.8, hit: true },
      { p: 0.8, hit: false },
    ]
    const d = brierDecomposition(simple)!
    const bs = simple.reduce((s, x) => s + (x.p - (x.hit ? 1 : 0)) ** 2, 0) / 6
    expect(d.reliability - d.resolution + d.uncertainty).toBeCloseTo(bs, 12)
    expect(ece(simple)).toBeCloseTo(Math.abs(1 / 3 - 0.2) / 2 + Math.abs(2 / 3 - 0.8) / 2, 12)
  })

  it('AUROC and point-biserial r agree with the references', () => {
    expect(auroc(pts)).toBeCloseTo(
      refAuroc(
        pts.map((x) => x.p),
        pts.map((x) => x.hit),
      ),
      12,
    )
    const r = pointBiserial(pts)!
    expect(r).toBeGreaterThan(0) // hits were drawn with probability p
    expect(
      pointBiserial([
        { p: 0.5, hit: true },
        { p: 0.5, hit: false },
        { p: 0.5, hit: true },
      ]),
    ).toBeNull()
    expect(calibrationReport(pts).n).toBe(120)
  })
})

describe('equity booking', () => {
  it('books an exit on a day outside the sessions on the next session', () => {
    expect(equityCurve(['2024-01-05', '2024-01-08'], [{ exitDate: '2024-01-06', pnl: 7 }], 100)).toEqual([100, 107])
    const cost = new Map([['2024-01-05', 2]])
    expect(equityCurve(['2024-01-05', '2024-01-08'], [], 100, cost)).toEqual([98, 98])
  })
})
