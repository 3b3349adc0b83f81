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

/** Regulatory fees on sales, by effective date (edit here when the SEC or FINRA sets a new rate). */
export const FEE_TABLE: readonly FeeRate[] = [
  { from: '2000-01-01', secPerMillion: 22.9, finraPerShare: 0.000119, finraMax: 5.95 },
  { from: '2023-02-27', secPerMillion: 8.0, finraPerShare: 0.000145, finraMax: 7.27 },
  { from: '2024-05-22', secPerMillion: 27.8, finraPerShare: 0.000166, finraMax: 8.3 },
  { from: '2025-05-14', secPerMillion: 0, finraPerShare: 0.000166, finraMax: 8.3 },
]

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
