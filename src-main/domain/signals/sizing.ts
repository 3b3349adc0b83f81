// Position size in code (LLM.md §7, RELIABILITY.md §1.2): risk a fixed share of equity between entry
// and stop, then apply every cap. Fewer than one share is no order; never a forced minimum.

export interface SizingInput {
  equity: number
  /** Share of equity at risk per trade, e.g. 0.01. */
  riskPct: number
  entry: number
  stop: number
  availableFunds: number
  maxPositionShares: number
  /** Largest position as a share of equity, e.g. 0.10. */
  maxPositionPct: number
}

export interface SizingResult {
  qty: number
  riskPerShare: number
  riskAmount: number
  notional: number
  /** Which limit decided the size: `risk` or the cap that cut it. */
  limitedBy: 'risk' | 'funds' | 'max_shares' | 'max_position_pct'
  reason: string | null
}

export function computeSize(i: SizingInput): SizingResult {
  const riskPerShare = Math.abs(i.entry - i.stop)
  if (!(riskPerShare > 0) || !(i.entry > 0) || !(i.equity > 0) || !(i.riskPct > 0)) {
    return {
      qty: 0,
      riskPerShare,
      riskAmount: 0,
      notional: 0,
      limitedBy: 'risk',
      reason: 'entry, stop, equity and risk % must be positive and the stop must differ from the entry',
    }
  }
  const candidates: [SizingResult['limitedBy'], number][] = [
    ['risk', Math.floor((i.equity * i.riskPct) / riskPerShare)],
    ['funds', Math.floor(Math.max(0, i.availableFunds) / i.entry)],
    ['max_shares', Math.floor(i.maxPositionShares)],
    ['max_position_pct', Math.floor((i.equity * i.maxPositionPct) / i.entry)],
  ]
  let [limitedBy, qty] = candidates[0]!
  for (const [name, n] of candidates.slice(1)) if (n < qty) [limitedBy, qty] = [name, n]
  qty = Math.max(0, qty)
  return {
    qty,
    riskPerShare,
    riskAmount: qty * riskPerShare,
    notional: qty * i.entry,
    limitedBy,
    reason: qty < 1 ? `below one share (limited by ${limitedBy})` : null,
  }
}
