import { describe, expect, it } from 'vitest'
import { avgCost, Book, foldFills, tradePrices, type Fill, type TradeLeg } from './book'
import { concentration, dailyLoss, initialRisk, rMultiple, tradeStats, unrealized } from './metrics'
import { microsToDecimal, mulDiv, toMicros } from './money'

const $ = toMicros
let n = 0
function fill(side: 'BUY' | 'SELL', qty: number, price: number | string, extra: Partial<Fill> = {}): Fill {
  n++
  return {
    execId: `e${String(n).padStart(4, '0')}`,
    account: 'DU1',
    strategyId: 's1',
    conid: 1,
    side,
    qty,
    price: $(price),
    commission: $(1),
    at: n * 1000,
    runId: 'r1',
    signalId: 'sig1',
    ...extra,
  }
}

describe('money', () => {
  it('converts decimals and broker numbers exactly, half away from zero at the 6th decimal', () => {
    expect(toMicros('187.23')).toBe(187_230_000)
    expect(toMicros('-0.0000005')).toBe(-1)
    expect(toMicros(0.1 + 0.2)).toBe(300_000)
    expect(toMicros(-12.5)).toBe(-12_500_000)
    expect(microsToDecimal(-12_500_001)).toBe('-12.500001')
    expect(microsToDecimal(5)).toBe('0.000005')
    expect(() => toMicros('1e3')).toThrow(/decimal/)
    expect(() => toMicros(Number.NaN)).toThrow(/finite/)
    expect(() => toMicros(1e12)).toThrow(/exact range/)
    expect(mulDiv(10, 1, 3)).toBe(3)
    expect(mulDiv(-10, 2, 3)).toBe(-7)
  })
})

describe('book', () => {
  it(
    'long: average cost over adds, realized on a partial ' + 'reduction, a closed round trip with fees and exit VWAP',
    () => {
      const b = new Book()
      b.apply(fill('BUY', 100, '10.00'))
      b.apply(fill('BUY', 100, '12.00'))
      const p = [...b.positions.values()][0]!
      expect(p.qty).toBe(200)
      expect(avgCost(p)).toBe($('11.00'))
      b.apply(fill('SELL', 50, '13.00'))
      expect(p.realized).toBe($('100.00'))
      expect(avgCost(p)).toBe($('11.00'))
      expect(unrealized(p, $('10.00'))).toBe($('-150.00'))
      const r = b.apply(fill('SELL', 150, '9.00'))
      expect(p.qty).toBe(0)
      expect(p.basis).toBe(0)
      expect(p.realized).toBe($('-200.00'))
      expect(p.fees).toBe($('4'))
      const t = r!.closed!
      expect(t).toMatchObject({
        direction: 'long',
        qty: 200,
        closedQty: 200,
        realized: $('-200.00'),
        fees: $('4'),
        closedAt: 4000,
        runId: 'r1',
        signalId: 'sig1',
      })
      expect(tradePrices(t)).toEqual({ entry: $('11.00'), exit: $('10.00') })
    },
  )

  it('short: proceeds as basis, profit when covering lower', () => {
    const b = new Book()
    b.apply(fill('SELL', 10, '50'))
    const p = [...b.positions.values()][0]!
    expect(p.qty).toBe(-10)
    expect(unrealized(p, $('45'))).toBe($('50'))
    const t = b.apply(fill('BUY', 10, '45'))!.closed!
    expect(t).toMatchObject({ direction: 'short', realized: $('50') })
  })

  it('a flip through zero closes the trade and opens the other way at the fill price, splitting the commission', () => {
    const legs: TradeLeg[] = []
    const b = new Book({ onLeg: (l) => legs.push(l) })
    b.apply(fill('BUY', 10, '20'))
    const r = b.apply(fill('SELL', 30, '25', { commission: $('3') }))!
    const p = [...b.positions.values()][0]!
    expect(r.closed).toMatchObject({ direction: 'long', qty: 10, realized: $('50'), fees: $('2') })
    expect(p.qty).toBe(-20)
    expect(avgCost(p)).toBe($('25'))
    expect(b.trades).toHaveLength(2)
    expect(b.trades[1]).toMatchObject({ direction: 'short', qty: 20, fees: $('2'), closedAt: null })
    expect(legs.filter((l) => l.tradeId === b.trades[1]!.id)).toMatchObject([{ qty: 20, role: 'open' }])
  })

  it('ignores a duplicate execution id and keeps positions per (account, strategy, conid)', () => {
    const a = fill('BUY', 5, '10')
    const b = new Book()
    expect(b.apply(a)).not.toBeNull()
    expect(b.apply({ ...a })).toBeNull()
    b.apply(fill('BUY', 5, '10', { strategyId: '' }))
    b.apply(fill('BUY', 5, '10', { conid: 2 }))
    expect([...b.positions.values()].map((p) => [p.strategyId, p.conid, p.qty])).toEqual([
      ['s1', 1, 5],
      ['', 1, 5],
      ['s1', 2, 5],
    ])
  })

  it('sums realized and fees since the day start apart, and folds unordered fills by time', () => {
    const fills = [fill('BUY', 10, '10'), fill('SELL', 5, '11'), fill('SELL', 5, '12')]
    const b = foldFills([fills[2]!, fills[0]!, fills[1]!], { since: fills[2]!.at })
    const p = [...b.positions.values()][0]!
    expect(p.realized).toBe($('15'))
    expect(p.realizedSince).toBe($('10'))
    expect(p.feesSince).toBe($('1'))
  })

  it('refuses a fractional or non-positive quantity', () => {
    expect(() => new Book().apply(fill('BUY', 1.5, '1'))).toThrow(/positive integer/)
    expect(() => new Book().apply(fill('BUY', 0, '1'))).toThrow(/positive integer/)
  })
})

