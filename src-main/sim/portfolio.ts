import type { SimClock } from './clock'
import type { PriceEngine } from './prices'
import { round2, roundPx } from './prices'

const round6 = (x: number) => Math.round(x * 1e6) / 1e6
import type { SimInstrument } from './reference'
import { hash32 } from './rng'

// The simulated account's books (IBKR.md §7.7 "Executions", §3.8): executions, positions with
// average cost and realized PnL, cash, and the ledger / summary / PnL views built from them.

export interface Execution {
  executionId: string
  orderId: number
  orderRef: string | null
  conid: number
  side: 'BUY' | 'SELL'
  size: number
  price: number
  commission: number
  at: number
}

interface Position {
  qty: number
  avgCost: number
  realized: number
}

export interface CommissionOptions {
  perShare: number
  min: number
}

const pad = (n: number) => String(n).padStart(2, '0')

function tradeTime(t: number): string {
  const d = new Date(t)
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
  return `${date}-${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

export class Portfolio {
  cash: number
  readonly executions: Execution[] = []
  private readonly positions = new Map<number, Position>()
  private readonly startCash: number
  private execCounter = 0

  constructor(
    private readonly clock: SimClock,
    private readonly engine: PriceEngine,
    private readonly seed: number,
    private readonly accountId: string,
    cash: number,
    private readonly commission: CommissionOptions,
  ) {
    this.cash = cash
    this.startCash = cash
  }

  commissionFor(size: number): number {
    return round2(Math.max(this.commission.min, size * this.commission.perShare))
  }

  /** Book one fill: trade row, position (average cost, realized PnL on reductions, flips), cash. */
  fill(
    orderId: number,
    orderRef: string | null,
    conid: number,
    side: 'BUY' | 'SELL',
    size: number,
    price: number,
  ): Execution {
    const commission = this.commissionFor(size)
    const n = this.execCounter++
    const executionId = `${hash32(this.seed, `exec:${n}`).toString(16).padStart(8, '0')}.${pad(n % 100)}.01.01`
    const exec: Execution = {
      executionId,
      orderId,
      orderRef,
      conid,
      side,
      size,
      price,
      commission,
      at: this.clock.now(),
    }
    this.executions.push(exec)
    const signed = side === 'BUY' ? size : -size
    const p = this.positions.get(conid) ?? { qty: 0, avgCost: 0, realized: 0 }
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      p.avgCost = (p.avgCost * Math.abs(p.qty) + price * size) / (Math.abs(p.qty) + size)
      p.qty += signed
    } else {
      const closing = Math.min(Math.abs(p.qty), size)
      p.realized += closing * (price - p.avgCost) * Math.sign(p.qty)
      const rest = size - closing
      p.qty += signed
      if (p.qty === 0) p.avgCost = 0
      else if (rest > 0) p.avgCost = price // flipped: the remainder opens at the fill price
    }
    p.realized -= commission
    this.positions.set(conid, p)
    this.cash -= signed * price + commission
    return exec
  }

  positionQty(conid: number): number {
    return this.positions.get(conid)?.qty ?? 0
  }

  private mark(conid: number): number {
    return roundPx(this.engine.price(conid, this.clock.now()))
  }

  private totals() {
    let marketValue = 0
    let unrealized = 0
    let realized = 0
    for (const [conid, p] of this.positions) {
      const m = this.mark(conid)
      marketValue += p.qty * m
      unrealized += p.qty * (m - p.avgCost)
      realized += p.realized
    }
    return {
      marketValue: round2(marketValue),
      unrealized: round2(unrealized),
      realized: round2(realized),
      netLiq: round2(this.cash + marketValue),
    }
  }

  tradeRows(instruments: ReadonlyMap<number, SimInstrument>, sinceMs: number): Record<string, unknown>[] {
    return this.executions
      .filter((e) => e.at >= sinceMs)
      .map((e) => tradeRow(e, instruments.get(e.conid)!, this.accountId))
  }

  positionRows(instruments: ReadonlyMap<number, SimInstrument>): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = []
    for (const [conid, p] of [...this.positions].sort((a, b) => a[0] - b[0])) {
      if (p.qty === 0) continue
      const i = instruments.get(conid)!
      const m = this.mark(conid)
      rows.push({
        acctId: this.accountId,
        conid,
        contractDesc: i.symbol,
        position: p.qty,
        mktPrice: m,
        mktValue: round2(p.qty * m),
        currency: i.currency,
        avgCost: round6(p.avgCost),
        avgPrice: round6(p.avgCost),
        realizedPnl: round2(p.realized),
        unrealizedPnl: round2(p.qty * (m - p.avgCost)),
        assetClass: i.secType,
        ticker: i.symbol,
        listingExchange: i.exchange,
        multiplier: 0,
        expiry: null,
        putOrCall: null,
        strike: '0',
        undConid: 0,
        isUS: true,
        name: i.name,
        pageSize: 100,
      })
    }
    return rows
  }

  ledger(sessionId: string): Record<string, unknown> {
    const t = this.totals()
    const row = (currency: string, key: string) => ({
      acctcode: this.accountId,
      cashbalance: round2(this.cash),
      settledcash: round2(this.cash),
      netliquidationvalue: t.netLiq,
      stockmarketvalue: t.marketValue,
      unrealizedpnl: t.unrealized,
      realizedpnl: t.realized,
      exchangerate: 1,
      interest: 0,
      dividends: 0,
      currency,
      secondkey: key,
      key: 'LedgerList',
      sessionid: sessionId,
      severity: 0,
      timestamp: Math.floor(this.clock.now() / 1000),
    })
    return { USD: row('USD', 'USD'), BASE: { ...row('BASE', 'BASE'), endofbundle: 1 } }
  }

  summary(): Record<string, unknown> {
    const t = this.totals()
    const now = this.clock.now()
    const money = (amount: number) => ({
      amount,
      currency: 'USD',
      isNull: false,
      timestamp: now,
      value: null,
      severity: 0,
    })
    const text = (value: string) => ({ amount: 0, currency: null, isNull: false, timestamp: now, value, severity: 0 })
    const gross = round2([...this.positions].reduce((a, [conid, p]) => a + Math.abs(p.qty) * this.mark(conid), 0))
    const init = round2(gross * 0.25)
    return {
      accountcode: text(this.accountId),
      accountready: text('true'),
      netliquidation: money(t.netLiq),
      totalcashvalue: money(round2(this.cash)),
      grosspositionvalue: money(gross),
      initmarginreq: money(init),
      maintmarginreq: money(init),
      availablefunds: money(round2(t.netLiq - init)),
      excessliquidity: money(round2(t.netLiq - init)),
      buyingpower: money(round2((t.netLiq - init) * 4)),
    }
  }

  pnl(): Record<string, unknown> {
    const t = this.totals()
    return {
      rowType: 1,
      dpl: round2(t.netLiq - this.startCash),
      nl: t.netLiq,
      upl: t.unrealized,
      el: t.netLiq,
      mv: t.marketValue,
    }
  }
}

export function tradeRow(e: Execution, i: SimInstrument, accountId: string): Record<string, unknown> {
  return {
    execution_id: e.executionId,
    symbol: i.symbol,
    side: e.side === 'BUY' ? 'B' : 'S',
    order_description: `${e.side === 'BUY' ? 'Bot' : 'Sold'} ${e.size} @ ${e.price.toFixed(2)} on SMART`,
    trade_time: tradeTime(e.at),
    trade_time_r: e.at,
    size: e.size,
    price: e.price.toFixed(2),
    order_ref: e.orderRef ?? undefined,
    submitter: 'simuser',
    exchange: i.exchange,
    commission: e.commission.toFixed(2),
    net_amount: round2(e.size * e.price),
    account: accountId,
    accountCode: accountId,
    company_name: i.name,
    contract_description_1: i.symbol,
    sec_type: i.secType,
    listing_exchange: i.exchange,
    conid: e.conid,
    conidEx: String(e.conid),
    clearing_id: 'IB',
    clearing_name: 'IB',
    liquidation_trade: '0',
    order_id: e.orderId,
  }
}
