import { liveOrderRow, orderStatusRow, parseOrder } from './order-model'
import type { OrderBook, SimResult } from './orders'
import type { Portfolio } from './portfolio'
import type { SimInstrument } from './reference'

// HTTP endpoints of orders, executions and the portfolio (IBKR.md §3.4–§3.8, §7.7). Matched by
// regular expression, since reply ids are UUIDs and `order/-1` cancels all.

export interface OrderRouteDeps {
  book: OrderBook
  portfolio: Portfolio
  instruments: ReadonlyMap<number, SimInstrument>
  accountId: string
  sessionId: () => string
  now: () => number
  /** Reads that IBKR answers from a cache that needs a first call (live orders, PnL). */
  preflight: { liveOrdersEmptyFirst: boolean; pnlEmptyFirst: boolean }
  /** > 0: positions are served from a cache this old at most, or until `positions/invalidate`. */
  positionsCacheMs: number
}

const ok = (body: unknown): SimResult => ({ status: 200, body })
const bad = (error: string): SimResult => ({ status: 400, body: { error } })

export class OrderRoutes {
  private liveOrdersPrimed = false
  private pnlPrimed = false
  private positionsCache: { at: number; rows: Record<string, unknown>[] } | null = null

  constructor(private readonly d: OrderRouteDeps) {}

  /** A new brokerage session: the read caches start cold again. */
  resetSession(): void {
    this.liveOrdersPrimed = false
    this.pnlPrimed = false
    this.d.book.resetSession()
  }

  /** The answer, or null when the path is not an order/portfolio endpoint. */
  route(method: string, path: string, query: URLSearchParams, body: unknown): SimResult | null {
    let m: RegExpExecArray | null
    if ((m = /^\/iserver\/account\/([^/]+)\/orders(\/whatif)?$/.exec(path)) && method === 'POST') {
      if (m[1] !== this.d.accountId) return bad(`Bad Request: account ${m[1]} is not available`)
      return m[2] ? this.whatIf(body) : this.d.book.submit(body)
    }
    if ((m = /^\/iserver\/account\/([^/]+)\/order\/(-?\d+)$/.exec(path))) {
      if (m[1] !== this.d.accountId) return bad(`Bad Request: account ${m[1]} is not available`)
      if (method === 'POST') return this.d.book.modify(Number(m[2]), body)
      if (method === 'DELETE') return this.d.book.cancel(Number(m[2]))
      return null
    }
    if ((m = /^\/iserver\/reply\/([^/]+)$/.exec(path)) && method === 'POST') return this.d.book.reply(m[1]!, body)
    if (path === '/iserver/notification' && method === 'POST') return this.d.book.answerNotification(body)
    if (path === '/iserver/questions/suppress' && method === 'POST') return this.d.book.suppress(body)
    if (path === '/iserver/questions/suppress/reset' && method === 'POST') {
      this.d.book.suppressed.clear()
      return ok({ status: 'submitted' })
    }
    if (path === '/iserver/account/orders' && method === 'GET') return this.liveOrders(query)
    if ((m = /^\/iserver\/account\/order\/status\/(\d+)$/.exec(path)) && method === 'GET') {
      const o = this.d.book.find(Number(m[1]))
      return o ? ok(orderStatusRow(o, this.d.instruments.get(o.conid)!)) : bad(`OrderID ${m[1]} doesn't exist`)
    }
    if (path === '/iserver/account/trades' && method === 'GET') {
      const days = Math.min(7, Math.max(1, Number(query.get('days') ?? '1') || 1))
      return ok(this.d.portfolio.tradeRows(this.d.instruments, this.d.now() - days * 86_400_000))
    }
    if (path === '/iserver/account/pnl/partitioned' && method === 'GET') {
      if (this.d.preflight.pnlEmptyFirst && !this.pnlPrimed) {
        this.pnlPrimed = true
        return ok({ upnl: {} })
      }
      return ok({ upnl: { [`${this.d.accountId}.Core`]: this.d.portfolio.pnl() } })
    }
    if ((m = /^\/iserver\/account\/([^/]+)\/summary$/.exec(path)) && method === 'GET') {
      if (m[1] !== this.d.accountId) return bad(`Bad Request: account ${m[1]} is not available`)
      return ok(this.accountSummary())
    }
    // The near-real-time positions (no cache, no invalidate), IBKR's `/portfolio2` shape.
    if ((m = /^\/portfolio2\/([^/]+)\/positions$/.exec(path)) && method === 'GET') {
      if (m[1] !== this.d.accountId) return bad(`Bad Request: account ${m[1]} is not available`)
      return ok(
        this.d.portfolio.positionRows(this.d.instruments).map((r) => ({
          position: r.position,
          conid: String(r.conid),
          avgCost: r.avgCost,
          avgPrice: r.avgPrice,
          currency: r.currency,
          description: r.contractDesc,
          isLastToLoq: false,
          marketPrice: r.mktPrice,
          marketValue: r.mktValue,
          realizedPnl: r.realizedPnl,
          secType: r.assetClass,
          timestamp: Math.floor(this.d.now() / 1000),
          unrealizedPnl: r.unrealizedPnl,
          assetClass: r.assetClass,
        })),
      )
    }
    if ((m = /^\/portfolio\/([^/]+)\/(positions\/\d+|positions\/invalidate|ledger|summary)$/.exec(path))) {
      if (m[1] !== this.d.accountId) return bad(`Bad Request: account ${m[1]} is not available`)
      const what = m[2]!
      if (what === 'positions/invalidate' && method === 'POST') {
        this.positionsCache = null
        return ok({ message: 'success' })
      }
      if (method !== 'GET') return null
      if (what.startsWith('positions/')) return ok(Number(what.slice(10)) === 0 ? this.positions() : [])
      if (what === 'ledger') return ok(this.d.portfolio.ledger(this.d.sessionId()))
      return ok(this.d.portfolio.summary())
    }
    return null
  }

