import { describe, expect, it } from 'vitest'
import { FEE_TABLE, FINRA_TAF, feeRateOn, SEC_RATES, sideCost } from './costs'

// Every case below is computed by hand from the dated tables (EVALUATION.md §2): a sale just before and just
// after a change. IBKR Fixed: max($0.005 × shares, $1), at most 1 % of value.

describe('fee tables', () => {
  it('are sorted, one row per date, and every row says whether it was verified', () => {
    for (const table of [SEC_RATES, FINRA_TAF]) {
      const dates = table.map((r) => r.from)
      expect(dates).toEqual([...new Set(dates)].sort())
      expect(dates[0]).toBe('2000-01-01')
      for (const r of table) expect(r.source).toMatch(/^(verified|NOT VERIFIED): \S/)
    }
    for (const r of SEC_RATES) expect(r.perMillion).toBeGreaterThanOrEqual(0)
    for (const r of FINRA_TAF) expect(r.max === 0).toBe(r.perShare === 0)
    const merged = FEE_TABLE.map((r) => r.from)
    expect(merged).toEqual([...new Set([...SEC_RATES, ...FINRA_TAF].map((r) => r.from))].sort())
  })

  it('cites the FY2026 order for the $20.60 rate of 2026-04-04', () => {
    const row = SEC_RATES.find((r) => r.from === '2026-04-04')
    expect(row).toMatchObject({ perMillion: 20.6 })
    expect(row?.source).toMatch(/^verified: SEC Rel\. 34-104909 .*2026-04233/)
  })
})

describe('SEC Section 31 rate around each change', () => {
  it.each([
    ['2001-12-27', 33.3],
    ['2001-12-28', 15],
    ['2003-03-21', 30.1],
    ['2003-03-22', 25.2],
    ['2003-04-01', 46.8],
    ['2008-03-31', 11],
    ['2008-04-01', 5.6],
    ['2010-01-14', 25.7],
    ['2010-01-15', 12.7],
    ['2013-05-24', 22.4],
    ['2013-05-25', 17.4],
    ['2017-07-03', 21.8],
    ['2017-07-04', 23.1],
    ['2018-05-21', 23.1],
    ['2018-05-22', 13],
    ['2019-04-15', 13],
    ['2019-04-16', 20.7],
    ['2020-02-17', 20.7],
    ['2020-02-18', 22.1],
    ['2022-05-13', 5.1],
    ['2022-05-14', 22.9],
    ['2023-02-26', 22.9],
    ['2023-02-27', 8],
    ['2025-05-13', 27.8],
    ['2025-05-14', 0],
    ['2026-04-03', 0],
    ['2026-04-04', 20.6],
    ['2026-12-04', 20.6],
  ])('%s → $%s per million', (date, rate) => {
    expect(feeRateOn(date).secPerMillion).toBe(rate)
  })
})

describe('FINRA TAF around each change', () => {
  it.each([
    ['2004-10-29', 0, 0],
    ['2004-11-01', 0.000075, 3.75],
    ['2011-06-30', 0.000075, 3.75],
    ['2011-07-01', 0.00009, 4.5],
    ['2012-06-29', 0.000095, 4.75],
    ['2012-07-02', 0.000119, 5.95],
    ['2021-12-31', 0.000119, 5.95],
    ['2022-01-03', 0.00013, 6.49],
    ['2025-12-31', 0.000166, 8.3],
    ['2026-01-02', 0.000195, 9.79],
    ['2026-09-30', 0.000195, 9.79],
    ['2026-10-01', 0, 0],
    ['2026-12-31', 0, 0],
  ])('%s → $%s per share, cap $%s', (date, perShare, max) => {
    expect(feeRateOn(date)).toMatchObject({ finraPerShare: perShare, finraMax: max })
  })
})

