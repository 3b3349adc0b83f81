import { describe, expect, it } from 'vitest'
import type { DecisionRow } from '../../store/evaluation-repo'
import { noiseDates, noiseFloor, noiseOf, repeatArm } from './noise'

const row = (arm: number, date: string, action: string, r: number | null) => ({ arm, date, action, r }) as DecisionRow

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
    expect(noiseOf(rows, 0, 'rules')).toEqual({ sampled: 0, flipRate: 0, sdR: 0, deterministic: true })
    expect(noiseOf([row(0, 'a', 'HOLD', null)], 0, 'openai')).toBeNull()
    // ± 1.96 × √(sdA² + sdB²) / √pairs.
    expect(noiseFloor(n, { ...n, sdR: 0 }, 16)).toBeCloseTo((1.959964 * Math.sqrt(1.875)) / 4, 12)
    expect(noiseFloor(n, null, 16)).toBeNull()
  })
})
