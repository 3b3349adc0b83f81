import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { randomWalkBars } from '../indicators/fixtures'
import { confirmationOf } from './confirmation'
import { context } from './fixtures'
import { rulesAnalyst } from './rules-analyst'
import { validateSignal } from './validate'

/** A steady trend with a small regular wiggle: SuperTrend, SMA20 and RSI all agree on it. */
function trending(direction: 1 | -1, n = 300) {
  let c = 100
  return Array.from({ length: n }, (_, i) => {
    const o = c
    c = c * (1 + direction * 0.003 + ((i % 5) - 2) * 0.001)
    return {
      t: Date.UTC(2025, 0, 1) + i * 86_400_000,
      o,
      h: Math.max(o, c) * 1.002,
      l: Math.min(o, c) * 0.998,
      c,
      v: 1_000_000,
    }
  })
}

describe('3-of-4 confirmation', () => {
  it('counts bull votes in an uptrend and bear votes in a downtrend', () => {
    expect(confirmationOf(trending(1)).confirmation.direction).toBe('bull')
    expect(confirmationOf(trending(-1)).confirmation.direction).toBe('bear')
  })
})

describe('rules analyst (offline, deterministic, not an LLM)', () => {
  const req = (bars: ReturnType<typeof trending>, position: 'flat' | 'long' | 'short' = 'flat') => ({
    symbol: 'AAPL',
    asOf: '2026-11-20',
    timeframes: '1D+1W' as const,
    bars,
    position,
    allowShort: false,
    tickSize: 0.01,
  })

  it('buys an uptrend with stop 2×ATR and targets 3×/5×ATR, and says it is rules', () => {
    const d = rulesAnalyst(req(trending(1)))
    expect(d.action).toBe('BUY')
    const risk = d.entry! - d.stop_loss!
    expect(d.targets[0]!.price - d.entry!).toBeCloseTo(1.5 * risk, 1)
    expect(d.reasoning).toMatch(/^Rules, not a language model/)
  })

  it('exits a long in a downtrend, holds when flat and shorting is off', () => {
    expect(rulesAnalyst(req(trending(-1), 'long')).action).toBe('SELL')
    expect(rulesAnalyst(req(trending(-1), 'flat')).action).toBe('HOLD')
  })

  it('is deterministic and never produces a draft the validator must send to REVIEW (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom('flat', 'long') as fc.Arbitrary<'flat' | 'long'>,
        (seed, position) => {
          const bars = randomWalkBars(300, seed)
          const a = rulesAnalyst(req(bars, position))
          expect(rulesAnalyst(req(bars, position))).toEqual(a)
          const last = bars.at(-1)!
          const { values } = confirmationOf(bars)
          const v = validateSignal(
            a,
            context({
              lastClose: last.c,
              atr: values.atr!,
              weeklyAtr: null,
              barsLow: Math.min(...bars.map((b) => b.l)),
              barsHigh: Math.max(...bars.map((b) => b.h)),
              position,
            }),
          )
          expect(v.status).not.toBe('REVIEW')
        },
      ),
      { numRuns: 200, seed: 5 },
    )
  })
})
