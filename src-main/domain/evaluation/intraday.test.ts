import { describe, expect, it } from 'vitest'
import type { Bar } from '../../contract/models'
import { simulateBracket } from './fills'
import { endOfNyDayStartTime, resolveAmbiguousDay } from './intraday'

const T0 = Date.parse('2024-03-05T14:30:00Z')
const m5 = (k: number, o: number, h: number, l: number, c: number): Bar => ({ t: T0 + k * 300_000, o, h, l, c, v: 1 })
const BUY = { side: 'BUY' as const, entry: 100, stop: 95, target: 110 }
const day = { h: 111, l: 94 }

describe('same-bar ambiguity resolved from 5-minute bars', () => {
  it('names the level the session touched first', () => {
    // The target at 10:40, the stop only at 15:30: target first.
    const targetFirst = [m5(0, 100, 104, 99, 103), m5(2, 103, 111, 102, 108), m5(12, 108, 108, 94, 95)]
    expect(resolveAmbiguousDay(BUY, targetFirst, day, false)).toBe('target')
    const stopFirst = [m5(0, 100, 101, 94, 96), m5(3, 96, 111, 96, 110)]
    expect(resolveAmbiguousDay(BUY, stopFirst, day, false)).toBe('stop')
    // Both levels inside one 5-minute bar: still unordered.
    expect(resolveAmbiguousDay(BUY, [m5(0, 100, 111, 94, 100)], day, false)).toBeNull()
    // Bars that do not reach the daily high are not the session's full history.
    expect(resolveAmbiguousDay(BUY, [m5(0, 100, 104, 94, 96)], day, false)).toBeNull()
    expect(resolveAmbiguousDay(BUY, [], day, false)).toBeNull()
  })

  it('orders the fill first when the limit filled inside the bar', () => {
    const entryDay = { h: 111, l: 94 }
    const b = { side: 'BUY' as const, entry: 99, stop: 95, target: 110 }
    // Target touched before the fill does not count; after the fill the stop comes first.
    const bars = [m5(0, 102, 111, 101, 104), m5(1, 104, 104, 98.5, 99), m5(2, 99, 100, 94, 95)]
    expect(resolveAmbiguousDay(b, bars, entryDay, true)).toBe('stop')
    // Target before the fill does not count; after the fill the target again, then the stop: target.
    const later = [m5(0, 102, 111, 101, 104), m5(1, 104, 104, 98.5, 99), m5(2, 99, 110.5, 99, 110)]
    expect(resolveAmbiguousDay(b, [...later, m5(3, 110, 110, 94, 95)], entryDay, true)).toBe('target')
    // The fill bar itself touching the stop: unordered.
    expect(resolveAmbiguousDay(b, [m5(0, 102, 111, 94, 100)], entryDay, true)).toBeNull()
    // Filled, then neither level for the rest of the session (the range was made before the fill).
    const quiet = [m5(0, 102, 111, 101, 104), m5(1, 104, 104, 94, 96), m5(2, 96, 98, 96, 97)]
    expect(resolveAmbiguousDay({ ...b, stop: 93 }, quiet, { h: 111, l: 94 }, true)).toBeNull()
  })

  it('marks the first ambiguous daily bar for the resolver', () => {
    const d = (date: string, o: number, h: number, l: number, c: number): Bar => ({
      t: Date.parse(`${date}T14:30:00Z`),
      o,
      h,
      l,
      c,
      v: 1,
    })
    const r = simulateBracket(
      [d('2024-03-04', 100.5, 101, 99.8, 100.2), d('2024-03-05', 100, 111, 94, 105)],
      { side: 'BUY', entry: 100, stop: 95, target: 110 },
      { horizon: 20, slippageBps: 0, plan: 'fixed', qty: 100 },
    )
    expect(r.ambiguousAt).toEqual({ index: 1, date: '2024-03-05', intrabarEntry: false })
    const clean = simulateBracket([d('2024-03-04', 100, 104, 99, 103)], BUY, {
      horizon: 20,
      slippageBps: 0,
      plan: 'fixed',
      qty: 100,
    })
    expect(clean.ambiguousAt).toBeNull()
  })
})

describe('the end of a New York day as IBKR startTime', () => {
  it('is the closing midnight in UTC, in daylight saving and standard time and across month ends', () => {
    expect(endOfNyDayStartTime('2026-07-15')).toBe('20260716-04:00:00')
    expect(endOfNyDayStartTime('2026-01-15')).toBe('20260116-05:00:00')
    expect(endOfNyDayStartTime('2026-03-07')).toBe('20260308-05:00:00') // the night before DST starts
    expect(endOfNyDayStartTime('2026-10-31')).toBe('20261101-04:00:00') // the night before it ends
    expect(endOfNyDayStartTime('2026-12-31')).toBe('20270101-05:00:00')
  })
})
