import { describe, expect, it } from 'vitest'
import type { Bar } from '../../src-main/contract/models'
import type { FillView } from '../../src-main/contract/portfolio-api'
import { chartFills, fillBarTime } from './fill-markers'

// Fill markers sit on the bar where the fill happened: each execution at its own execution time.

const MIN = 60_000
const T0 = Date.UTC(2026, 10, 23, 14, 30)
const bars: Bar[] = Array.from({ length: 6 }, (_, i) => ({ t: T0 + i * 5 * MIN, o: 1, h: 1, l: 1, c: 1, v: 1 }))
const fill = (execId: string, at: number, side: 'BUY' | 'SELL', qty: number, price: number): FillView => ({
  execId,
  orderId: 'o-1',
  conid: 265598,
  side,
  qty,
  price,
  at,
})

describe('fill markers', () => {
  it('one fill per execution at its execution time, oldest first (partial fills on their own bars)', () => {
    // Newest first, as portfolio.fills answers; an order filled in two parts 12 minutes apart, then a sell.
    const fills = chartFills([
      fill('e3', T0 + 27 * MIN, 'SELL', 10, 201.5),
      fill('e2', T0 + 13 * MIN, 'BUY', 4, 200.1),
      fill('e1', T0 + 1 * MIN, 'BUY', 6, 200),
    ])
    expect(fills).toEqual([
      { at: T0 + 1 * MIN, side: 'BUY', qty: 6, price: 200 },
      { at: T0 + 13 * MIN, side: 'BUY', qty: 4, price: 200.1 },
      { at: T0 + 27 * MIN, side: 'SELL', qty: 10, price: 201.5 },
    ])
    expect(fills.map((f) => fillBarTime(f.at, bars))).toEqual([T0, T0 + 10 * MIN, T0 + 25 * MIN])
  })

  it('a fill on a bar boundary opens that bar; after the last bar it is on the last; before the first, none', () => {
    expect(fillBarTime(T0 + 5 * MIN, bars)).toBe(T0 + 5 * MIN)
    expect(fillBarTime(T0 + 5 * MIN - 1, bars)).toBe(T0)
    expect(fillBarTime(T0 + 90 * MIN, bars)).toBe(T0 + 25 * MIN)
    expect(fillBarTime(T0 - 1, bars)).toBeNull()
    expect(fillBarTime(T0, [])).toBeNull()
  })
})
