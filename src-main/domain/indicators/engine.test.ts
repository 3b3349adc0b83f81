import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IndicatorSpec, IndicatorSpecs, INDICATORS, type IndicatorSpecInput } from '../../contract/indicators'
import type { Bar } from '../../contract/models'
import { computeIndicators, computeIndicatorSeries, IndicatorMemo, IndicatorStream, warmupBars } from './engine'
import { randomWalkBars } from './fixtures'
import { SuperTrend } from './supertrend'
import { anchorKey, AnchoredVwap } from './vwap'

const ALL: IndicatorSpecInput[] = INDICATORS.map((i) => ({ id: i.type, type: i.type }))
const specs = IndicatorSpecs.parse(ALL)

describe('indicator parameters', () => {
  it('fills defaults and rejects bad values with a readable message', () => {
    expect(IndicatorSpec.parse({ id: 'm', type: 'macd' }).params).toEqual({ fast: 12, slow: 26, signal: 9 })
    const bad = [
      [{ id: 'r', type: 'rsi', params: { period: 1 } }, 'RSI period must be an integer from 2 to 500'],
      [{ id: 'r', type: 'rsi', params: { period: 14.5 } }, 'RSI period must be an integer from 2 to 500'],
      [
        { id: 'b', type: 'bb', params: { stdDev: Number.NaN } },
        'Bollinger width (standard deviations) must be a number from 0.5 to 5',
      ],
      [{ id: 's', type: 'sma', params: { period: 20, extra: 1 } }, 'Unrecognized key'],
      [{ id: 'x', type: 'ichimoku' }, 'Unknown indicator type'],
      [{ id: 'bad id!', type: 'sma' }, 'An indicator id is 1-40 letters'],
    ] as const
    for (const [input, message] of bad) {
      const r = IndicatorSpec.safeParse(input)
      expect(r.success, JSON.stringify(input)).toBe(false)
      expect(r.error!.issues[0]!.message).toContain(message)
    }
    expect(
      IndicatorSpecs.safeParse([
        { id: 'a', type: 'sma' },
        { id: 'a', type: 'ema' },
      ]).error!.issues[0]!.message,
    ).toContain('used twice')
  })
})

describe('computeIndicators', () => {
  const bars = randomWalkBars(400, 3)
  const results = computeIndicators(bars, specs)

  it('returns every output series aligned with the bars, finite or null', () => {
    for (const r of results) {
      const info = INDICATORS.find((i) => i.type === r.type)!
      expect(Object.keys(r.series)).toEqual([...info.outputs])
      expect(r.placement).toBe(info.placement)
      for (const values of Object.values(r.series)) {
        expect(values).toHaveLength(bars.length)
        for (const v of values) expect(v === null || Number.isFinite(v)).toBe(true)
        expect(values.at(-1)).not.toBeNull()
      }
    }
  })

  it('masks warm-up: nothing before an indicator has enough bars', () => {
    const first = (id: string, name = 'value') =>
      results.find((r) => r.id === id)!.series[name]!.findIndex((v) => v !== null)
    expect(first('sma')).toBe(19)
    expect(first('ema')).toBe(59)
    expect(first('macd', 'macd')).toBe(77)
    expect(first('rsi')).toBe(14)
    expect(first('bb', 'upper')).toBe(19)
    expect(first('vwap')).toBe(0)
  })

  it("reports each indicator's warm-up: the first value lands at warmupBars − 1", () => {
    const firstValue = (id: string) =>
      Math.max(
        ...Object.values(results.find((r) => r.id === id)!.series).map((values) => values.findIndex((v) => v !== null)),
      )
    expect(specs.map((spec) => [spec.id, firstValue(spec.id)])).toEqual(
      specs.map((spec) => [spec.id, warmupBars(spec) - 1]),
    )
  })

  it('also gives the series keyed by spec id and output name', () => {
    const byId = computeIndicatorSeries(bars, specs)
    for (const r of results) expect(byId[r.id]).toEqual(r.series)
  })

  it('labels each configured indicator', () => {
    expect(results.find((r) => r.id === 'bb')!.label).toBe('BB 20,2')
    expect(results.find((r) => r.id === 'obv')!.label).toBe('OBV')
  })
})

