import { describe, expect, it } from 'vitest'
import type { Bar } from '../../contract/models'
import { commission, FEE_TABLE, feeRateOn, sideCost } from './costs'
import { simulateBracket, type FillOptions } from './fills'

const day = (date: string, o: number, h: number, l: number, c: number): Bar => ({
  t: Date.parse(`${date}T15:00:00Z`),
  o,
  h,
  l,
  c,
  v: 1000,
})
// Zero-cost options isolate the fill rules; costs are checked on their own below.
const free: FillOptions = { horizon: 20, slippageBps: 0, plan: 'fixed', qty: 100 }
const BUY = { side: 'BUY' as const, entry: 100, stop: 95, target: 110 }

describe('bracket fills, bar by bar (hand-computed)', () => {
  it('fills a BUY limit at the limit when the low touches it, then exits at the target', () => {
    const r = simulateBracket(
      [day('2024-03-04', 101, 102, 99.5, 101), day('2024-03-05', 103, 111, 102, 110.5)],
      BUY,
      free,
    )
    expect(r.fill).toEqual({ index: 0, date: '2024-03-04', price: 100 })
    expect(r.exit).toEqual({ index: 1, date: '2024-03-05', price: 110, reason: 'target' })
    expect(r.rGross).toBeCloseTo(2, 10)
    expect(r.ambiguous).toBe(false)
    expect(r.daysHeld).toBe(1)
    expect(r.mfeR).toBeCloseTo(2, 10)
    expect(r.maeR).toBeCloseTo(0.1, 10) // low 99.5 on the entry bar: 0.5 / 5
  })

  it('fills at the open when the session opens below a BUY limit', () => {
    const r = simulateBracket([day('2024-03-04', 98, 99, 97, 98.5)], BUY, { ...free, horizon: 1 })
    expect(r.fill?.price).toBe(98)
    expect(r.exit).toMatchObject({ reason: 'time', price: 98.5 })
    expect(r.rGross).toBeCloseTo(0.1, 10) // (98.5 − 98) / 5
  })

  it('expires the DAY parent when t+1 never reaches the limit, even if later bars do', () => {
    const r = simulateBracket([day('2024-03-04', 102, 104, 100.01, 103), day('2024-03-05', 99, 99, 90, 91)], BUY, free)
    expect(r.fill).toBeNull()
    expect(r.exit?.reason).toBe('expired')
    expect(r.rNet).toBeNull()
  })

  it('fills a gap through the stop at the open, with slippage', () => {
    const r = simulateBracket([day('2024-03-04', 100.5, 101, 99.8, 100.2), day('2024-03-05', 93, 94, 92, 93.5)], BUY, {
      ...free,
      slippageBps: 10,
    })
    expect(r.exit?.reason).toBe('stop')
    expect(r.exit?.price).toBeCloseTo(93 * 0.999, 10)
    expect(r.rGross).toBeCloseTo((93 * 0.999 - 100) / 5, 10) // worse than −1 R: the gap
  })

  it('fills a gap through the target at the open (better than the target)', () => {
    const r = simulateBracket(
      [day('2024-03-04', 100.5, 101, 99.8, 100.2), day('2024-03-05', 112, 113, 111, 112)],
      BUY,
      free,
    )
    expect(r.exit).toMatchObject({ reason: 'target', price: 112 })
    expect(r.rGross).toBeCloseTo(2.4, 10)
  })

  it('resolves stop and target in one bar stop first, flags it, and keeps the optimistic bound', () => {
    const r = simulateBracket(
      [day('2024-03-04', 100.5, 101, 99.8, 100.2), day('2024-03-05', 100, 111, 94, 105)],
      BUY,
      free,
    )
    expect(r.ambiguous).toBe(true)
    expect(r.exit).toMatchObject({ reason: 'stop', price: 95 })
    expect(r.rGross).toBeCloseTo(-1, 10)
    // Optimistic: out at the target; costs $1 + $1 + SEC 8.00/M on $11,000 + FINRA 100 × 0.000166
    // (FINRA's 2024 rate from 2024-01-01; the SEC's 27.80 only from 2024-05-22).
    expect(r.rNetOptimistic).toBeCloseTo((1000 - (2 + 0.088 + 0.0166)) / 500, 10)
  })

  it('treats entry and stop in the entry bar as ambiguous, stop first', () => {
    const r = simulateBracket([day('2024-03-04', 101, 101.5, 94.5, 96)], BUY, free)
    expect(r.fill?.price).toBe(100)
    expect(r.exit).toMatchObject({ index: 0, reason: 'stop', price: 95 })
    expect(r.ambiguous).toBe(true)
  })

  it('exits at the close of t+H when neither child is touched', () => {
    const bars = [day('2024-03-04', 100.5, 101, 99.9, 100.4)]
    for (const d of ['2024-03-05', '2024-03-06', '2024-03-07']) bars.push(day(d, 101, 102, 99, 101.5))
    const r = simulateBracket(bars, BUY, { ...free, horizon: 3 })
    expect(r.exit).toMatchObject({ index: 2, date: '2024-03-06', reason: 'time', price: 101.5 })
    expect(r.rGross).toBeCloseTo(0.3, 10)
  })

  it('leaves the trade open (no exit, no R) when the data ends before t+H', () => {
    const r = simulateBracket([day('2024-03-04', 100.5, 101, 99.9, 100.4)], BUY, free)
    expect(r.fill).not.toBeNull()
    expect(r.exit).toBeNull()
    expect(r.rNet).toBeNull()
  })

  it('mirrors every rule for a SELL bracket', () => {
    const sell = { side: 'SELL' as const, entry: 100, stop: 105, target: 90 }
    const r = simulateBracket([day('2024-03-04', 99, 100.5, 98, 99), day('2024-03-05', 95, 96, 89, 90)], sell, free)
    expect(r.fill?.price).toBe(100) // high 100.5 ≥ limit, open 99 below: fills at max(open, limit) = the limit
    expect(r.exit).toMatchObject({ reason: 'target', price: 90 })
    expect(r.rGross).toBeCloseTo(2, 10)
    const gap = simulateBracket([day('2024-03-04', 101, 102, 100.5, 101)], sell, { ...free, horizon: 1 })
    expect(gap.fill?.price).toBe(101) // opened above the SELL limit
  })

  it('refuses a bracket with its levels on the wrong side', () => {
    expect(() => simulateBracket([], { side: 'BUY', entry: 100, stop: 101, target: 110 }, free)).toThrow(/out of order/)
  })

  it('books costs in R: fixed commission both sides plus SEC and FINRA fees on the sale', () => {
    const r = simulateBracket(
      [day('2024-06-03', 101, 102, 99.5, 101), day('2024-06-04', 103, 111, 102, 110.5)],
      BUY,
      free,
    )
    // 100 shares: $1 minimum commission each side; SEC 27.80/M on $11,000 = 0.3058; FINRA 100 × 0.000166.
    const costs = 1 + 1 + (11_000 * 27.8) / 1e6 + 100 * 0.000166
    expect(r.costs).toBeCloseTo(costs, 10)
    expect(r.rNet).toBeCloseTo((1000 - costs) / 500, 10)
  })
})

