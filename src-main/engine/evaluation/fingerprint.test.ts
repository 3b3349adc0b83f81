import { describe, expect, it } from 'vitest'
import { barsFingerprint, valueFingerprint } from './fingerprint'

const bar = (t: number, c: number) => ({ t, o: c, h: c + 1, l: c - 1, c, v: 100 })
const series = (n: number, f: (i: number) => number | null) => Array.from({ length: n }, (_, i) => f(i))

describe('decision fingerprints (look-ahead self-test)', () => {
  it('bars: equal for equal bars, different when any number, the order or the weekly set differs', () => {
    const daily = [bar(1, 10), bar(2, 11)]
    const base = barsFingerprint(daily, null)
    expect(barsFingerprint([bar(1, 10), bar(2, 11)], null)).toBe(base)
    expect(barsFingerprint([bar(1, 10), bar(2, 11.000000001)], null)).not.toBe(base)
    expect(barsFingerprint([bar(2, 11), bar(1, 10)], null)).not.toBe(base)
    expect(barsFingerprint(daily, [])).not.toBe(base)
    expect(barsFingerprint(daily.slice(0, 1), daily.slice(1))).not.toBe(barsFingerprint(daily, null))
    expect(barsFingerprint([{ ...bar(1, 10), v: 101 }, bar(2, 11)], null)).not.toBe(base)
  })

  it('values: equal for equal values; a changed number, null, name, label or length changes it', () => {
    const make = (over: Partial<{ x: number | null; id: string; n: number; label: string }> = {}) => ({
      daily: [
        {
          id: over.id ?? 'sma20',
          label: over.label ?? 'SMA 20',
          series: { value: series(over.n ?? 30, (i) => (i === 5 ? (over.x === undefined ? 1.5 : over.x) : i / 3)) },
        },
      ],
      weekly: null,
      strategy: [],
    })
    const base = valueFingerprint(make())
    expect(valueFingerprint(make())).toBe(base)
    expect(valueFingerprint(make({ x: 1.5000000000000002 }))).not.toBe(base)
    expect(valueFingerprint(make({ x: null }))).not.toBe(base)
    expect(valueFingerprint(make({ x: NaN }))).not.toBe(valueFingerprint(make({ x: null })))
    expect(valueFingerprint(make({ id: 'sma50' }))).not.toBe(base)
    expect(valueFingerprint(make({ label: 'SMA 21' }))).not.toBe(base)
    expect(valueFingerprint(make({ n: 31 }))).not.toBe(base)
    expect(valueFingerprint({ ...make(), weekly: [] })).not.toBe(base)
  })
})