  /** `GET /iserver/account/{acct}/summary`: the brokerage session's account balances, camelCase. */
  private accountSummary(): Record<string, unknown> {
    const s = this.d.portfolio.summary() as Record<string, { amount: number }>
    const amt = (k: string) => s[k]?.amount ?? 0
    const cash = amt('totalcashvalue')
    return {
      accountType: 'INDIVIDUAL',
      status: '',
      balance: cash,
      SMA: amt('excessliquidity'),
      buyingPower: amt('buyingpower'),
      availableFunds: amt('availablefunds'),
      excessLiquidity: amt('excessliquidity'),
      netLiquidationValue: amt('netliquidation'),
      equityWithLoanValue: amt('netliquidation'),
      regTLoan: 0,
      securitiesGVP: amt('grosspositionvalue'),
      totalCashValue: cash,
      accruedInterest: 0,
      regTMargin: amt('initmarginreq'),
      initialMargin: amt('initmarginreq'),
      maintenanceMargin: amt('maintmarginreq'),
      cashBalances: [
        { currency: 'USD', balance: cash, settledCash: cash },
        { currency: 'Total (in USD)', balance: cash, settledCash: cash },
      ],
    }
  }

  private positions(): Record<string, unknown>[] {
    const now = this.d.now()
    if (this.d.positionsCacheMs <= 0) return this.d.portfolio.positionRows(this.d.instruments)
    if (!this.positionsCache || now - this.positionsCache.at >= this.d.positionsCacheMs)
      this.positionsCache = { at: now, rows: this.d.portfolio.positionRows(this.d.instruments) }
    return this.positionsCache.rows
  }

  private liveOrders(query: URLSearchParams): SimResult {
    const accountId = query.get('accountId')
    if (accountId && accountId !== this.d.accountId) return bad(`Bad Request: account ${accountId} is not available`)
    if (query.get('force') === 'true') {
      return ok({ orders: [], snapshot: true })
    }
    if (this.d.preflight.liveOrdersEmptyFirst && !this.liveOrdersPrimed) {
      this.liveOrdersPrimed = true
      return ok({ orders: [], snapshot: false })
    }
    const since = this.d.now() - 86_400_000
    // `filters`: a comma-separated list of statuses (IBKR matches them case-insensitively).
    const filters = (query.get('filters') ?? '')
      .split(',')
      .map((f) => f.trim().toLowerCase())
      .filter(Boolean)
    const rows = this.d.book.orders
      .filter((o) => this.d.book.isLive(o) || (o.lastExecutionAt ?? o.placedAt) >= since)
      .filter((o) => filters.length === 0 || filters.includes(o.status.toLowerCase()))
      .map((o) => liveOrderRow(o, this.d.instruments.get(o.conid)!))
    return ok({ orders: rows, snapshot: true })
  }

  private whatIf(body: unknown): SimResult {
    const list = Array.isArray(body) ? (body as unknown[]) : (body as { orders?: unknown } | null)?.orders
    if (!Array.isArray(list) || list.length === 0) return bad('Bad Request: body must be {"orders":[…]}')
    const o = parseOrder(list[0], this.d.accountId, (c) => this.d.instruments.has(c))
    if (typeof o === 'string') return bad(o)
    const px = o.price ?? this.d.book.last(o.conid)
    const amount = o.quantity * px
    const commission = this.d.portfolio.commissionFor(o.quantity)
    const summary = this.d.portfolio.summary() as Record<string, { amount: number }>
    const equity = summary.netliquidation!.amount
    const initBefore = summary.initmarginreq!.amount
    const fmt = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    const change = (current: number, delta: number) => ({
      current: fmt(current),
      change: fmt(delta),
      after: fmt(current + delta),
    })
    const margin = amount * 0.25
    const cash = this.d.portfolio.cash
    return ok({
      amount: {
        amount: `${fmt(amount)} USD`,
        commission: `${fmt(commission)} USD`,
        total: `${fmt(amount + commission)} USD`,
      },
      equity: change(equity, -commission),
      initial: change(initBefore, margin),
      maintenance: change(initBefore, margin),
      position: change(this.d.portfolio.positionQty(o.conid), o.side === 'BUY' ? o.quantity : -o.quantity),
      warn: null,
      error: o.side === 'BUY' && amount + commission > (cash + equity) * 4 ? 'Insufficient buying power' : null,
    })
  }
}
