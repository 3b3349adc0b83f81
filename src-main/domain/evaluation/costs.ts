// Trading costs (EVALUATION.md §2): IBKR Fixed or Tiered commissions, plus the SEC fee and FINRA's
// trading activity fee on sales, from a dated table (a rate applies from its date until the next one).

export type CommissionPlan = 'fixed' | 'tiered'

export interface FeeRate {
  from: string
  /** SEC Section 31 fee, USD per USD 1,000,000 of sale proceeds. */
  secPerMillion: number
  /** FINRA TAF per share sold, and its cap per trade. */
  finraPerShare: number
  finraMax: number
}

/**
 * SEC Section 31 fee on sales, USD per USD 1,000,000, from its effective date. Checked 2026-12-05
 * against what could be reached offline; "verified" names the source seen, "NOT VERIFIED" says so.
 */
export const SEC_RATES: readonly { from: string; perMillion: number; source: string }[] = [
  // Before 2021 the rate changed about twice a year ($17.40 → $22.10 on 2014-03-18, FINRA Information
  // Notice 3/3/14; $21.80 in 2016, Information Notice 3/15/16); not tracked row by row here.
  { from: '2000-01-01', perMillion: 22.1, source: 'approximate before 2021-02-25: $22.10 until then (see next row)' },
  // Verified: SEC Fee Rate Advisory #2 FY2021 (Jan 15, 2021), as summarised by Novaworks: $5.10 from
  // 2021-02-25, $22.10 through 2021-02-24.
  { from: '2021-02-25', perMillion: 5.1, source: 'SEC Fee Rate Advisory #2, FY2021' },
  // NOT VERIFIED: FY2022 mid-year rate $22.90; the rate and its date (2022-05-23) are from memory.
  { from: '2022-05-23', perMillion: 22.9, source: 'NOT VERIFIED (FY2022 mid-year adjustment)' },
  // Rate verified ($8.00, broker help pages citing the SEC); the order is Release 34-96724 (Jan 23,
  // 2023, 88 FR 5051); the effective date 2023-02-27 is NOT VERIFIED in the text seen.
  { from: '2023-02-27', perMillion: 8, source: 'SEC Release 34-96724 (FY2023); date not verified' },
  // Rate verified ($27.80, STA: "the current ... rate of $27.80 per million" in April 2025); the order
  // is Release 34-99973 (Apr 17, 2024, 89 FR 29402); the date 2024-05-22 is NOT VERIFIED in the text seen.
  { from: '2024-05-22', perMillion: 27.8, source: 'SEC Release 34-99973 (FY2024); date not verified' },
  // Verified: the SEC's April 8, 2025 announcement (via STA): $0.00 from 2025-05-14, FY2025 collected.
  { from: '2025-05-14', perMillion: 0, source: 'SEC announcement of 2025-04-08 (FY2025 mid-year)' },
  // NOT VERIFIED: the FY2026 order (Release 34-104909, Feb 27, 2026, 91 FR 10643) sets a new rate
  // whose figure and effective date could not be read here; $0.00 is kept until it is entered.
]

/** FINRA Trading Activity Fee per share sold (covered equity), and its cap per trade, from its date. */
export const FINRA_TAF: readonly { from: string; perShare: number; max: number; source: string }[] = [
  // Verified as the rate of the late 2010s (broker fee pages: $0.000119/share, max $5.95).
  { from: '2000-01-01', perShare: 0.000119, max: 5.95, source: 'approximate before 2022 (earlier rates lower)' },
  // NOT VERIFIED: FINRA's 2022 step ($0.000130, max $6.49), rate and date from memory.
  { from: '2022-01-01', perShare: 0.00013, max: 6.49, source: 'NOT VERIFIED (FINRA fee schedule 2022)' },
  // Rate verified ($0.000145, max $7.27: M1 help page quoting FINRA); date 2023-01-01 NOT VERIFIED.
  { from: '2023-01-01', perShare: 0.000145, max: 7.27, source: 'FINRA By-Laws Sch. A §1; date not verified' },
  // Rate verified ($0.000166, max $8.30: brokerage-review.com quoting FINRA); date 2024-01-01 NOT VERIFIED.
  // Any 2025/2026 change is NOT VERIFIED: none could be found here.
  { from: '2024-01-01', perShare: 0.000166, max: 8.3, source: 'FINRA By-Laws Sch. A §1; date not verified' },
]

/** Both tables merged at every date either changes (what the simulator reads). */
export const FEE_TABLE: readonly FeeRate[] = [...new Set([...SEC_RATES, ...FINRA_TAF].map((r) => r.from))]
  .sort()
  .map((from) => {
    const sec = [...SEC_RATES].reverse().find((r) => r.from <= from)!
    const taf = [...FINRA_TAF].reverse().find((r) => r.from <= from)!
    return { from, secPerMillion: sec.perMillion, finraPerShare: taf.perShare, finraMax: taf.max }
  })

export function feeRateOn(date: string, table: readonly FeeRate[] = FEE_TABLE): FeeRate {
  let rate = table[0]!
  for (const r of table) if (r.from <= date) rate = r
  return rate
}

/** IBKR commission for one order of `qty` shares at `price`. */
export function commission(plan: CommissionPlan, qty: number, price: number): number {
  const value = qty * price
  if (qty <= 0) return 0
  if (plan === 'fixed') return Math.min(Math.max(0.005 * qty, 1), 0.01 * value)
  // Tiered, first volume band: USD 0.0035/share, min 0.35, max 1 %, plus clearing USD 0.0002/share.
  return Math.min(Math.max(0.0035 * qty, 0.35), 0.01 * value) + 0.0002 * qty
}

/** Fees on one side: commission, plus SEC and FINRA fees when it is a sale. */
export function sideCost(
  plan: CommissionPlan,
  side: 'BUY' | 'SELL',
  qty: number,
  price: number,
  date: string,
  table: readonly FeeRate[] = FEE_TABLE,
): number {
  let cost = commission(plan, qty, price)
  if (side === 'SELL') {
    const r = feeRateOn(date, table)
    cost += (qty * price * r.secPerMillion) / 1e6 + Math.min(qty * r.finraPerShare, r.finraMax)
  }
  return cost
}
