import { describe, expect, it } from 'vitest'
import { Calendar, DAY, nyDayOf } from './calendar'
import { MAX_CACHED_PATHS, PriceEngine } from './prices'
import { REFERENCE_INSTRUMENTS } from './reference'

const engine = () =>
  new PriceEngine(7, new Calendar('always-open'), new Map(REFERENCE_INSTRUMENTS.map((i) => [i.conid, i])))

describe('PriceEngine minute paths', () => {
  it('holds at most MAX_CACHED_PATHS paths across years of history, and the bars do not change', () => {
    const conid = REFERENCE_INSTRUMENTS[0]!.conid
    const today = nyDayOf(Date.UTC(2026, 5, 1, 15))
    const days = Array.from({ length: 3 * MAX_CACHED_PATHS }, (_, i) => today - i)
    const fresh = engine()
    const first = days.map((d) => fresh.intradayBars(conid, d, 60, (d + 1) * DAY + 10 * DAY))
    expect(fresh.cachedPaths()).toBe(MAX_CACHED_PATHS)
    // Evicted days come back identical (the path is a pure function of the seed); a second engine agrees.
    expect(days.map((d) => fresh.intradayBars(conid, d, 60, (d + 1) * DAY + 10 * DAY))).toEqual(first)
    const other = engine()
    expect(days.map((d) => other.intradayBars(conid, d, 60, (d + 1) * DAY + 10 * DAY))).toEqual(first)
    expect(fresh.cachedPaths()).toBe(MAX_CACHED_PATHS)
  })

  it('prices the live day the same while old days stream through the bounded cache', () => {
    const conid = REFERENCE_INSTRUMENTS[0]!.conid
    const e = engine()
    const live = nyDayOf(Date.UTC(2026, 5, 1, 15))
    const t = live * DAY + 12 * 3_600_000
    const before = e.price(conid, t)
    for (let i = 1; i <= 2 * MAX_CACHED_PATHS; i++) {
      e.intradayBars(conid, live - i, 60, (live - i + 1) * DAY)
      e.price(conid, t) // the live day stays in use
    }
    expect(e.cachedPaths()).toBe(MAX_CACHED_PATHS)
    expect(e.price(conid, t)).toBe(before)
  })
})
