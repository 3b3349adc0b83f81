import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_ORDER_RATE, gate, inResetWindow, type GateOrder, type GateState } from './gate'

const OPEN = Date.parse('2026-11-24T16:00:00Z') // Tuesday 11:00 New York
const order: GateOrder = {
  side: 'BUY',
  qty: 10,
  price: 100,
  reducing: false,
  marketHours: 'rth_only',
  allowShort: false,
  positionQty: 0,
}
const state: GateState = {
  now: OPEN,
  session: { state: 'authenticated', competing: false },
  reconciled: true,
  killSwitch: false,
  dailyLossLatched: false,
  recentSubmits: [],
  rate: DEFAULT_ORDER_RATE,
  maxOrderNotional: 50_000,
}

describe('risk gate (F12)', () => {
  it('lets a sound order through and says why it refuses others, with numbers', () => {
    expect(gate(order, state)).toMatchObject({ allowed: true, reason: null })
    expect(gate(order, { ...state, session: { state: 'expired', competing: false } }).reason).toMatch(/^session:/)
    expect(gate(order, { ...state, session: { state: 'authenticated', competing: true } }).reason).toMatch(
      /^session:.*competing/,
    )
    expect(gate(order, { ...state, reconciled: false }).reason).toMatch(/^reconciled/)
    // 01:00 New York
    expect(gate(order, { ...state, now: Date.parse('2026-11-24T06:00:00Z') }).reason).toMatch(/reset_window/)
    // Thanksgiving
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

  it('knows the nightly reset and weekend maintenance windows', () => {
    expect(inResetWindow(Date.parse('2026-11-24T05:58:00Z'))).toBe(true) // 00:58 EST
    expect(inResetWindow(Date.parse('2026-11-24T06:04:00Z'))).toBe(true)
    expect(inResetWindow(Date.parse('2026-11-24T06:06:00Z'))).toBe(false)
    expect(inResetWindow(Date.parse('2026-11-28T23:30:00Z'))).toBe(true) // Saturday 18:30 New York
    expect(inResetWindow(Date.parse('2026-11-24T16:00:00Z'))).toBe(false)
  })
})
