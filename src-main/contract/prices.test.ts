import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultIncrement,
  formatPrice,
  fromTicks,
  isOnIncrement,
  placesOf,
  rewardRisk,
  roundToIncrement,
  subtractPrices,
  toTicks,
} from './prices'

describe('prices in whole ticks of the increment', () => {
  it('rounds without binary noise: 673.05 stays 673.05, never 673.0500000000001', () => {
    expect(Math.round(673.05 / 0.01) * 0.01).not.toBe(673.05) // the bug this module exists for
    expect(roundToIncrement(673.05, 0.01)).toBe(673.05)
    expect(String(roundToIncrement(673.0500000000001, 0.01))).toBe('673.05')
    expect(roundToIncrement(0.12345, 0.0001)).toBe(0.1235)
    expect(roundToIncrement(12.37, 0.05)).toBe(12.35)
    expect(roundToIncrement(12.38, 0.05)).toBe(12.4)
    expect(roundToIncrement(101.3, 0.25)).toBe(101.25)
    expect(formatPrice(12.5, 0.01)).toBe('12.50')
    expect(formatPrice(0.1, 0.0001)).toBe('0.1000')
  })

  it('rounds up and down on request, ignoring noise on exact grid points', () => {
    expect(toTicks(673.05, 0.01, 'up')).toBe(67305)
    expect(toTicks(673.05, 0.01, 'down')).toBe(67305)
    expect(toTicks(673.051, 0.01, 'up')).toBe(67306)
    expect(toTicks(673.059, 0.01, 'down')).toBe(67305)
    expect(toTicks(0.30000000000000004, 0.1)).toBe(3)
  })

  it('knows the places of an increment and refuses nonsense', () => {
    expect([0.01, 0.0001, 0.05, 0.25, 1, 5].map(placesOf)).toEqual([2, 4, 2, 2, 0, 0])
    expect(() => placesOf(0)).toThrow(/positive/)
    expect(() => placesOf(Number.NaN)).toThrow(/positive/)
    expect(() => toTicks(Infinity, 0.01)).toThrow(/finite/)
    expect(() => fromTicks(1.5, 0.01)).toThrow(/integer/)
  })

  it('computes R exactly on the grid: 3 ticks over 2 ticks is 1.5', () => {
    expect(rewardRisk(100.02, 100, 100.05, 0.01)).toBe(1.5)
    // The analyst's old arithmetic: 3×ATR over 2×ATR read 1.4999999999999998 after float rounding.
    expect(rewardRisk(673.05, 672.71, 673.56, 0.01)).toBe(1.5)
    expect(subtractPrices(0.3, 0.1, 0.1)).toBe(0.2)
  })

  it('defaults to 0.0001 under a dollar', () => {
    expect(defaultIncrement(0.42)).toBe(0.0001)
    expect(defaultIncrement(42)).toBe(0.01)
  })

  it('any price rounded onto any common grid prints as an exact decimal of that grid (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.0001, max: 100_000, noNaN: true }),
        fc.constantFrom(0.01, 0.0001, 0.05, 0.25, 0.005, 1),
        (p, inc) => {
          const r = roundToIncrement(p, inc)
          expect(isOnIncrement(r, inc)).toBe(true)
          const places = placesOf(inc)
          expect(String(r).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(places)
          expect(Math.abs(r - p)).toBeLessThanOrEqual(inc / 2 + 1e-9 * p)
          expect(fromTicks(toTicks(r, inc), inc)).toBe(r)
        },
      ),
      { seed: 20261204, numRuns: 2000 },
    )
  })
})
