import { describe, expect, it } from 'vitest'
import type { DecisionRow } from '../../store/evaluation-repo'
import { bestOfN, slippageSweep, type TrialInput } from './report-sections'

const trade = (r: number, sweep: Record<string, number>) =>
  ({ r, exitDate: '2024-01-10', fillVariants: { sweep } }) as unknown as DecisionRow

describe('report sections without model calls', () => {
  it('sweeps slippage over the same trades', () => {
    const rows = [
      trade(1.9, { '0': 2, '5': 1.9, '10': 1.8, '25': 1.5 }),
      trade(-1.1, { '0': -1, '5': -1.1, '10': -1.2, '25': -1.5 }),
      { r: null, exitDate: null, fillVariants: null } as unknown as DecisionRow,
    ]
    const s = slippageSweep(rows)!
    expect(s.map((x) => x.bps)).toEqual([0, 5, 10, 25])
    expect(s[0]).toMatchObject({ trades: 2, expectancyR: 0.5, winRate: 0.5, profitFactor: 2, totalR: 1 })
    expect(s[3]!.expectancyR).toBeCloseTo(0, 12)
    expect(s[3]!.profitFactor).toBeCloseTo(1, 12)
    // A row from before the sweep existed: no sweep rather than a partial one.
    expect(slippageSweep([...rows, { r: 1, exitDate: '2024-01-11', fillVariants: null } as DecisionRow])).toBeNull()
  })

  it('deflates the best Sharpe over every trial and Holm-adjusts the p-values (hand-computed)', () => {
    const t = (sharpe: number | null, k: number): TrialInput => ({
      evaluationId: `e${k}`,
      arm: 0,
      label: `trial ${k}`,
      sharpe,
      expectancyR: null,
      trades: 40,
      sessions: 252,
      current: k === 0,
    })
    const r = bestOfN([t(1.5, 0), t(0.5, 1), t(-0.3, 2), t(null, 3)])
    expect(r.trials).toBe(4)
    // Daily Sharpe = annual / √252; p = 1 − Φ(SR·√251 / √(1 + SR²/2)).
    const p = r.rows.map((x) => x.p)
    expect(p[0]).toBeCloseTo(0.0676283, 6)
    expect(p[1]).toBeCloseTo(0.3089308, 6)
    expect(p[2]).toBeCloseTo(0.617674, 6)
    expect(p[3]).toBeNull()
    // Holm on three p-values: 3 × 0.0676, max(2 × 0.3089, ·), max(1 × 0.6177, previous).
    expect(r.rows[0]!.holmP).toBeCloseTo(0.2028848, 6)
    expect(r.rows[1]!.holmP).toBeCloseTo(0.6178616, 6)
    expect(r.rows[2]!.holmP).toBeCloseTo(0.6178616, 6)
    // DSR with N = 4 trials and the sample variance of the three daily Sharpes (0.0032275):
    // SR0 = √V · ((1 − γ) Φ⁻¹(1 − 1/4) + γ Φ⁻¹(1 − 1/(4e))).
    expect(r.rows[0]!.dsr).toBeCloseTo(0.7084371, 5)
    expect(r.rows[1]!.dsr).toBeCloseTo(0.3271291, 5)
    expect(r.rows[3]!.dsr).toBeNull()
    // One trial alone: the DSR is the probabilistic Sharpe against 0 (= 1 − p).
    const one = bestOfN([t(1.5, 0)])
    expect(one.rows[0]!.dsr).toBeCloseTo(1 - 0.0676283, 6)
    expect(one.rows[0]!.holmP).toBeCloseTo(0.0676283, 6)
  })
})
