import { describe, expect, it } from 'vitest'
import { AuthStatus, ContractInfo, HistoryResponse, SearchResults, toNumber } from './parse'
import { WhatIfResponse } from './parse-trading'

describe('lenient gateway numbers (IBKR.md §5)', () => {
  it.each([
    ['168.42', 168.42],
    ['1,300', 1300],
    ['1,234,567.5', 1234567.5],
    ['1.2K', 1200],
    ['3.45M', 3450000],
    ['C168.42', 168.42],
    ['H99.10', 99.1],
    ['-0.57', -0.57],
    [0.04, 0.04],
    [12, 12],
  ])('%j → %d', (raw, expected) => expect(toNumber(raw)).toBeCloseTo(expected, 9))

  it.each([[''], ['n/a'], [null], [undefined], [Number.NaN], [Number.POSITIVE_INFINITY], ['12abc'], [{}]])(
    '%j → null, never a guess',
    (raw) => expect(toNumber(raw)).toBeNull(),
  )
})

describe('endpoint schemas keep unknown keys and coerce what we use', () => {
  it('search: conid as a string becomes a number', () => {
    const [r] = SearchResults.parse([
      {
        conid: '265598',
        symbol: 'AAPL',
        companyName: 'APPLE INC',
        description: 'NASDAQ',
        restricted: null,
        sections: [{ secType: 'STK' }],
        extra: 1,
      },
    ])
    expect(r).toMatchObject({ conid: 265598, symbol: 'AAPL', extra: 1 })
  })

  it('contract info is snake_case', () => {
    expect(
      ContractInfo.parse({
        con_id: 8314,
        symbol: 'IBM',
        instrument_type: 'STK',
        currency: 'USD',
        company_name: 'INTL BUSINESS MACHINES CORP',
        r_t_h: true,
      }).con_id,
    ).toBe(8314)
  })

  it('history bars may carry strings', () => {
    const r = HistoryResponse.parse({ data: [{ t: 1, o: '1,000.5', h: 1001, l: '999', c: 1000, v: '1.5K' }] })
    expect(r.data[0]).toMatchObject({ o: 1000.5, l: 999, v: 1500 })
    expect(() => HistoryResponse.parse({ data: [{ t: 1, o: 'bad', h: 1, l: 1, c: 1 }] })).toThrow(/expected a number/)
  })

  it('auth status tolerates missing fields', () => {
    expect(AuthStatus.parse({ authenticated: true, serverInfo: { serverName: 'x' } })).toMatchObject({
      authenticated: true,
    })
  })

  it('what-if amounts carry a currency code and thousands separators', () => {
    const w = WhatIfResponse.parse({
      amount: { amount: '1,992.80 USD', commission: '1.00 USD', total: '1,993.80 USD' },
      initial: { current: '0', change: '398.56 USD', after: '398.56' },
      warn: null,
      error: null,
    })
    expect(w.amount).toMatchObject({ amount: 1992.8, commission: 1, total: 1993.8 })
    expect(w.initial).toMatchObject({ change: 398.56 })
    expect(WhatIfResponse.parse({ amount: { amount: 12.5, commission: 'n/a USD' } }).amount).toMatchObject({
      amount: 12.5,
      commission: null,
    })
  })
})
