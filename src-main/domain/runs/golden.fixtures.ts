import { createHash } from 'node:crypto'
import { IndicatorSpecs, type IndicatorSpec } from '../../contract/indicators'
import type { Bar } from '../../contract/models'
import { randomWalkBars } from '../indicators/fixtures'

// Inputs for the golden tests that pin the analysis outputs byte for byte (the evaluation lab's
// answer cache, the look-ahead self-test and the recorded artifacts hash them): seeded bar series
// with the edge cases the indicator branches meet, and strategy indicators of every kind.

/** sha256 of the JSON, with −0 told apart from 0 (JSON would print both as 0). */
export function digest(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v))
  return createHash('sha256').update(json).digest('hex')
}

/** Integer prices with flat stretches: equal closes, H = L bars, zero volume, a 30-bar standstill. */
export function steppedBars(count: number, seed: number): Bar[] {
  return randomWalkBars(count, seed).map((b, i) => {
    if (i >= 60 && i < 90) return { t: b.t, o: 100, h: 100, l: 100, c: 100, v: i % 3 === 0 ? 0 : 5000 }
    const r = Math.round
    const o = r(b.o)
    const c = r(b.c)
    return { t: b.t, o, h: Math.max(o, c, r(b.h)), l: Math.min(o, c, r(b.l)), c, v: i % 7 === 0 ? 0 : b.v }
  })
}

/** Five-minute bars over a few sessions, for the session-anchored VWAP. */
export function intradayBars(count: number, seed: number): Bar[] {
  const start = Date.UTC(2025, 2, 3, 14, 30)
  return randomWalkBars(count, seed).map((b, i) => {
    const day = Math.floor(i / 78)
    return { ...b, t: start + day * 86_400_000 + (i % 78) * 300_000 }
  })
}

/** Every indicator type with its default parameters. */
export const DEFAULT_EVERY_KIND: readonly IndicatorSpec[] = IndicatorSpecs.parse(
  ['sma', 'ema', 'wma', 'bb', 'supertrend', 'macd', 'rsi', 'atr', 'obv', 'stoch', 'adx', 'cci', 'vwap'].map((type) => ({
    id: type,
    type,
  })),
)

/** Every kind again with other parameters, the contract's smallest among them. */
export const CUSTOM_EVERY_KIND: readonly IndicatorSpec[] = IndicatorSpecs.parse([
  { id: 'sma2', type: 'sma', params: { period: 2 } },
  { id: 'sma7', type: 'sma', params: { period: 7 } },
  { id: 'ema2', type: 'ema', params: { period: 2 } },
  { id: 'ema9', type: 'ema', params: { period: 9 } },
  { id: 'wma10', type: 'wma', params: { period: 10 } },
  { id: 'bb10', type: 'bb', params: { period: 10, stdDev: 1.5 } },
  { id: 'st7', type: 'supertrend', params: { atrPeriod: 7, multiplier: 2 } },
  { id: 'st2', type: 'supertrend', params: { atrPeriod: 2, multiplier: 0.5 } },
  { id: 'macd5', type: 'macd', params: { fast: 5, slow: 35, signal: 5 } },
  { id: 'rsi2', type: 'rsi', params: { period: 2 } },
  { id: 'rsi30', type: 'rsi', params: { period: 30 } },
  { id: 'atr2', type: 'atr', params: { period: 2 } },
  { id: 'atr5', type: 'atr', params: { period: 5 } },
  { id: 'stoch5', type: 'stoch', params: { kPeriod: 5, kSlowing: 1, dPeriod: 1 } },
  { id: 'stoch2', type: 'stoch', params: { kPeriod: 2, kSlowing: 7, dPeriod: 4 } },
  { id: 'adx2', type: 'adx', params: { period: 2 } },
  { id: 'adx7', type: 'adx', params: { period: 7 } },
  { id: 'cci14', type: 'cci', params: { period: 14 } },
  { id: 'vwapw', type: 'vwap', params: { anchor: 'week' } },
  { id: 'vwapm', type: 'vwap', params: { anchor: 'month' } },
])

/** Long periods (longer than some series) and the analysis set's own specs under other ids. */
export const LONG_AND_SHARED: readonly IndicatorSpec[] = IndicatorSpecs.parse([
  { id: 'sma500', type: 'sma', params: { period: 500 } },
  { id: 'ema500', type: 'ema', params: { period: 500 } },
  { id: 'bb500', type: 'bb', params: { period: 500, stdDev: 5 } },
  { id: 'macd400', type: 'macd', params: { fast: 200, slow: 400, signal: 200 } },
  { id: 'rsi500', type: 'rsi', params: { period: 500 } },
  { id: 'atr500', type: 'atr', params: { period: 500 } },
  { id: 'adx200', type: 'adx', params: { period: 200 } },
  { id: 'stoch200', type: 'stoch', params: { kPeriod: 200, kSlowing: 50, dPeriod: 50 } },
  { id: 'my-sma20', type: 'sma', params: { period: 20 } },
  { id: 'my-sma200', type: 'sma', params: { period: 200 } },
  { id: 'my-macd', type: 'macd' },
  { id: 'my-rsi', type: 'rsi', params: { period: 14 } },
  { id: 'my-atr', type: 'atr', params: { period: 14 } },
  { id: 'my-st', type: 'supertrend' },
  { id: 'my-bb', type: 'bb' },
  { id: 'my-obv', type: 'obv' },
  { id: 'my-vwap', type: 'vwap', params: { anchor: 'year' } },
])

export interface GoldenCase {
  name: string
  daily: Bar[]
  weekly: Bar[] | null
  strategy: readonly IndicatorSpec[]
}

export const GOLDEN_CASES: GoldenCase[] = [
  {
    name: '504 daily + 156 weekly, every kind',
    daily: randomWalkBars(504, 1),
    weekly: randomWalkBars(156, 101),
    strategy: DEFAULT_EVERY_KIND,
  },
  { name: '504 daily, custom kinds', daily: randomWalkBars(504, 2), weekly: null, strategy: CUSTOM_EVERY_KIND },
  {
    name: '504 daily + weekly, long and shared',
    daily: randomWalkBars(504, 3),
    weekly: randomWalkBars(156, 103),
    strategy: LONG_AND_SHARED,
  },
  { name: '260 daily + 60 weekly, none', daily: randomWalkBars(260, 4), weekly: randomWalkBars(60, 104), strategy: [] },
  {
    name: '40 daily + 12 weekly, warm-up',
    daily: randomWalkBars(40, 5),
    weekly: randomWalkBars(12, 105),
    strategy: CUSTOM_EVERY_KIND,
  },
  {
    name: '3 daily, 1 weekly',
    daily: randomWalkBars(3, 6),
    weekly: randomWalkBars(1, 106),
    strategy: DEFAULT_EVERY_KIND,
  },
  { name: '1 daily', daily: randomWalkBars(1, 7), weekly: null, strategy: DEFAULT_EVERY_KIND },
  {
    name: 'stepped + flat, every kind',
    daily: steppedBars(300, 8),
    weekly: steppedBars(120, 108),
    strategy: DEFAULT_EVERY_KIND,
  },
  { name: 'stepped + flat, custom kinds', daily: steppedBars(300, 9), weekly: null, strategy: CUSTOM_EVERY_KIND },
  {
    name: 'intraday, session VWAP',
    daily: intradayBars(400, 10),
    weekly: null,
    strategy: [...DEFAULT_EVERY_KIND, ...CUSTOM_EVERY_KIND.slice(0, 7)],
  },
]
