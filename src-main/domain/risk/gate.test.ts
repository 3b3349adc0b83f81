import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_ORDER_RATE, gate, inResetWindow, type GateOrder, type GateState } from './gate'
import { EMPTY_BOOK, TEST_LIMITS } from './gate-fixtures'

const OPEN = Date.parse('2026-11-24T16:00:00Z') // Tuesday 11:00 New York
const order: GateOrder = {
  side: 'BUY',
  qty: 10,
  price: 100,
  reducing: false,
  marketHours: 'rth_only',
  allowShort: false,
  positionQty: 0,
  collared: true,
  kind: 'submit',
}
const state: GateState = {
  now: OPEN,
  session: { state: 'authenticated', competing: false },
  reconciled: true,
  killSwitch: false,
  dailyLossLatched: false,
  recentSubmits: [],
  rate: DEFAULT_ORDER_RATE,
  limits: TEST_LIMITS,
  exposure: EMPTY_BOOK,
  quote: { last: 100, ageMs: 1_000 },
}

describe('risk gate (F12)', () => {
  it('lets a sound order through and says why it refuses others, with numbers', () => {
    expect(gate(order, state)).toMatchObject({ allowed: true, reason: null })
    expect(gate(order, { ...state, session: { state: 'expired', competing: false } }).reason).toMatch(/^session:/)
    expect(gate(order, { ...state, session: { state: 'authenticated', competing: true } }).reason).toMatch(
      /^session:.*competing/,
    )
    expect(gate(order, { ...state, reconciled: false }).reason).toMatch(/^reconciled/)
    // 01:00 New York, then Thanksgiving.
    expect(gate(order, { ...state, now: Date.parse('2026-11-24T06:00:00Z') }).reason).toMatch(/reset_window/)
    expect(gate(order, { ...state, now: Date.parse('2026-11-26T16:00:00Z') }).reason).toMatch(/market_hours.*holiday/)
    expect(gate({ ...order, marketHours: 'any' }, { ...state, now: Date.parse('2026-11-26T16:00:00Z') }).allowed).toBe(
      true,
    )
    expect(gate({ ...order, qty: 1000 }, state).reason).toMatch(/order_notional.*100000\.00/)
    expect(gate({ ...order, side: 'SELL', reducing: true, positionQty: 5 }, state).reason).toMatch(
      /long_only.*10 vs 5 held/,
    )
    expect(gate(order, { ...state, recentSubmits: [OPEN - 1000] }).reason).toMatch(/rate_2s/)
    expect(
      gate(order, { ...state, recentSubmits: Array.from({ length: 20 }, (_, i) => OPEN - 3000 - i * 2000) }).reason,
    ).toMatch(/rate_minute/)
  })

  it('with the kill switch or the loss latch on, only reducing orders pass (T14 property)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        (kill, loss, reducing, qty, held) => {
          const v = gate(
            { ...order, qty, reducing, side: reducing ? 'SELL' : 'BUY', positionQty: held },
            { ...state, killSwitch: kill, dailyLossLatched: loss },
          )
          if ((kill || loss) && !reducing) expect(v.allowed).toBe(false)
          if (reducing && qty <= held) expect(v.allowed).toBe(true)
        },
      ),
      { numRuns: 5000, seed: 14 },
    )
  })

  it('each exposure rule refuses with its numbers (issue #9)', () => {
    const why = (o: Partial<GateOrder>, st: Partial<GateState> = {}) =>
      gate({ ...order, ...o }, { ...state, ...st }).reason
    // Max order notional: a BUY raised to $60k against the $50k cap.
    expect(why({ qty: 600 })).toBe('order_notional: Notional of one order (60000.00, needs ≤ 50000.00)')
    // Per-symbol: 95k already in the instrument + 10k.
    expect(why({ qty: 100 }, { exposure: { ...EMPTY_BOOK, symbol: 95_000 } })).toBe(
      'symbol_notional: Positions and working entries in this instrument, after this order ' +
        '(95000.00 + 10000.00 = 105000.00, needs ≤ 100000.00)',
    )
    // Per-strategy: only for a strategy's orders.
    expect(why({ qty: 100 }, { exposure: { ...EMPTY_BOOK, strategy: 145_000 } })).toMatch(
      /^strategy_notional: .*\(145000\.00 \+ 10000\.00 = 155000\.00, needs ≤ 150000\.00\)/,
    )
    expect(why({ qty: 100 }, { exposure: { ...EMPTY_BOOK, strategy: null, symbol: 0 } })).toBeNull()
    // Gross exposure: 895k of a 1M account at 90 % + 10k.
    expect(why({ qty: 100 }, { exposure: { ...EMPTY_BOOK, gross: 895_000 } })).toBe(
      'gross_exposure: Gross exposure after this order (905000.00, needs ≤ 900000.00 (90.00 % of 1000000.00))',
    )
    expect(why({}, { exposure: { ...EMPTY_BOOK, gross: null } })).toMatch(/^gross_exposure: .*unknown/)
    expect(why({}, { exposure: { ...EMPTY_BOOK, netLiquidation: null } })).toMatch(/net liquidation unknown/)
    // Max positions: a tenth position is fine, an eleventh is not; adding to a held one is.
    expect(why({}, { exposure: { ...EMPTY_BOOK, openPositions: 9 } })).toBeNull()
    expect(why({}, { exposure: { ...EMPTY_BOOK, openPositions: 10 } })).toBe(
      'open_positions: Open positions after this order (11, needs ≤ 10)',
    )
    expect(why({}, { exposure: { ...EMPTY_BOOK, openPositions: 10, opensNew: false } })).toBeNull()
    // Losing streak: a pause only when the trader asked for it.
    const streak = { exposure: { ...EMPTY_BOOK, losingStreak: 3 } }
    expect(why({}, streak)).toBeNull()
    expect(why({}, { ...streak, limits: { ...TEST_LIMITS, pauseOnLosingStreak: true } })).toBe(
      'losing_streak: New entries pause after a losing streak until you loosen or reset the limit ' +
        '(3 losses in a row, needs < 3)',
    )
    // Long-only after a change: a take-profit raised to 499 while 491 are held.
    expect(why({ side: 'SELL', qty: 499, reducing: false, positionQty: 491, collared: false })).toBe(
      'long_only: A sell never exceeds the shares held unless shorting is ' +
        'allowed (499 vs 491 held, needs ≤ shares held)',
    )
    // A child of a working parent protects the parent's quantity.
    expect(
      why({ side: 'SELL', qty: 10, reducing: true, positionQty: 0, parentRemaining: 10, collared: false }),
    ).toBeNull()
    // Rate counts the modify as a message too (the caller passes both).
    expect(why({ kind: 'modify' }, { recentSubmits: [OPEN - 500] })).toMatch(
      /^rate_2s: Order rate \(1, needs < 1 per 2 s\)/,
    )
  })

  it('the price collar needs a fresh quote and a limit near it (RELIABILITY.md §1.2)', () => {
    const why = (o: Partial<GateOrder>, q: GateState['quote']) =>
      gate({ ...order, ...o }, { ...state, quote: q }).reason
    expect(why({ price: 80 }, { last: 100, ageMs: 0 })).toBe(
      'price_collar: A limit price stays near the market (80 is 20.00 % from 100, needs ≤ 5.00 %)',
    )
    expect(why({ price: 105 }, { last: 100, ageMs: 0 })).toBeNull()
    expect(why({ price: 105.01 }, { last: 100, ageMs: 0 })).toMatch(/^price_collar/)
    expect(why({}, { last: 100, ageMs: 60_001 })).toBe(
      'fresh_quote: A limit price is checked against a fresh quote; without one nothing is sent ' +
        '(100 (60001 ms old), needs ≤ 60000 ms old)',
    )
    expect(why({}, { last: null, ageMs: null })).toMatch(/^fresh_quote: .*\(no quote,/)
    // An exit limit is collared as well, even under the kill switch; bracket stops and targets are not.
    expect(
      gate(
        { ...order, side: 'SELL', reducing: true, positionQty: 10, price: 50 },
        { ...state, killSwitch: true, quote: { last: 100, ageMs: 0 } },
      ).reason,
    ).toMatch(/^price_collar/)
    expect(why({ collared: false, price: 50 }, { last: null, ageMs: null })).toBeNull()
  })

  it('knows the nightly reset and weekend maintenance windows', () => {
    expect(inResetWindow(Date.parse('2026-11-24T05:58:00Z'))).toBe(true) // 00:58 EST
    expect(inResetWindow(Date.parse('2026-11-24T06:04:00Z'))).toBe(true)
    expect(inResetWindow(Date.parse('2026-11-24T06:06:00Z'))).toBe(false)
    expect(inResetWindow(Date.parse('2026-11-28T23:30:00Z'))).toBe(true) // Saturday 18:30 New York
    expect(inResetWindow(Date.parse('2026-11-24T16:00:00Z'))).toBe(false)
  })
})
