import { describe, expect, it } from 'vitest'
import { IndicatorSpec, type IndicatorSpecInput } from '../../contract/indicators'
import type { Bar } from '../../contract/models'
import { computeIndicators } from './engine'
import { randomWalkBars } from './fixtures'

// Independent textbook implementations (no trading-signals) to check the engine's numbers.
// Conventions, matched on purpose: Wilder averages start from the simple mean of their first n
// inputs; EMAs are seeded with the first input; Bollinger uses the population standard deviation.

type Series = (number | null)[]
const bars = randomWalkBars(300, 7)
const closes = bars.map((b) => b.c)

function compute(input: IndicatorSpecInput) {
  return computeIndicators(bars, [IndicatorSpec.parse(input)])[0]!.series
}

function sma(xs: Series, n: number): Series {
  return xs.map((_, i) => {
    if (i < n - 1) return null
    const w = xs.slice(i - n + 1, i + 1)
    return w.some((x) => x === null) ? null : (w as number[]).reduce((a, b) => a + b, 0) / n
  })
}

function ema(xs: number[], n: number): number[] {
  const k = 2 / (n + 1)
  const out: number[] = []
  xs.forEach((x, i) => out.push(i === 0 ? x : x * k + out[i - 1]! * (1 - k)))
  return out
}

/** Wilder smoothing of `xs` from index `from`: first value the mean of n inputs, then (prev·(n−1)+x)/n. */
function wilder(xs: Series, n: number, from: number): Series {
  const out: Series = xs.map(() => null)
  let prev: number | null = null
  for (let i = from + n - 1; i < xs.length; i++) {
    prev =
      prev === null
        ? (xs.slice(from, from + n) as number[]).reduce((a, b) => a + b, 0) / n
        : (prev * (n - 1) + xs[i]!) / n
    out[i] = prev
  }
  return out
}

function trueRange(b: Bar[]): number[] {
  return b.map((x, i) =>
    i === 0 ? x.h - x.l : Math.max(x.h - x.l, Math.abs(x.h - b[i - 1]!.c), Math.abs(x.l - b[i - 1]!.c)),
  )
}