describe('IndicatorStream', () => {
  const arbBars = fc
    .array(
      fc.tuple(
        fc.double({ min: -0.03, max: 0.03, noNaN: true }),
        fc.double({ min: 0, max: 0.02, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
      ),
      { minLength: 1, maxLength: 150 },
    )
    .map((steps) => {
      let c = 50
      return steps.map(([r, spread, v], i): Bar => {
        const o = c
        c = Math.max(1, c * (1 + r))
        return {
          t: Date.UTC(2025, 0, 1) + i * 3_600_000,
          o,
          h: Math.max(o, c) * (1 + spread),
          l: Math.min(o, c) * (1 - spread),
          c,
          v,
        }
      })
    })

  it('gives the batch numbers when forming bars are replaced before they close (property)', () => {
    fc.assert(
      fc.property(
        arbBars,
        fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (bars, wiggles) => {
          const stream = new IndicatorStream(specs)
          let last: Record<string, Record<string, number | null>> = {}
          for (const bar of bars) {
            // The bar forms through a few provisional prices, then settles at its final values.
            stream.push({ ...bar, c: bar.o, h: bar.o, l: bar.o, v: 0 })
            for (const w of wiggles) {
              const c = bar.o * (1 + w)
              stream.replace({ ...bar, c, h: Math.max(bar.o, c), l: Math.min(bar.o, c), v: Math.floor(bar.v / 2) })
            }
            last = stream.replace(bar)
          }
          const batch = computeIndicators(bars, specs)
          for (const r of batch) {
            for (const [name, values] of Object.entries(r.series)) {
              const a = values.at(-1) ?? null
              const b = last[r.id]![name] ?? null
              if (a === null || b === null) expect(a === null && (b === null || !Number.isFinite(b))).toBe(true)
              else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)))
            }
          }
        },
      ),
      { numRuns: 150, seed: 4242 },
    )
  })

  it('update() for the forming bar and close() when it closes give the batch numbers (property)', () => {
    fc.assert(
      fc.property(
        arbBars,
        fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { maxLength: 3 }),
        (bars, wiggles) => {
          const stream = new IndicatorStream(specs)
          let last: Record<string, Record<string, number | null>> = {}
          for (const bar of bars) {
            for (const w of wiggles) {
              const c = bar.o * (1 + w)
              stream.update({ ...bar, c, h: Math.max(bar.o, c), l: Math.min(bar.o, c), v: Math.floor(bar.v / 3) })
            }
            last = stream.close(bar)
          }
          const batch = computeIndicatorSeries(bars, specs)
          for (const [id, series] of Object.entries(batch)) {
            for (const [name, values] of Object.entries(series)) {
              const a = values.at(-1) ?? null
              const b = last[id]![name] ?? null
              if (a === null || b === null) expect(a).toBe(b)
              else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)))
            }
          }
        },
      ),
      { numRuns: 100, seed: 777 },
    )
  })
})

describe('batch path', () => {
  // computeIndicators computes whole series over columns; the stream runs trading-signals and our
  // calculators bar by bar. Every value must be the same double (Object.is: -0 and 0 differ).
  const period = (max: number) => fc.integer({ min: 2, max })
  const arbSpec = fc.oneof(
    ...(['sma', 'ema', 'wma', 'rsi', 'atr', 'adx', 'cci'] as const).map((type) =>
      period(40).map((p) => ({ id: 'x', type, params: { period: p } })),
    ),
    fc
      .tuple(period(40), fc.double({ min: 0.5, max: 5, noNaN: true }))
      .map(([p, k]) => ({ id: 'x', type: 'bb', params: { period: p, stdDev: k } })),
    fc
      .tuple(period(30), fc.double({ min: 0.5, max: 10, noNaN: true }))
      .map(([p, m]) => ({ id: 'x', type: 'supertrend', params: { atrPeriod: p, multiplier: m } })),
    fc
      .tuple(period(20), period(20), period(15))
      .map(([f, d, g]) => ({ id: 'x', type: 'macd', params: { fast: f, slow: f + d, signal: g } })),
    fc
      .tuple(period(20), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .map(([k, s, d]) => ({ id: 'x', type: 'stoch', params: { kPeriod: k, kSlowing: s, dPeriod: d } })),
    fc.constant({ id: 'x', type: 'obv' }),
    fc.constantFrom('session', 'week').map((anchor) => ({ id: 'x', type: 'vwap', params: { anchor } })),
  )
  // Flat stretches on purpose: equal closes, H = L and zero volume take the indicators' edge branches.
  const arbEdgeBars = fc
    .array(
      fc.tuple(
        fc.oneof(fc.constant(0), fc.double({ min: -0.05, max: 0.05, noNaN: true })),
        fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.02, noNaN: true })),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e6 })),
      ),
      { minLength: 1, maxLength: 120 },
    )
    .map((steps) => {
      let c = 50
      return steps.map(([r, spread, v], i): Bar => {
        const o = c
        c = Math.max(1, c * (1 + r))
        const h = Math.max(o, c) * (1 + spread)
        return { t: Date.UTC(2025, 0, 2, 15) + i * 3_600_000, o, h, l: Math.min(o, c) * (1 - spread), c, v }
      })
    })

  it('gives exactly the stream pushed bar by bar, for every type and parameters (property)', () => {
    fc.assert(
      fc.property(arbEdgeBars, fc.array(arbSpec, { minLength: 1, maxLength: 4 }), (bars, inputs) => {
        const list = IndicatorSpecs.parse(inputs.map((x, i) => ({ ...x, id: `i${i}` })))
        const batch = computeIndicators(bars, list)
        const stream = new IndicatorStream(list)
        bars.forEach((bar, i) => {
          const values = stream.push(bar)
          for (const r of batch) for (const [k, v] of Object.entries(r.series)) expect(values[r.id]![k]).toBe(v[i])
        })
      }),
      { numRuns: 400, seed: 1313 },
    )
  })

  it('shares a series between specs alike but for their id, each result with arrays of its own', () => {
    const bars = randomWalkBars(300, 5)
    const twins = IndicatorSpecs.parse([
      { id: 'a', type: 'bb', params: { stdDev: 2, period: 20 } },
      { id: 'b', type: 'bb' },
      { id: 'c', type: 'bb', params: { period: 21 } },
    ])
    const [a, b, c] = computeIndicators(bars, twins)
    expect(a!.series).toEqual(b!.series)
    expect(a!.series.upper).not.toBe(b!.series.upper)
    expect(c!.series.upper).not.toEqual(a!.series.upper)
    expect(() => computeIndicators(bars, twins, new IndicatorMemo(bars.slice()))).toThrow('other bars')
  })
})

