import { describe, expect, it } from 'vitest'
import type { DecisionRow } from '../../store/evaluation-repo'
import { abOf, pairedValue } from './report-ab'

const row = (arm: number, date: string, r: number | null, exit: string | null, p: number | null): DecisionRow =>
  ({ arm, date, r, exitReason: exit, confidence: p, action: r === null ? 'HOLD' : 'BUY' }) as DecisionRow

describe('the A/B primary metric', () => {
  it('pairs each date A − B, positive favouring A', () => {
    const a = row(0, '2024-01-02', 2, 'target', 0.8)
    const b = row(1, '2024-01-02', -1, 'stop', 0.6)
    expect(pairedValue('meanR', a, b)).toBe(3)
    expect(pairedValue('hitRate', a, b)).toBe(1)
    // Brier: B's (0.6 − 0)² = 0.36 minus A's (0.8 − 1)² = 0.04.
    expect(pairedValue('brier', a, b)).toBeCloseTo(0.32, 12)
    // A HOLD counts 0 R for mean R, and has no hit or Brier pair.
    const hold = row(1, '2024-01-02', null, null, null)
    expect(pairedValue('meanR', a, hold)).toBe(2)
    expect(pairedValue('hitRate', a, hold)).toBeNull()
    expect(pairedValue('brier', a, hold)).toBeNull()
  })

  it('reports the declared metric over its own pairs', () => {
    const rows = [
      row(0, '2024-01-02', 2, 'target', 0.8),
      row(1, '2024-01-02', -1, 'stop', 0.6),
      row(0, '2024-01-03', -1, 'stop', 0.7),
      row(1, '2024-01-03', null, null, null),
      row(0, '2024-01-09', 1, 'time', 0.5),
      row(1, '2024-01-09', 2, 'target', 0.9),
    ]
    const r = abOf(rows, 'meanR')
    expect(r.metric).toBe('mean R net')
    expect(r.pairs).toBe(3)
    expect(r.meanDiff).toBeCloseTo((3 - 1 - 1) / 3, 12)
    const h = abOf(rows, 'hitRate')
    expect(h.metric).toBe('hit rate')
    expect(h.pairs).toBe(1)
    expect(h.verdict).toMatch(/^Not enough data/)
    expect(abOf(rows, 'brier').metric).toBe('Brier score')
  })

  it('lists every paired statistic with its noise floor, the declared one beside the verdict', () => {
    const rows = [
      row(0, '2024-01-02', 2, 'target', 0.8),
      row(1, '2024-01-02', -1, 'stop', 0.6),
      row(0, '2024-01-03', -1, 'stop', 0.7),
      row(1, '2024-01-03', null, null, null),
      row(0, '2024-01-09', 1, 'time', 0.5),
      row(1, '2024-01-09', 2, 'target', 0.9),
    ]
    const rules = { sampled: 0, flipRate: 0, sdR: 0, deterministic: true, sdHit: 0, sdBrier: 0 }
    const both = [
      { provider: 'rules', noise: rules },
      { provider: 'rules', noise: rules },
    ]
    const h = abOf(rows, 'hitRate', both)
    // Actions A: BUY BUY BUY, B: BUY HOLD BUY → pe = 1 · 2/3, po = 2/3, κ = 0.
    expect(h.rows).toEqual([
      { key: 'meanR', label: 'mean R net', pairs: 3, value: expect.closeTo(1 / 3, 12), noiseFloor: 0 },
      { key: 'hitRate', label: 'hit rate', pairs: 1, value: 1, noiseFloor: 0 },
      { key: 'brier', label: 'Brier score', pairs: 1, value: expect.closeTo(0.32, 12), noiseFloor: 0 },
      { key: 'kappa', label: 'κ on actions', pairs: 3, value: expect.closeTo(0, 12), noiseFloor: 0 },
    ])
    expect(h.noiseFloor).toBe(0)
    expect(h.deterministic).toBe(true)
    // A language-model arm whose repeats were not asked: nothing measured, no floor.
    const unmeasured = abOf(rows, 'brier', [{ provider: 'openai', noise: null }, both[1]!])
    expect(unmeasured.deterministic).toBe(false)
    expect(unmeasured.noiseFloor).toBeNull()
    expect(unmeasured.rows!.map((r) => r.noiseFloor)).toEqual([null, null, null, null])
  })
})
