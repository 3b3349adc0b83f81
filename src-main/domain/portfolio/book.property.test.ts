import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Book, foldFills, signedBasis, type Fill, type TradeLeg } from './book'
import { dailyLoss, unrealized } from './metrics'
import { mulQty } from './money'

// RELIABILITY.md §6 T3 (order/position math), 10,000 runs per property, fixed seeds: positions are
// Σ signed fills; a duplicate execution id changes nothing; realized + unrealized − fees equals the
// mark-to-market change of cash plus holdings; average cost stays within the opening fills' price
// range; the trades partition the fills.

const RUNS = { numRuns: 10_000 }

const fillArb = fc.record({
  side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
  qty: fc.integer({ min: 1, max: 500 }),
  price: fc.integer({ min: 10_000, max: 500_000_000 }), // 0.01 … 500.00 in micros
  commission: fc.integer({ min: 0, max: 5_000_000 }),
  key: fc.integer({ min: 0, max: 2 }),
})
const pathArb = fc.array(fillArb, { minLength: 1, maxLength: 40 })

function toFills(xs: { side: 'BUY' | 'SELL'; qty: number; price: number; commission: number; key: number }[]): Fill[] {
  return xs.map((x, i) => ({
    execId: `x${String(i).padStart(3, '0')}`,
    account: 'DU1',
    strategyId: x.key === 2 ? '' : `s${x.key}`,
    conid: 265598,
    side: x.side,
    qty: x.qty,
    price: x.price,
    commission: x.commission,
    at: 1_000 + i,
    runId: null,
    signalId: null,
  }))
}

/** Fold and keep every leg, by trade. */
function foldWithLegs(fills: Fill[]): { book: Book; legsOf: (tradeId: string) => TradeLeg[] } {
  const legs = new Map<string, TradeLeg[]>()
  const book = foldFills(fills, {
    onLeg: (l) => (legs.get(l.tradeId) ?? legs.set(l.tradeId, []).get(l.tradeId)!).push(l),
  })
  return { book, legsOf: (id) => legs.get(id) ?? [] }
}

describe('T3: position and P&L math over random fill sequences', () => {
  it('position qty = Σ signed fills, per (account, strategy, conid)', () => {
    fc.assert(
      fc.property(pathArb, (xs) => {
        const fills = toFills(xs)
        const book = foldFills(fills)
        const sums = new Map<string, number>()
        for (const f of fills)
          sums.set(f.strategyId, (sums.get(f.strategyId) ?? 0) + (f.side === 'BUY' ? f.qty : -f.qty))
        for (const p of book.positions.values()) expect(p.qty).toBe(sums.get(p.strategyId))
      }),
      { ...RUNS, seed: 301 },
    )
  })

  it('re-applying any execution id (again, or in another order) changes nothing', () => {
    fc.assert(
      fc.property(pathArb, fc.array(fc.nat(), { maxLength: 10 }), (xs, dupIdx) => {
        const fills = toFills(xs)
        const once = foldFills(fills)
        const twice = new Book()
        for (const f of fills) twice.apply(f)
        for (const i of dupIdx) expect(twice.apply({ ...fills[i % fills.length]!, qty: 7, price: 1 })).toBeNull()
        expect([...twice.positions.values()]).toEqual([...once.positions.values()])
        expect(twice.trades).toEqual(once.trades)
      }),
      { ...RUNS, seed: 302 },
    )
  })

  it('realized + unrealized − fees = cash flows + holdings at the mark (exact, in micros)', () => {
    fc.assert(
      fc.property(pathArb, fc.integer({ min: 10_000, max: 500_000_000 }), (xs, mark) => {
        const fills = toFills(xs)
        const book = foldFills(fills)
        for (const p of book.positions.values()) {
          const own = fills.filter((f) => f.strategyId === p.strategyId)
          const cash = own.reduce(
            (c, f) => c + (f.side === 'BUY' ? -mulQty(f.qty, f.price) : mulQty(f.qty, f.price)) - f.commission,
            0,
          )
          const mtm = cash + mulQty(p.qty, mark)
          expect(p.realized + unrealized(p, mark) - p.fees).toBe(mtm)
          // The daily-loss function over a whole-history "day" gives the same number.
          expect(
            dailyLoss({
              realizedToday: p.realized,
              feesToday: p.fees,
              unrealizedNow: unrealized(p, mark),
              unrealizedAtStartOfDay: 0,
              startOfDayNav: null,
              limitFraction: 0.02,
            }).pnl,
          ).toBe(mtm)
        }
      }),
      { ...RUNS, seed: 303 },
    )
  })

  it('average cost stays within the price range of the open trade’s opening fills', () => {
    fc.assert(
      fc.property(pathArb, (xs) => {
        const fills = toFills(xs)
        const byId = new Map(fills.map((f) => [f.execId, f]))
        const { book, legsOf } = foldWithLegs(fills)
        for (const p of book.positions.values()) {
          if (p.qty === 0) {
            expect(p.basis).toBe(0)
            continue
          }
          const t = p.open!
          const opens = legsOf(t.id)
            .filter((l) => l.role === 'open')
            .map((l) => byId.get(l.execId)!.price)
          const reductions = legsOf(t.id).filter((l) => l.role === 'close').length
          const q = Math.abs(p.qty)
          // Each proportional reduction rounds the basis by at most half a micro.
          expect(p.basis).toBeGreaterThanOrEqual(Math.min(...opens) * q - reductions)
          expect(p.basis).toBeLessThanOrEqual(Math.max(...opens) * q + reductions)
          expect(Math.sign(signedBasis(p))).toBe(Math.sign(p.qty))
        }
      }),
      { ...RUNS, seed: 304 },
    )
  })

  it('trades partition the fills: every share of every fill is in exactly one trade; closed trades end flat', () => {
    fc.assert(
      fc.property(pathArb, (xs) => {
        const fills = toFills(xs)
        const { book, legsOf } = foldWithLegs(fills)
        const covered = new Map<string, number>()
        for (const t of book.trades) {
          const legs = legsOf(t.id)
          for (const l of legs) covered.set(l.execId, (covered.get(l.execId) ?? 0) + l.qty)
          const opened = legs.filter((l) => l.role === 'open').reduce((a, l) => a + l.qty, 0)
          const closedQty = legs.filter((l) => l.role === 'close').reduce((a, l) => a + l.qty, 0)
          expect(opened).toBe(t.qty)
          expect(closedQty).toBe(t.closedQty)
          if (t.closedAt !== null) expect(closedQty).toBe(opened)
          else expect(closedQty).toBeLessThan(opened)
        }
        for (const f of fills) expect(covered.get(f.execId)).toBe(f.qty)
        // Σ trade realized = position realized; Σ trade fees = position fees.
        for (const p of book.positions.values()) {
          const own = book.trades.filter((t) => t.strategyId === p.strategyId)
          expect(own.reduce((a, t) => a + t.realized, 0)).toBe(p.realized)
          expect(own.reduce((a, t) => a + t.fees, 0)).toBe(p.fees)
          expect(own.filter((t) => t.closedAt === null).length).toBe(p.qty === 0 ? 0 : 1)
        }
      }),
      { ...RUNS, seed: 305 },
    )
  })
})