describe('SuperTrend', () => {
  it('carries a band over while price stays on its side, and flips on a close through it', () => {
    const st = new SuperTrend(3, 1)
    const out = []
    const up = [100, 101, 102, 103, 104, 105, 106]
    for (const c of up) out.push(st.update({ h: c + 0.5, l: c - 0.5, c }, false))
    const rising = out.filter((p) => p !== null)
    expect(rising.every((p) => p!.direction === 1)).toBe(true)
    for (let i = 1; i < rising.length; i++) expect(rising[i]!.value).toBeGreaterThanOrEqual(rising[i - 1]!.value)
    // A close far below the lower band flips the trend down; the line jumps to the upper band.
    const flip = st.update({ h: 99, l: 97, c: 97.5 }, false)!
    expect(flip.direction).toBe(-1)
    expect(flip.value).toBeGreaterThan(97.5)
    // A higher basic upper band while falling is not taken: the final upper band carries over.
    const next = st.update({ h: 99.5, l: 97.5, c: 98 }, false)!
    expect(next.direction).toBe(-1)
    expect(next.value).toBeLessThanOrEqual(flip.value)
  })

  it('replace recomputes the forming bar from the previous state', () => {
    const a = new SuperTrend(3, 2)
    const b = new SuperTrend(3, 2)
    const bars = [10, 11, 12, 11.5, 12.5].map((c) => ({ h: c + 0.3, l: c - 0.3, c }))
    for (const bar of bars) a.update(bar, false)
    for (const bar of bars.slice(0, -1)) b.update(bar, false)
    b.update({ h: 20, l: 5, c: 6 }, false)
    expect(b.update(bars.at(-1)!, true)).toEqual(a.update(bars.at(-1)!, true))
  })
})

describe('anchored VWAP', () => {
  it('restarts at each New York session and weights the typical price by volume', () => {
    const vwap = new AnchoredVwap('session')
    const day1 = Date.UTC(2025, 2, 3, 15, 0) // 10:00 New York
    expect(vwap.update({ t: day1, h: 11, l: 9, c: 10, v: 100 }, false)).toBe(10)
    expect(vwap.update({ t: day1 + 3_600_000, h: 21, l: 19, c: 20, v: 300 }, false)).toBe((10 * 100 + 20 * 300) / 400)
    expect(vwap.update({ t: day1 + 86_400_000, h: 31, l: 29, c: 30, v: 50 }, false)).toBe(30)
    expect(vwap.update({ t: day1 + 86_400_000, h: 41, l: 39, c: 40, v: 50 }, true)).toBe(40)
  })

  it('uses the New York date, not the UTC date, for sessions and weeks', () => {
    const lateEvening = Date.UTC(2025, 2, 4, 2, 0) // 21:00 on 3 March in New York
    expect(anchorKey(lateEvening, 'session')).toBe('2025-03-03')
    expect(anchorKey(Date.UTC(2025, 2, 6, 15), 'week')).toBe('2025-03-03')
    expect(anchorKey(Date.UTC(2025, 2, 6, 15), 'month')).toBe('2025-03')
    expect(anchorKey(Date.UTC(2025, 2, 6, 15), 'year')).toBe('2025')
  })

  it('has no value until volume trades', () => {
    expect(new AnchoredVwap('session').update({ t: 0, h: 1, l: 1, c: 1, v: 0 }, false)).toBeNull()
  })
})