describe('metrics', () => {
  it('R achieved from the signal levels; null when the stop is unknown', () => {
    expect(initialRisk($('100'), $('95'), 10)).toBe($('50'))
    expect(rMultiple($('100'), initialRisk($('100'), $('95'), 10))).toBe(2)
    expect(initialRisk($('100'), null, 10)).toBeNull()
    expect(rMultiple($('100'), null)).toBeNull()
  })

  it('stats: win rate, profit factor, average R over known R, largest win and loss', () => {
    const s = tradeStats([
      { realized: $('300'), fees: $('2'), r: 3 },
      { realized: $('-100'), fees: $('2'), r: -1 },
      { realized: $('-50'), fees: $('2'), r: null },
      { realized: $('150'), fees: $('2'), r: 1.5 },
    ])
    expect(s).toMatchObject({
      count: 4,
      wins: 2,
      losses: 2,
      winRate: 0.5,
      profitFactor: 3,
      averageR: 3.5 / 3,
      withR: 3,
      largestWin: $('300'),
      largestLoss: $('-100'),
      realized: $('300'),
      fees: $('8'),
    })
    expect(tradeStats([])).toMatchObject({ count: 0, winRate: null, profitFactor: null, averageR: null })
    expect(tradeStats([{ realized: $('1'), fees: 0, r: null }]).profitFactor).toBeNull()
  })

  it('concentration: share of gross exposure and of net liquidation', () => {
    const c = concentration([{ marketValue: $('3000') }, { marketValue: $('-1000') }], $('8000'))
    expect(c.grossExposure).toBe($('4000'))
    expect(c.shares).toEqual([
      { ofGross: 0.75, ofNetLiquidation: 0.375 },
      { ofGross: 0.25, ofNetLiquidation: 0.125 },
    ])
    expect(concentration([{ marketValue: 0 }], null).shares).toEqual([{ ofGross: null, ofNetLiquidation: null }])
  })

  it('daily loss = realized + change in unrealized − fees, against start-of-day NAV', () => {
    const d = dailyLoss({
      realizedToday: $('-500'),
      feesToday: $('10'),
      unrealizedNow: $('-1200'),
      unrealizedAtStartOfDay: $('300'),
      startOfDayNav: $('100000'),
      limitFraction: 0.02,
    })
    expect(d).toEqual({ pnl: $('-2010'), loss: $('2010'), lossFraction: 0.0201, breached: true })
    expect(
      dailyLoss({
        realizedToday: $('50'),
        feesToday: 0,
        unrealizedNow: 0,
        unrealizedAtStartOfDay: 0,
        startOfDayNav: null,
        limitFraction: 0.02,
      }),
    ).toEqual({ pnl: $('50'), loss: 0, lossFraction: null, breached: false })
  })
})