function expectClose(actual: Series, expected: Series, opts: { from?: number; tol?: number } = {}) {
  const from = opts.from ?? 0
  let compared = 0
  for (let i = from; i < expected.length; i++) {
    const e = expected[i]
    if (e === null || e === undefined) continue
    const a = actual[i]
    expect(a, `index ${i}`).not.toBeNull()
    expect(Math.abs(a! - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(
      (opts.tol ?? 1e-9) * Math.max(1, Math.abs(e)),
    )
    compared++
  }
  expect(compared).toBeGreaterThan(100)
}

describe('indicator values against independent references (300-bar seeded walk)', () => {
  it('SMA(20)', () => expectClose(compute({ id: 's', type: 'sma', params: { period: 20 } }).value!, sma(closes, 20)))

  it('RSI(14), Wilder', () => {
    const change = closes.map((c, i) => (i === 0 ? null : c - closes[i - 1]!))
    const gains = wilder(
      change.map((d) => (d === null ? null : Math.max(d, 0))),
      14,
      1,
    )
    const losses = wilder(
      change.map((d) => (d === null ? null : Math.max(-d, 0))),
      14,
      1,
    )
    const rsi = gains.map((g, i) => (g === null ? null : losses[i] === 0 ? 100 : 100 - 100 / (1 + g / losses[i]!)))
    const actual = compute({ id: 'r', type: 'rsi', params: { period: 14 } }).value!
    expect(actual.findIndex((v) => v !== null)).toBe(14)
    expectClose(actual, rsi)
  })

  it('ATR(14), Wilder', () => {
    const actual = compute({ id: 'a', type: 'atr', params: { period: 14 } }).value!
    const reference = wilder(trueRange(bars), 14, 0)
    expectClose(actual, reference, { from: actual.findIndex((v) => v !== null) })
  })

  it('Bollinger Bands(20, 2), population standard deviation', () => {
    const mid = sma(closes, 20)
    const sd = closes.map((_, i) => {
      if (i < 19) return null
      const w = closes.slice(i - 19, i + 1)
      const m = mid[i]!
      return Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / 20)
    })
    const s = compute({ id: 'b', type: 'bb' })
    expectClose(s.middle!, mid)
    expectClose(
      s.upper!,
      mid.map((m, i) => (m === null ? null : m + 2 * sd[i]!)),
    )
    expectClose(
      s.lower!,
      mid.map((m, i) => (m === null ? null : m - 2 * sd[i]!)),
    )
  })

  it('MACD(12, 26, 9), hidden for the first 3 × 26 bars', () => {
    const fast = ema(closes, 12)
    const slow = ema(closes, 26)
    const macd = closes.map((_, i) => fast[i]! - slow[i]!)
    // The signal EMA starts where MACD is first defined (bar 26), seeded with that value.
    const signal = [...macd.slice(0, 25).map(() => NaN), ...ema(macd.slice(25), 9)]
    const s = compute({ id: 'm', type: 'macd' })
    expect(s.macd!.findIndex((v) => v !== null)).toBe(77)
    const warm = (xs: number[]) => xs.map((x, i) => (i < 77 ? null : x))
    expectClose(s.macd!, warm(macd))
    expectClose(s.signal!, warm(signal))
    expectClose(s.histogram!, warm(macd.map((m, i) => m - signal[i]!)))
  })

  it('Stochastic(14, 3, 3): slow %K and %D', () => {
    const fastK = bars.map((b, i) => {
      if (i < 13) return null
      const w = bars.slice(i - 13, i + 1)
      const hh = Math.max(...w.map((x) => x.h))
      const ll = Math.min(...w.map((x) => x.l))
      return hh === ll ? 0 : (100 * (b.c - ll)) / (hh - ll)
    })
    const k = sma(fastK, 3)
    const d = sma(k, 3)
    const s = compute({ id: 'st', type: 'stoch' })
    expectClose(
      s.k!,
      d.map((x, i) => (x === null ? null : k[i]!)),
    )
    expectClose(s.d!, d)
  })

  it('ADX(14) with +DI and −DI, Wilder', () => {
    // Convention of trading-signals (kept): the smoothing starts at bar 0 with DM = 0 and TR = H − L.
    const plusDm: Series = bars.map((b, i) => {
      if (i === 0) return 0
      const up = b.h - bars[i - 1]!.h
      const down = bars[i - 1]!.l - b.l
      return up > down && up > 0 ? up : 0
    })
    const minusDm: Series = bars.map((b, i) => {
      if (i === 0) return 0
      const up = b.h - bars[i - 1]!.h
      const down = bars[i - 1]!.l - b.l
      return down > up && down > 0 ? down : 0
    })
    const atr = wilder(trueRange(bars), 14, 0)
    const pdm = wilder(plusDm, 14, 0)
    const mdm = wilder(minusDm, 14, 0)
    const pdi = pdm.map((x, i) => (x === null ? null : (100 * x) / atr[i]!))
    const mdi = mdm.map((x, i) => (x === null ? null : (100 * x) / atr[i]!))
    const dx = pdi.map((p, i) => (p === null ? null : (100 * Math.abs(p - mdi[i]!)) / (p + mdi[i]!)))
    const firstDx = dx.findIndex((x) => x !== null)
    const adx = wilder(dx, 14, firstDx)
    const s = compute({ id: 'x', type: 'adx' })
    expectClose(s.adx!, adx, { tol: 1e-9 })
    expectClose(
      s.pdi!,
      adx.map((a, i) => (a === null ? null : pdi[i]!)),
    )
    expectClose(
      s.mdi!,
      adx.map((a, i) => (a === null ? null : mdi[i]!)),
    )
  })

  it('CCI(20): (typical − SMA) / (0.015 × mean absolute deviation)', () => {
    const tp = bars.map((b) => (b.h + b.l + b.c) / 3)
    const m = sma(tp, 20)
    const cci = tp.map((x, i) => {
      if (m[i] === null) return null
      const w = tp.slice(i - 19, i + 1)
      const mad = w.reduce((a, y) => a + Math.abs(y - m[i]!), 0) / 20
      return (x - m[i]!) / (0.015 * mad)
    })
    expectClose(compute({ id: 'c', type: 'cci' }).value!, cci)
  })

  it('OBV: running sum of signed volume, from 0', () => {
    let obv = 0
    const ref: Series = bars.map((b, i) => {
      if (i === 0) return null
      obv += b.c > bars[i - 1]!.c ? b.v : b.c < bars[i - 1]!.c ? -b.v : 0
      return obv
    })
    expectClose(compute({ id: 'o', type: 'obv' }).value!, ref)
  })
})
