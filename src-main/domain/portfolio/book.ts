import { add, mulDiv, mulQty, type Micros } from './money'

// The fills ledger folded into positions and round-trip trades (F16; RELIABILITY.md §1.1). One
// position per (account, strategyId, conid); positions = Σ signed fills; a duplicate execution id
// changes nothing. Average cost is direction-aware: the cost basis holds what the open lots cost
// (long) or brought in (short); a reduction takes its share of the basis out and books the
// difference as realized P&L; a fill through zero is a close of the whole position and an open of
// the rest at the fill price. Commissions are fees, kept apart from realized P&L (gross).

export type Side = 'BUY' | 'SELL'

/** One execution, already attributed and converted to integer units. */
export interface Fill {
  execId: string
  account: string
  /** '' when no order of ours placed it (manual or external). */
  strategyId: string
  conid: number
  side: Side
  /** Positive integer. */
  qty: number
  price: Micros
  commission: Micros
  at: number
  runId: string | null
  signalId: string | null
}

/** A round trip: from flat to flat in one direction. */
export interface Trade {
  /** `t:<first execution id>`: stable across recomputes. */
  id: string
  account: string
  strategyId: string
  conid: number
  runId: string | null
  signalId: string | null
  direction: 'long' | 'short'
  /** Shares opened over the trade (adds included). */
  qty: number
  /** Σ qty × price of the opening parts. */
  entryCost: Micros
  closedQty: number
  /** Σ qty × price of the closing parts. */
  exitValue: Micros
  /** Gross realized P&L (fees apart). */
  realized: Micros
  fees: Micros
  openedAt: number
  closedAt: number | null
}

/** One fill, or the part of a flip fill, in a trade: together, the legs partition the fills. */
export interface TradeLeg {
  tradeId: string
  execId: string
  qty: number
  role: 'open' | 'close'
}

export interface PositionState {
  account: string
  strategyId: string
  conid: number
  /** Signed shares: Σ signed fills. */
  qty: number
  /** What the open shares cost (long) or brought in (short); ≥ 0, 0 when flat. */
  basis: Micros
  realized: Micros
  fees: Micros
  /** Realized and fees from fills at or after `since` (the trading day's start). */
  realizedSince: Micros
  feesSince: Micros
  updatedAt: number
  open: Trade | null
}

export const positionKey = (account: string, strategyId: string, conid: number) =>
  `${account}\u0000${strategyId}\u0000${conid}`

/** Average cost per share in micros (not rounded to an integer), null when flat. */
export const avgCost = (p: Pick<PositionState, 'qty' | 'basis'>): number | null =>
  p.qty === 0 ? null : p.basis / Math.abs(p.qty)

/** The basis with the position's sign: + for long, − for short. */
export const signedBasis = (p: Pick<PositionState, 'qty' | 'basis'>): Micros => (p.qty < 0 ? -p.basis : p.basis)

/** Entry and exit volume-weighted prices of a trade, in micros (rounded). */
export function tradePrices(t: Trade): { entry: Micros; exit: Micros | null } {
  return { entry: mulDiv(t.entryCost, 1, t.qty), exit: t.closedQty > 0 ? mulDiv(t.exitValue, 1, t.closedQty) : null }
}

export interface BookOptions {
  /** Start of the current trading day: realized P&L and fees from then on are also summed apart. */
  since?: number
  /**
   * Told of every leg as it is booked (audits and the partition property); nothing else needs them, so none are kept.
   */
  onLeg?: (leg: TradeLeg) => void
}

/** Positions and trades from fills applied in order (time, then execution id). */
export class Book {
  readonly positions = new Map<string, PositionState>()
  /** Every trade, open or closed, in opening order. */
  readonly trades: Trade[] = []
  private readonly seen = new Set<string>()
  private readonly since: number
  private readonly onLeg: BookOptions['onLeg']

  constructor(opts: BookOptions = {}) {
    this.since = opts.since ?? Number.POSITIVE_INFINITY
    this.onLeg = opts.onLeg
  }

  has(execId: string): boolean {
    return this.seen.has(execId)
  }