describe('sideCost on a sale just before and just after a change', () => {
  it('FY2026: 1,000 shares at $50 pay no SEC fee on Friday 2026-04-03 and $1.03 on Monday 2026-04-06', () => {
    // Commission 1,000 × 0.005 = $5; TAF 1,000 × 0.000195 = $0.195; SEC $50,000 × 20.60 / 1e6 = $1.03.
    expect(sideCost('fixed', 'SELL', 1000, 50, '2026-04-03')).toBeCloseTo(5 + 0 + 0.195, 10)
    expect(sideCost('fixed', 'SELL', 1000, 50, '2026-04-06')).toBeCloseTo(5 + 1.03 + 0.195, 10)
    expect(sideCost('fixed', 'BUY', 1000, 50, '2026-04-06')).toBe(5)
  })

  it('FY2022: 200 shares at $100 pay SEC $0.102 on 2022-05-13 and $0.458 on 2022-05-16', () => {
    // Commission $1 minimum; SEC $20,000 × 5.10 / 1e6 = 0.102, then × 22.90 / 1e6 = 0.458; TAF 200 × 0.00013.
    expect(sideCost('fixed', 'SELL', 200, 100, '2022-05-13')).toBeCloseTo(1 + 0.102 + 0.026, 10)
    expect(sideCost('fixed', 'SELL', 200, 100, '2022-05-16')).toBeCloseTo(1 + 0.458 + 0.026, 10)
  })

  it('TAF 2026 step: 60,000 shares at $1 hit the cap, $8.30 on 2025-12-31 and $9.79 on 2026-01-02', () => {
    // Commission min(60,000 × 0.005 = 300, 1 % of $60,000 = 600) = $300; SEC $0 (rate 0 since 2025-05-14);
    // TAF min(60,000 × 0.000166 = 9.96, 8.30) = 8.30, then min(60,000 × 0.000195 = 11.70, 9.79) = 9.79.
    expect(sideCost('fixed', 'SELL', 60_000, 1, '2025-12-31')).toBeCloseTo(300 + 8.3, 10)
    expect(sideCost('fixed', 'SELL', 60_000, 1, '2026-01-02')).toBeCloseTo(300 + 9.79, 10)
  })

  it('TAF holiday: 100,000 shares at $10 pay the $9.79 cap on 2026-09-30 and no TAF on 2026-10-01', () => {
    // Commission min(500, 10,000) = $500; SEC $1,000,000 × 20.60 / 1e6 = $20.60; TAF capped at $9.79, then $0.
    expect(sideCost('fixed', 'SELL', 100_000, 10, '2026-09-30')).toBeCloseTo(500 + 20.6 + 9.79, 10)
    expect(sideCost('fixed', 'SELL', 100_000, 10, '2026-10-01')).toBeCloseTo(500 + 20.6, 10)
  })

  it('2019: 500 shares at $40 pay SEC $0.26 on 2019-04-15 and $0.414 on 2019-04-16 (Tiered plan)', () => {
    // Tiered: max(500 × 0.0035, 0.35) = 1.75 plus clearing 500 × 0.0002 = 0.10; TAF 500 × 0.000119 = 0.0595;
    // SEC $20,000 × 13.00 / 1e6 = 0.26, then × 20.70 / 1e6 = 0.414.
    expect(sideCost('tiered', 'SELL', 500, 40, '2019-04-15')).toBeCloseTo(1.85 + 0.26 + 0.0595, 10)
    expect(sideCost('tiered', 'SELL', 500, 40, '2019-04-16')).toBeCloseTo(1.85 + 0.414 + 0.0595, 10)
  })

  it('2001: the pre-2002 rate of $33.30 gives way to $15 on 2001-12-28; no TAF before 2004-11-01', () => {
    // 1,000 shares at $20: commission $5; SEC $20,000 × 33.30 / 1e6 = 0.666, then × 15 / 1e6 = 0.30.
    expect(sideCost('fixed', 'SELL', 1000, 20, '2001-12-27')).toBeCloseTo(5 + 0.666, 10)
    expect(sideCost('fixed', 'SELL', 1000, 20, '2001-12-28')).toBeCloseTo(5 + 0.3, 10)
  })
})
