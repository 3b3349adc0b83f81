import { describe, expect, it } from 'vitest'
import { isotonicAt, isotonicFit, walkForwardRecalibration, type RecalDecision } from './recalibration'

describe('isotonic recalibration', () => {
  it('pools adjacent violators (hand-computed)', () => {
    // y by p: 0.5→0, 0.6→1, 0.7→0, 0.8→1: the 1,0 pair pools to 0.5.
    const fit = isotonicFit([
      { p: 0.7, y: 0 },
      { p: 0.5, y: 0 },
      { p: 0.8, y: 1 },
      { p: 0.6, y: 1 },
    ])
    expect(fit).toEqual([
      { lo: 0.5, hi: 0.5, value: 0, n: 1 },
      { lo: 0.6, hi: 0.7, value: 0.5, n: 2 },
      { lo: 0.8, hi: 0.8, value: 1, n: 1 },
    ])
    expect(isotonicAt(fit, 0.4)).toBe(0)
    expect(isotonicAt(fit, 0.65)).toBe(0.5)
    expect(isotonicAt(fit, 0.75)).toBe(0.5)
    expect(isotonicAt(fit, 0.9)).toBe(1)
    // Decreasing data pools to the mean: 1, 1, 0, 0 by rising p → one block at 0.5.
    expect(
      isotonicFit([
        { p: 0.1, y: 1 },
        { p: 0.2, y: 1 },
        { p: 0.3, y: 0 },
        { p: 0.4, y: 0 },
      ]),
    ).toEqual([{ lo: 0.1, hi: 0.4, value: 0.5, n: 4 }])
    expect(isotonicAt([], 0.5)).toBeNull()
  })

  it('fits before each decision on outcomes known by then only', () => {
    // Four resolved decisions in January: high confidence (0.8) lost, low (0.6) won.
    const past: RecalDecision[] = [
      { date: '2024-01-02', confidence: 0.8, hit: false, knownOn: '2024-01-05', r: -1 },
      { date: '2024-01-03', confidence: 0.8, hit: false, knownOn: '2024-01-08', r: -1 },
      { date: '2024-01-04', confidence: 0.6, hit: true, knownOn: '2024-01-09', r: 2 },
      { date: '2024-01-05', confidence: 0.6, hit: true, knownOn: '2024-01-10', r: 2 },
    ]
    const later: RecalDecision[] = [
      // On 01-09 only three outcomes are known (the fourth on 01-10): not judged with minHistory 4.
      { date: '2024-01-09', confidence: 0.8, hit: null, knownOn: null, r: 0.5 },
      // On 02-01 all four: the fit pools 0.6→1,1 and 0.8→0,0 into one block at 0.5.
      { date: '2024-02-01', confidence: 0.8, hit: null, knownOn: null, r: 0.3 },
      { date: '2024-02-02', confidence: 0.6, hit: null, knownOn: null, r: -0.2 },
    ]
    const r = walkForwardRecalibration([...later, ...past], 0.55, 4)
    expect(r.judged).toBe(2)
    expect(r.points).toEqual([
      { date: '2024-02-01', raw: 0.8, recalibrated: 0.5 },
      { date: '2024-02-02', raw: 0.6, recalibrated: 0.5 },
    ])
    expect(r.rawPassed).toBe(2)
    expect(r.passed).toEqual({ n: 0, meanR: null })
    expect(r.blocked.n).toBe(2)
    expect(r.blocked.meanR).toBeCloseTo(0.05, 12)
    // With a threshold of 0.5 both pass.
    expect(walkForwardRecalibration([...later, ...past], 0.5, 4).passed.n).toBe(2)
  })
})
