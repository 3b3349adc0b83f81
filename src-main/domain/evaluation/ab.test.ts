import { describe, expect, it } from 'vitest'
import {
  cohenKappa,
  deflatedSharpe,
  holm,
  mcnemarExact,
  minimumDetectableEffect,
  normCdf,
  normInv,
  pairedBlockBootstrap,
  power,
  verdict,
} from './ab'
import { randomEntries, buyAndHoldPct } from './baselines'
import { asOfInputs, decisionDates, sessionAfter, truncateAsOf, weeklyFromDailies } from './calendar'
import type { Bar } from '../../contract/models'
import { seededRng } from './rng'

describe('paired statistics', () => {
  it('exact McNemar, hand-computed', () => {
    // b = 1, c = 5: 2 × (C(6,0) + C(6,1)) / 64 = 14 / 64
    expect(mcnemarExact(1, 5)).toBeCloseTo(14 / 64, 12)
    expect(mcnemarExact(3, 3)).toBe(1)
    expect(mcnemarExact(0, 0)).toBe(1)
  })

  it("Cohen's κ, hand-computed", () => {
    // po = 0.7; pe = 0.5×0.6 + 0.5×0.4 = 0.5 → κ = 0.4
    const a = ['B', 'B', 'B', 'B', 'B', 'H', 'H', 'H', 'H', 'H']
    const b = ['B', 'B', 'B', 'B', 'H', 'H', 'H', 'H', 'B', 'B']
    expect(cohenKappa(a, b)).toBeCloseTo((0.7 - 0.5) / 0.5, 12)
  })

  it('normal functions and the minimum detectable effect (55 % vs 50 % needs ~783 signals)', () => {
    expect(normCdf(1.959964)).toBeCloseTo(0.975, 6)
    expect(normInv(0.975)).toBeCloseTo(1.959964, 6)
    expect(minimumDetectableEffect(0.5, 785)).toBeCloseTo(0.05, 3)
    expect(power(0.05, 0.5, 785)).toBeCloseTo(0.8, 2)
  })

  it('weekly block bootstrap is seeded and says "not enough data" below power 0.8', () => {
    const rng = seededRng(5)
    const diffs = Array.from({ length: 40 }, (_, i) => ({ week: `w${Math.floor(i / 5)}`, d: rng() - 0.45 }))
    const a = pairedBlockBootstrap(diffs, { seed: 9, resamples: 2000 })!
    expect(a).toEqual(pairedBlockBootstrap(diffs, { seed: 9, resamples: 2000 }))
    expect(a.interval.low).toBeLessThan(a.meanDiff)
    expect(
      verdict(
        diffs.map((x) => x.d),
        a,
        'mean R',
      ),
    ).toMatch(/^Not enough data/)
    const strong = Array.from({ length: 400 }, (_, i) => ({ week: `w${Math.floor(i / 5)}`, d: 1 + (i % 3) * 0.1 }))
    expect(
      verdict(
        strong.map((x) => x.d),
        pairedBlockBootstrap(strong, { seed: 1, resamples: 500 }),
        'mean R',
      ),
    ).toMatch(/^Arm A is better/)
    expect(verdict([0, 0, 0], null, 'hit rate')).toBe(
      'Not enough data: on all 3 paired dates the arms score the same hit rate, so this sample cannot tell them ' +
        'apart; widen the date range or change one arm.',
    )
  })

  it('Holm adjustment and deflated Sharpe', () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06])
    const one = deflatedSharpe(0.1, 0.01, 1, 250)!
    const many = deflatedSharpe(0.1, 0.01, 50, 250)!
    expect(many).toBeLessThan(one) // more trials, less believable
  })
})

const bar = (date: string, c: number): Bar => ({
  t: Date.parse(`${date}T15:00:00Z`),
  o: c,
  h: c + 1,
  l: c - 1,
  c,
  v: 10,
})

describe('calendar and as-of inputs', () => {
  it('decision dates follow the NYSE calendar', () => {
    expect(decisionDates('2024-12-23', '2024-12-27')).toEqual(['2024-12-23', '2024-12-24', '2024-12-26', '2024-12-27'])
    expect(sessionAfter('2024-12-24')).toBe('2024-12-26')
    expect(() => decisionDates('2024-12-27', '2024-12-23')).toThrow(/after it ends/)
  })

  it('truncates at t and rebuilds the current week, partial, from the dailies', () => {
    const daily = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-11'].map((d, i) =>
      bar(d, 10 + i),
    )
    expect(truncateAsOf(daily, '2024-03-06').length).toBe(3)
    const inp = asOfInputs(daily, '2024-03-06', 100)
    expect(inp.weekly).toEqual([{ t: daily[0]!.t, o: 10, h: 13, l: 9, c: 12, v: 30 }])
    expect(weeklyFromDailies(daily).length).toBe(2)
  })
})

describe('baselines', () => {
  const daily = Array.from({ length: 300 }, (_, i) => {
    const t = Date.parse('2023-01-02T15:00:00Z') + i * 86_400_000
    const c = 100 + 10 * Math.sin(i / 9)
    return { t, o: c, h: c + 1.5, l: c - 1.5, c, v: 1 }
  })
  it('buy-and-hold from the first close to the last', () => {
    const d0 = new Date(daily[0]!.t).toISOString().slice(0, 10)
    const d1 = new Date(daily[10]!.t).toISOString().slice(0, 10)
    expect(buyAndHoldPct(daily, d0, d1)).toBeCloseTo((daily[10]!.c / daily[0]!.c - 1) * 100, 10)
  })
  it('random entries are seeded and give an empirical p-value', () => {
    const idx = Array.from({ length: 250 }, (_, i) => i)
    const fill = { horizon: 20, slippageBps: 5, plan: 'fixed' as const, qty: 100 }
    const g = { stopFrac: 0.02, rr: 2, longShare: 1 }
    const a = randomEntries(daily, idx, 20, g, fill, 0.5, 200, 3)
    expect(a).toEqual(randomEntries(daily, idx, 20, g, fill, 0.5, 200, 3))
    expect(a.p).toBeGreaterThan(0)
    expect(a.p).toBeLessThanOrEqual(1)
    expect(randomEntries(daily, idx, 20, g, fill, 100, 200, 3).p).toBeCloseTo(1 / 201, 12)
  })
})