describe('costs', () => {
  it('IBKR fixed: $0.005/share, $1 minimum, 1 % cap', () => {
    expect(commission('fixed', 100, 50)).toBe(1)
    expect(commission('fixed', 1000, 50)).toBe(5)
    expect(commission('fixed', 10, 5)).toBeCloseTo(0.5, 10) // 1 % of $50 caps the $1 minimum
  })
  it('IBKR tiered: $0.0035/share, $0.35 minimum, plus clearing', () => {
    expect(commission('tiered', 1000, 50)).toBeCloseTo(3.5 + 0.2, 10)
    expect(commission('tiered', 10, 50)).toBeCloseTo(0.35 + 0.002, 10)
  })
  it('takes the fee rate in force on the date, and charges fees only on sales', () => {
    expect(feeRateOn('2024-05-21').secPerMillion).toBe(8)
    expect(feeRateOn('2024-05-22').secPerMillion).toBe(27.8)
    expect(feeRateOn('2025-06-01').secPerMillion).toBe(0)
    expect(sideCost('fixed', 'BUY', 100, 100, '2024-06-03')).toBe(1)
    expect(sideCost('fixed', 'SELL', 1_000_000, 100, '2024-06-03')).toBeCloseTo(5000 + 2780 + 8.3, 6)
  })
  it('merges the SEC and FINRA tables, each changing on its own dates', () => {
    // FINRA's step of 2024-01-01 applies while the SEC rate of 2023-02-27 still holds.
    expect(feeRateOn('2024-02-01')).toMatchObject({ secPerMillion: 8, finraPerShare: 0.000166, finraMax: 8.3 })
    expect(feeRateOn('2023-01-15')).toMatchObject({ secPerMillion: 22.9, finraPerShare: 0.000145, finraMax: 7.27 })
    expect(feeRateOn('2021-02-24').secPerMillion).toBe(22.1)
    expect(feeRateOn('2021-02-25').secPerMillion).toBe(5.1)
    expect(FEE_TABLE.map((r) => r.from)).toEqual([...FEE_TABLE.map((r) => r.from)].sort())
  })
})
