import { describe, expect, it } from 'vitest'
import type { Bar } from '../../contract/models'
import type { SignalVerdict } from '../../contract/steps'
import { rulesAnalyst } from '../signals/rules-analyst'
import { blindContext, mapBars, modelAction, priceMap, realVerdict, viewOf, viewLabel } from './blinding'
import { seededRng } from './rng'

// The view transforms (EVALUATION.md §7) on their own: the mirror keeps every bar a bar and is its own
// inverse, the blinded scale reads 100 at the window start, answers map back exactly, and the
// deterministic rules analyst flips BUY and SELL on a mirrored series.

function walk(n: number, seed: number, drift: number): Bar[] {
  const rnd = seededRng(seed)
  const out: Bar[] = []
  let c = 180
  for (let k = 0; k < n; k++) {
    const o = c
    c = Math.max(5, c * (1 + drift + (rnd() - 0.5) * 0.03))
    const h = Math.max(o, c) * (1 + rnd() * 0.01)
    const l = Math.min(o, c) * (1 - rnd() * 0.01)
    out.push({ t: Date.UTC(2024, 0, 2) + k * 86_400_000, o, h, l, c, v: 1e6 + Math.floor(rnd() * 1e5) })
  }
  return out
}

describe('price maps', () => {
  const bars = walk(300, 7, 0.001)

  it('mirrors about the mid-range with high and low swapped, and is its own inverse', () => {
    const map = priceMap(bars, viewOf({ mirror: true }))
    const m = mapBars(bars, map)
    const hi = Math.max(...bars.map((b) => b.h))
    const lo = Math.min(...bars.map((b) => b.l))
    m.forEach((b, k) => {
      expect(b.c).toBeCloseTo(hi + lo - bars[k]!.c, 9)
      expect(b.h).toBeCloseTo(hi + lo - bars[k]!.l, 9)
      expect(b.h).toBeGreaterThanOrEqual(Math.max(b.o, b.c))
      expect(b.l).toBeLessThanOrEqual(Math.min(b.o, b.c))
      expect(b.l).toBeGreaterThan(0)
      expect(b.v).toBe(bars[k]!.v)
      expect(b.t).toBe(bars[k]!.t)
    })
    const back = mapBars(m, priceMap(m, viewOf({ mirror: true })))
    back.forEach((b, k) => expect(b.c).toBeCloseTo(bars[k]!.c, 9))
    for (const p of [10, 150.37, 400]) expect(map.toReal(map.toModel(p))).toBeCloseTo(p, 9)
  })

  it('rescales blinded prices so the window starts at 100, and maps answers back', () => {
    const map = priceMap(bars, viewOf({ blinding: 'blinded' }))
    const m = mapBars(bars, map)
    expect(m[0]!.c).toBeCloseTo(100, 12)
    expect(m.at(-1)!.c / m[0]!.c).toBeCloseTo(bars.at(-1)!.c / bars[0]!.c, 12)
    expect(map.toReal(map.toModel(123.45))).toBeCloseTo(123.45, 9)
    for (const b of ['bright', 'symbol', 'date'] as const)
      expect(priceMap(bars, viewOf({ blinding: b })).identity).toBe(true)
    const both = priceMap(bars, viewOf({ blinding: 'blinded', mirror: true }))
    expect(mapBars(bars, both)[0]!.c).toBeCloseTo(100, 12)
    expect(both.toReal(both.toModel(170))).toBeCloseTo(170, 9)
  })

  it('maps a verdict back to real prices, on the opposite side when mirrored', () => {
    const map = priceMap(bars, viewOf({ mirror: true, blinding: 'blinded' }))
    const e = map.toModel(200)
    const draft = {
      action: 'BUY',
      entry: e,
      entry_zone: { low: e - 1, high: e + 1 },
      stop_loss: e - 5,
      targets: [{ price: e + 10, basis: 'r' }],
      key_levels: { support: [e - 5], resistance: [e + 10] },
    }
    const v = { status: 'ACCEPTED', finalAction: 'BUY', draft } as unknown as SignalVerdict
    const r = realVerdict(v, map)
    expect(r.finalAction).toBe('SELL')
    expect(r.draft!.action).toBe('SELL')
    expect(r.draft!.entry).toBeCloseTo(200, 2)
    expect(r.draft!.stop_loss!).toBeGreaterThan(r.draft!.entry!)
    expect(r.draft!.targets[0]!.price).toBeLessThan(r.draft!.entry!)
    expect(r.draft!.entry_zone!.low).toBeLessThan(r.draft!.entry_zone!.high)
    expect(r.draft!.key_levels.resistance[0]).toBeCloseTo(r.draft!.stop_loss!, 2)
    expect(modelAction('SELL', viewOf({ mirror: true }))).toBe('BUY')
    expect(modelAction('HOLD', viewOf({ mirror: true }))).toBe('HOLD')
    expect(realVerdict(v, priceMap(bars, viewOf({})))).toBe(v)
  })

  it('labels views and blinds the context cumulatively', () => {
    expect(viewLabel(viewOf({}))).toBe('')
    expect(viewLabel(viewOf({ blinding: 'date', mirror: true, charts: false }))).toBe('date-blind, mirrored, no charts')
    const ctx = {
      symbol: 'AAPL',
      conid: 265598,
      now: '2025-03-04T05:00:00.000Z',
      as_of: '2025-03-03',
      strategy: { name: 'AAPL swing', parameters: {} },
      bars: [
        { date: '2025-02-28', o: 1, h: 1, l: 1, c: 1, v: 1 },
        { date: '2025-03-03', o: 1, h: 1, l: 1, c: 1, v: 1 },
      ],
      previous_analyses: [{ date: '2025-02-01', action: 'BUY', r_multiple: null, outcome: null }],
    } as never
    const s = blindContext(ctx, viewOf({ blinding: 'symbol' }))
    expect(JSON.stringify(s)).not.toMatch(/AAPL|265598/)
    expect(s.as_of).toBe('2025-03-03')
    const d = blindContext(ctx, viewOf({ blinding: 'date' }))
    expect(JSON.stringify(d)).not.toMatch(/AAPL|265598|\d{4}-\d{2}-\d{2}/)
    expect(d.bars.map((b) => b.date)).toEqual(['day -1', 'day 0'])
    expect(blindContext(ctx, viewOf({}))).toBe(ctx)
  })
})

