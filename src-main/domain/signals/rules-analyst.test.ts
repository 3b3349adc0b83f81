import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { randomWalkBars } from '../indicators/fixtures'
import { isOnIncrement, rewardRisk } from '../prices'
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

  it('buys an uptrend with levels that clear the strategy rules: R above the minimum, exact ticks', () => {
    const bars = trending(1)
    const d = rulesAnalyst({ ...req(bars), minR: 1.5, minProfitMargin: 0.02 })
    expect(d.action).toBe('BUY')
    const prices = [d.entry!, d.stop_loss!, ...d.targets.map((t) => t.price)]
    for (const p of prices)
      expect(isOnIncrement(p, 0.01) && String(p) === p.toFixed(String(p).split('.')[1]?.length ?? 0)).toBe(true)
    expect(rewardRisk(d.entry!, d.stop_loss!, d.targets[0]!.price, 0.01)).toBeGreaterThanOrEqual(1.5 * 1.35)
    expect((d.targets[0]!.price - d.entry!) / d.entry!).toBeGreaterThanOrEqual(0.02)
    expect(d.reasoning).toMatch(/^Rules, not a language model/)
    const last = bars.at(-1)!
    const { values } = confirmationOf(bars)
    const v = validateSignal(
      d,
      context({
        lastClose: last.c,
        atr: values.atr!,
        weeklyAtr: null,
        barsLow: Math.min(...bars.map((b) => b.l)),
        barsHigh: Math.max(...bars.map((b) => b.h)),
        position: 'flat',
        policy: { ...context().policy, minR: 1.5, minProfitMargin: 0.02, combination: 'agree' },
        confirmation: { bull: 4, bear: 0 },
      }),
    )
    expect(v.status).toBe('ACCEPTED')
    expect(v.finalAction).toBe('BUY')
  })

  it('sets a sub-dollar limit on a 0.0001 grid and holds when the minimum margin is out of reach', () => {
    const cheap = trending(1).map((b) => ({ ...b, o: b.o / 300, h: b.h / 300, l: b.l / 300, c: b.c / 300 }))
    const d = rulesAnalyst({ ...req(cheap), tickSize: 0.0001, minProfitMargin: 0.02 })
    expect(d.action).toBe('BUY')
    for (const p of [d.entry!, d.stop_loss!, ...d.targets.map((t) => t.price)]) {
      expect(p).toBeLessThan(1)
      expect(isOnIncrement(p, 0.0001)).toBe(true)
      expect(p.toString().split('.')[1]!.length).toBeLessThanOrEqual(4)
    }
    // The trend's ATR is ~0.6 % of the price: a 5 % first target lies beyond 7 ATR, so no trade.
    const far = rulesAnalyst({ ...req(trending(1)), minProfitMargin: 0.05 })
    expect(far.action).toBe('HOLD')
    expect(far.reasoning).toMatch(/beyond 7 ATR/)
  })

  it('uses the last price for a limit that can fill now, when it is near the close', () => {
    const bars = trending(1)
    const close = bars.at(-1)!.c
    const d = rulesAnalyst({ ...req(bars), minProfitMargin: 0.02, lastPrice: close * 1.01 })
    expect(d.entry!).toBeGreaterThan(close * 1.01)
    expect(d.entry!).toBeLessThan(close * 1.02)
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