  /** Apply one fill; a known execution id is ignored (returns null). Returns the trade it closed, if any. */
  apply(f: Fill): { closed: Trade | null } | null {
    if (this.seen.has(f.execId)) return null
    if (!Number.isSafeInteger(f.qty) || f.qty <= 0)
      throw new RangeError(`Execution ${f.execId}: quantity must be a positive integer, got ${f.qty}`)
    this.seen.add(f.execId)
    const key = positionKey(f.account, f.strategyId, f.conid)
    let p = this.positions.get(key)
    if (!p) {
      p = {
        account: f.account,
        strategyId: f.strategyId,
        conid: f.conid,
        qty: 0,
        basis: 0,
        realized: 0,
        fees: 0,
        realizedSince: 0,
        feesSince: 0,
        updatedAt: f.at,
        open: null,
      }
      this.positions.set(key, p)
    }
    const today = f.at >= this.since
    const signed = f.side === 'BUY' ? f.qty : -f.qty
    p.updatedAt = Math.max(p.updatedAt, f.at)
    p.fees = add(p.fees, f.commission)
    if (today) p.feesSince = add(p.feesSince, f.commission)

    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      this.open(p, f, f.qty, f.commission)
      p.qty += signed
      return { closed: null }
    }
    // Reduction, possibly through zero.
    const held = Math.abs(p.qty)
    const closing = Math.min(held, f.qty)
    const rest = f.qty - closing
    const closeFee = rest === 0 ? f.commission : mulDiv(f.commission, closing, f.qty)
    const removed = mulDiv(p.basis, closing, held)
    const value = mulQty(closing, f.price)
    const realized = p.qty > 0 ? value - removed : removed - value
    p.basis -= removed
    p.realized = add(p.realized, realized)
    if (today) p.realizedSince = add(p.realizedSince, realized)
    p.qty += p.qty > 0 ? -closing : closing
    const t = p.open!
    t.closedQty += closing
    t.exitValue = add(t.exitValue, value)
    t.realized = add(t.realized, realized)
    t.fees = add(t.fees, closeFee)
    this.onLeg?.({ tradeId: t.id, execId: f.execId, qty: closing, role: 'close' })
    let closed: Trade | null = null
    if (p.qty === 0) {
      t.closedAt = f.at
      closed = t
      p.open = null
      p.basis = 0
    }
    if (rest > 0) {
      this.open(p, f, rest, f.commission - closeFee)
      p.qty = signed > 0 ? rest : -rest
    }
    return { closed }
  }

  private open(p: PositionState, f: Fill, qty: number, fee: Micros): void {
    const cost = mulQty(qty, f.price)
    p.basis = add(p.basis, cost)
    if (!p.open) {
      p.open = {
        id: `t:${f.execId}`,
        account: f.account,
        strategyId: f.strategyId,
        conid: f.conid,
        runId: f.runId,
        signalId: f.signalId,
        direction: f.side === 'BUY' ? 'long' : 'short',
        qty: 0,
        entryCost: 0,
        closedQty: 0,
        exitValue: 0,
        realized: 0,
        fees: 0,
        openedAt: f.at,
        closedAt: null,
      }
      this.trades.push(p.open)
    }
    const t = p.open
    t.qty += qty
    t.entryCost = add(t.entryCost, cost)
    t.fees = add(t.fees, fee)
    this.onLeg?.({ tradeId: t.id, execId: f.execId, qty, role: 'open' })
  }
}

/** Sort fills into the order the book applies them: time, then execution id. */
export function byTime(a: Fill, b: Fill): number {
  return a.at - b.at || (a.execId < b.execId ? -1 : a.execId > b.execId ? 1 : 0)
}

/** Fold fills (any order, duplicates allowed) into a book. */
export function foldFills(fills: readonly Fill[], opts: BookOptions = {}): Book {
  const book = new Book(opts)
  let sorted = true
  for (let i = 1; i < fills.length && sorted; i++) sorted = byTime(fills[i - 1]!, fills[i]!) <= 0
  for (const f of sorted ? fills : [...fills].sort(byTime)) book.apply(f)
  return book
}