describe('the rules analyst on a mirrored series', () => {
  // The indicator votes flip exactly; a trade can still become "no trade" on the mirror where a
  // price-level rule (profit margin in %, the 7.5 % stop cap) bites at the mirrored level.
  const FLIP: Record<string, string> = {
    strong_bullish: 'strong_bearish',
    bullish: 'bearish',
    neutral: 'neutral',
    bearish: 'bullish',
    strong_bearish: 'strong_bullish',
  }
  it('answers SELL where it said BUY and BUY where it said SELL, never the same side', () => {
    let directional = 0
    let flipped = 0
    for (let seed = 1; seed <= 40; seed++) {
      const bars = walk(260, seed, seed % 2 ? 0.001 : -0.001)
      const mirrored = mapBars(bars, priceMap(bars, viewOf({ mirror: true })))
      const req = { symbol: 'X', asOf: 'day 0', timeframes: '1D' as const, position: 'flat' as const, allowShort: true }
      const a = rulesAnalyst({ ...req, bars, tickSize: 0.01 })
      const b = rulesAnalyst({ ...req, bars: mirrored, tickSize: 0.01 })
      expect(b.trend, `seed ${seed}`).toBe(FLIP[a.trend])
      if (a.action === 'HOLD') continue
      directional++
      expect(b.action, `seed ${seed}`).not.toBe(a.action)
      if (b.action !== 'HOLD') flipped++
    }
    expect(directional).toBeGreaterThan(20)
    expect(flipped / directional).toBeGreaterThan(0.8)
  })
})
