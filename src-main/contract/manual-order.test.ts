import { describe, expect, it } from 'vitest'
import { bracketProblems, ManualOrder } from './trading-api'

// The manual order's stop loss and take profit (F13 brackets): allowed only on a limit order, on the
// losing side of the limit (stop) and the winning side (target), positive; one clear message per field.

const buy = { conid: 265598, side: 'BUY', qty: 10, orderType: 'LMT', price: 100 } as const
const sell = { ...buy, side: 'SELL' } as const

/** The messages of a rejected input, by field. */
function issues(input: unknown): Record<string, string> {
  const r = ManualOrder.safeParse(input)
  expect(r.success).toBe(false)
  return Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]))
}

describe('ManualOrder stop loss and take profit', () => {
  it('a single order without them parses exactly as before', () => {
    const r = ManualOrder.parse(buy)
    expect(r).toEqual({ ...buy, tif: 'DAY', outsideRth: false })
    expect('stopLoss' in r || 'takeProfit' in r).toBe(false)
    expect(ManualOrder.parse({ ...buy, orderType: 'STP' }).orderType).toBe('STP')
    expect(ManualOrder.parse({ ...buy, stopLoss: null, takeProfit: null })).toMatchObject({
      stopLoss: null,
      takeProfit: null,
    })
  })

  it('accepts a BUY with the stop below and the target above the limit, each on its own or both', () => {
    expect(ManualOrder.parse({ ...buy, stopLoss: 95, takeProfit: 110 })).toMatchObject({
      stopLoss: 95,
      takeProfit: 110,
    })
    expect(ManualOrder.safeParse({ ...buy, stopLoss: 99.99 }).success).toBe(true)
    expect(ManualOrder.safeParse({ ...buy, takeProfit: 100.01, stopLoss: null }).success).toBe(true)
  })

  it('accepts a SELL with the stop above and the target below the limit', () => {
    expect(ManualOrder.safeParse({ ...sell, stopLoss: 105, takeProfit: 90 }).success).toBe(true)
  })

  it('rejects a BUY stop at or above the limit and a BUY target at or below it, saying what to fix', () => {
    expect(issues({ ...buy, stopLoss: 101 })).toEqual({
      stopLoss: 'For a BUY the stop loss must be below the limit price 100 (it is 101)',
    })
    expect(issues({ ...buy, stopLoss: 100 })).toEqual({
      stopLoss: 'For a BUY the stop loss must be below the limit price 100 (it is 100)',
    })
    expect(issues({ ...buy, stopLoss: 95, takeProfit: 99 })).toEqual({
      takeProfit: 'For a BUY the take profit must be above the limit price 100 (it is 99)',
    })
    expect(Object.keys(issues({ ...buy, stopLoss: 120, takeProfit: 80 }))).toEqual(['stopLoss', 'takeProfit'])
  })

  it('rejects a SELL stop below the limit and a SELL target above it', () => {
    expect(issues({ ...sell, stopLoss: 95, takeProfit: 110 })).toEqual({
      stopLoss: 'For a SELL the stop loss must be above the limit price 100 (it is 95)',
      takeProfit: 'For a SELL the take profit must be below the limit price 100 (it is 110)',
    })
  })

  it('allows them only on a limit order', () => {
    expect(issues({ ...buy, orderType: 'STP', stopLoss: 95 })).toEqual({
      stopLoss: 'A stop loss or take profit can only be attached to a limit (LMT) order',
    })
    expect(issues({ ...buy, orderType: 'STP', takeProfit: 110 })).toEqual({
      takeProfit: 'A stop loss or take profit can only be attached to a limit (LMT) order',
    })
  })

  it('needs positive, finite prices and still refuses unknown keys', () => {
    expect(issues({ ...buy, stopLoss: 0 })).toEqual({ stopLoss: 'The stop loss must be above zero' })
    expect(issues({ ...buy, takeProfit: -5 })).toEqual({ takeProfit: 'The take profit must be above zero' })
    expect(ManualOrder.safeParse({ ...buy, stopLoss: Number.POSITIVE_INFINITY }).success).toBe(false)
    expect(ManualOrder.safeParse({ ...buy, stopLoss: '95' }).success).toBe(false)
    expect(ManualOrder.safeParse({ ...buy, trailing: 1 }).success).toBe(false)
  })

  it('bracketProblems (the ticket’s inline check) reports only the above-zero rule without a limit price', () => {
    expect(bracketProblems({ side: 'BUY', orderType: 'LMT', price: Number.NaN, stopLoss: 120, takeProfit: 0 })).toEqual(
      [{ field: 'takeProfit', message: 'The take profit must be above zero' }],
    )
    expect(bracketProblems({ side: 'BUY', orderType: 'LMT', price: 100 })).toEqual([])
  })
})
