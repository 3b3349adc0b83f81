import { describe, expect, it } from 'vitest'
import type { DecisionRow } from '../../store/evaluation-repo'
import { abFloors, agreementVariance, noiseDates, noiseFloor, noiseOf, pooledVariance, repeatArm } from './noise'

const row = (arm: number, date: string, action: string, r: number | null) => ({ arm, date, action, r }) as DecisionRow
/** A call that reached its target (hit) or stop, with its confidence. */
const out = (arm: number, date: string, action: string, r: number, exit: 'target' | 'stop', p: number | null) =>
  ({ arm, date, action, r, exitReason: exit, confidence: p }) as DecisionRow
const Z = 1.959964

describe('repeat-call noise', () => {
  it('samples 10 % of the dates (at least one, at most 25), seeded per arm', () => {
    const dates = Array.from({ length: 300 }, (_, k) => `d${String(k).padStart(3, '0')}`)
    expect(noiseDates(dates.slice(0, 10), 0)).toHaveLength(1)
    expect(noiseDates(dates.slice(0, 95), 0)).toHaveLength(10)
    expect(noiseDates(dates, 0)).toHaveLength(25)
    expect(noiseDates(dates, 0)).toEqual(noiseDates(dates, 0))
    expect(noiseDates(dates, 0)).not.toEqual(noiseDates(dates, 1))
    const s = noiseDates(dates, 0)
    expect([...s].sort()).toEqual(s)
  })

  it('pools the within-date variance of R over three calls and counts flips (hand-computed)', () => {
    const rows = [
      row(0, 'a', 'HOLD', null),
      row(repeatArm(0, 1), 'a', 'BUY', 1.5),
      row(repeatArm(0, 2), 'a', 'HOLD', null),
      row(0, 'b', 'BUY', 2),
      row(repeatArm(0, 1), 'b', 'BUY', 2),
      row(repeatArm(0, 2), 'b', 'BUY', -1),
      row(0, 'c', 'HOLD', null), // not sampled
    ]
    // a: 0, 1.5, 0 → variance 0.75; b: 2, 2, −1 → mean 1, variance (1 + 1 + 4) / 2 = 3.
    const n = noiseOf(rows, 0, 'openai')!
    expect(n.sampled).toBe(2)
    expect(n.flipRate).toBe(0.5)
    expect(n.sdR).toBeCloseTo(Math.sqrt((0.75 + 3) / 2), 12)
    expect(noiseOf(rows, 0, 'rules')).toEqual({
      sampled: 0,
      flipRate: 0,
      sdR: 0,
      deterministic: true,
      sdHit: 0,
      sdBrier: 0,
    })
    expect(noiseOf([row(0, 'a', 'HOLD', null)], 0, 'openai')).toBeNull()
    // ± 1.96 × √(sdA² + sdB²) / √pairs.
    expect(noiseFloor(n, { ...n, sdR: 0 }, 16)).toBeCloseTo((1.959964 * Math.sqrt(1.875)) / 4, 12)
    expect(noiseFloor(n, null, 16)).toBeNull()
  })

  it('pools the spread of the hit and the Brier term over the calls that reached target or stop', () => {
    const rows = [
      // a: only one call reached an outcome: no degree of freedom for hit or Brier.
      row(0, 'a', 'HOLD', null),
      out(repeatArm(0, 1), 'a', 'BUY', 1.5, 'target', 0.8),
      row(repeatArm(0, 2), 'a', 'HOLD', null),
      // b: hits 1, 1, 0; Brier terms 0.09, 0.09, 0.36.
      out(0, 'b', 'BUY', 2, 'target', 0.7),
      out(repeatArm(0, 1), 'b', 'BUY', 2, 'target', 0.7),
      out(repeatArm(0, 2), 'b', 'BUY', -1, 'stop', 0.6),
      // c: hits 0, 1; Brier terms 0.81, 0.25 (the third call holds).
      out(0, 'c', 'SELL', -1, 'stop', 0.9),
      out(repeatArm(0, 1), 'c', 'SELL', 2, 'target', 0.5),
      row(repeatArm(0, 2), 'c', 'HOLD', null),
    ]
    // Hit: b's squared deviations 1/9 + 1/9 + 4/9 = 2/3 (2 df), c's 1/4 + 1/4 = 1/2 (1 df) → (7/6) / 3.
    // Brier: b's 0.0081 + 0.0081 + 0.0324 = 0.0486, c's 0.0784 · 2 = 0.1568 → 0.2054 / 3.
    // R: a 0, 1.5, 0 → SS 1.5; b 2, 2, −1 → SS 6; c −1, 2, 0 → SS 14/3; 6 df.
    const n = noiseOf(rows, 0, 'openai')!
    expect(n.sampled).toBe(3)
    expect(n.flipRate).toBeCloseTo(2 / 3, 12)
    expect(n.sdHit).toBeCloseTo(Math.sqrt(7 / 18), 12)
    expect(n.sdBrier).toBeCloseTo(Math.sqrt(0.2054 / 3), 12)
    expect(n.sdR).toBeCloseTo(Math.sqrt((1.5 + 6 + 14 / 3) / 6), 12)
    expect(pooledVariance([[1], []])).toBeNull()
    // A sample where no date had two calls with an outcome: R is measured, hit and Brier are not.
    expect(noiseOf(rows.slice(0, 3), 0, 'openai')).toMatchObject({ sdHit: null, sdBrier: null, sdR: Math.sqrt(0.75) })

    // Arm 1, the rules analyst, answered BUY, BUY, HOLD on a, b, c. Arm 0's calls agree with it:
    // a 0, 1, 0 (SS 2/3); b 1, 1, 1 (SS 0); c 0, 0, 1 (SS 2/3) → (4/3) / 6 df = 2/9.
    const all = [...rows, row(1, 'a', 'BUY', null), row(1, 'b', 'BUY', null), row(1, 'c', 'HOLD', null)]
    expect(agreementVariance(all, 0, 1, 'openai')).toBeCloseTo(2 / 9, 12)
    expect(agreementVariance(all, 1, 0, 'rules')).toBe(0)
    const rules = noiseOf(all, 1, 'rules')
    const arms = [
      { provider: 'openai', noise: n },
      { provider: 'rules', noise: rules },
    ]
    const pairs = { meanR: 16, hitRate: 9, brier: 4, kappa: 16 }
    const f = abFloors(all, arms, pairs, 0.5)
    expect(f.meanR).toBeCloseTo((Z * n.sdR) / 4, 12)
    expect(f.hitRate).toBeCloseTo((Z * Math.sqrt(7 / 18)) / 3, 12)
    expect(f.brier).toBeCloseTo((Z * Math.sqrt(0.2054 / 3)) / 2, 12)
    // κ by the delta method on the observed agreement: ± 1.96 · √(2/9) / (√16 · (1 − 0.5)).
    expect(f.kappa).toBeCloseTo((Z * Math.sqrt(2 / 9)) / (4 * 0.5), 12)
    // Two deterministic arms: 0 everywhere. An arm not measured: no floor (κ too, or total chance agreement).
    expect(abFloors(all, [arms[1]!, arms[1]!], pairs, 0.5)).toEqual({ meanR: 0, hitRate: 0, brier: 0, kappa: 0 })
    expect(abFloors(all, [arms[0]!, { provider: 'openai', noise: null }], pairs, 0.5)).toEqual({
      meanR: null,
      hitRate: null,
      brier: null,
      kappa: null,
    })
    expect(abFloors(all, arms, pairs, 1).kappa).toBeNull()
    expect(abFloors(all, arms, { ...pairs, hitRate: 0 }, 0.5).hitRate).toBeNull()
  })
})
