import { signedBasis, type PositionState, type Trade } from './book'
import { add, mulQty, type Micros } from './money'

// What the portfolio page, the signal outcomes and the risk gate read off the book: unrealized P&L
// from a mark, R achieved, statistics over closed trades, concentration, and the daily loss.

/** Unrealized P&L of a position at a mark price: qty × mark − signed basis. */
export function unrealized(p: Pick<PositionState, 'qty' | 'basis'>, mark: Micros): Micros {
  return mulQty(p.qty, mark) - signedBasis(p)
}

/** Initial risk of a trade: |entry − stop| × qty, from the originating signal; null when unknown or zero. */
export function initialRisk(entry: Micros | null, stop: Micros | null, qty: number): Micros | null {
  if (entry === null || stop === null || entry === stop || qty <= 0) return null
  return mulQty(qty, Math.abs(entry - stop))
}

/** R achieved: realized / initial risk; null when the risk is unknown. */
export function rMultiple(realized: Micros, risk: Micros | null): number | null {
  return risk === null || risk <= 0 ? null : realized / risk
}

export interface ClosedTradeFigures {
  realized: Micros
  fees: Micros
  r: number | null
}

export interface TradeStats {
  count: number
  wins: number
  losses: number
  /** wins / count; null with no closed trades. */
  winRate: number | null
  /** Σ winning realized / |Σ losing realized|; null when there is no loss to divide by. */
  profitFactor: number | null
  /** Mean R over the trades whose initial risk is known; null when none. */
  averageR: number | null
  /** Trades that had a known initial risk (the base of averageR). */
  withR: number
  largestWin: Micros
  largestLoss: Micros
  realized: Micros
  fees: Micros
}

/** Statistics over closed trades; a win is a trade with realized P&L > 0 (gross, fees apart). */
export function tradeStats(trades: readonly ClosedTradeFigures[]): TradeStats {
  let wins = 0
  let losses = 0
  let won: Micros = 0
  let lost: Micros = 0
  let largestWin: Micros = 0
  let largestLoss: Micros = 0
  let realized: Micros = 0
  let fees: Micros = 0
  let rSum = 0
  let withR = 0
  for (const t of trades) {
    realized = add(realized, t.realized)
    fees = add(fees, t.fees)
    if (t.realized > 0) {
      wins++
      won = add(won, t.realized)
      largestWin = Math.max(largestWin, t.realized)
    } else if (t.realized < 0) {
      losses++
      lost = add(lost, t.realized)
      largestLoss = Math.min(largestLoss, t.realized)
    }
    if (t.r !== null) {
      rSum += t.r
      withR++
    }
  }
  const count = trades.length
  return {
    count,
    wins,
    losses,
    winRate: count === 0 ? null : wins / count,
    profitFactor: lost === 0 ? null : won / -lost,
    averageR: withR === 0 ? null : rSum / withR,
    withR,
    largestWin,
    largestLoss,
    realized,
    fees,
  }
}

export const closedFigures = (t: Trade, r: number | null): ClosedTradeFigures => ({
  realized: t.realized,
  fees: t.fees,
  r,
})

export interface Exposure {
  /** Signed market value. */
  marketValue: Micros
}

export interface Concentration {
  grossExposure: Micros
  /**
   * Per input row, in input order: |market value| / gross exposure, and / net liquidation (null when unknown or ≤ 0).
   */
  shares: { ofGross: number | null; ofNetLiquidation: number | null }[]
}

/** Each position's share of gross exposure and of net liquidation. */
export function concentration(rows: readonly Exposure[], netLiquidation: Micros | null): Concentration {
  let gross: Micros = 0
  for (const r of rows) gross = add(gross, Math.abs(r.marketValue))
  return {
    grossExposure: gross,
    shares: rows.map((r) => ({
      ofGross: gross === 0 ? null : Math.abs(r.marketValue) / gross,
      ofNetLiquidation:
        netLiquidation === null || netLiquidation <= 0 ? null : Math.abs(r.marketValue) / netLiquidation,
    })),
  }
}

export interface DailyLossInput {
  /** Realized P&L (gross) of fills since the trading day's start. */
  realizedToday: Micros
  /** Commissions of fills since the trading day's start. */
  feesToday: Micros
  /** Unrealized P&L now, marked to market. */
  unrealizedNow: Micros
  /** Unrealized P&L at the day's start (from the start-of-day snapshot; 0 when flat overnight). */
  unrealizedAtStartOfDay: Micros
  /** Net liquidation at the day's start (broker snapshot); null when unknown. */
  startOfDayNav: Micros | null
  /** The limit as a fraction of start-of-day NAV, e.g. 0.02. */
  limitFraction: number
}

export interface DailyLoss {
  /** Today's P&L: realized + (unrealized now − unrealized at the start) − fees. */
  pnl: Micros
  /** max(0, −pnl). */
  loss: Micros
  /** loss / start-of-day NAV; null when the NAV is unknown or ≤ 0. */
  lossFraction: number | null
  /** The limit is reached (loss ≥ limit × NAV); false while the NAV is unknown. */
  breached: boolean
}

/** RELIABILITY.md §1 rule 8: daily loss = realized + marked-to-market unrealized − fees, against start-of-day NAV. */
export function dailyLoss(i: DailyLossInput): DailyLoss {
  const pnl = add(add(i.realizedToday, i.unrealizedNow - i.unrealizedAtStartOfDay), -i.feesToday)
  const loss = Math.max(0, -pnl)
  const nav = i.startOfDayNav
  const lossFraction = nav === null || nav <= 0 ? null : loss / nav
  return { pnl, loss, lossFraction, breached: lossFraction !== null && loss > 0 && lossFraction >= i.limitFraction }
}
