import type { z } from 'zod'
import type { Broker, BrokerEvent, MarketFields, OrderAnswer, OrderTicket } from '../broker'
import { createCpapiConnection, type CpapiConnection, type CpapiConnectionOptions } from './connection'
import { OutcomeUnknownError } from './errors'
import { CPAPI_LIMITS } from './pacer'
import { sharedRead } from './shared-read'
import { incrementAt, type IncrementRules } from '../../domain/prices'
import { toNumber } from './parse'
import {
  CancelResponse,
  ContractRulesResponse,
  LedgerResponse,
  LiveOrdersResponse,
  OrderAnswerRows,
  OrderStatusResponse,
  PnlResponse,
  PositionsResponse,
  SnapshotRows,
  SummaryResponse,
  TradesResponse,
  WhatIfResponse,
} from './parse-trading'

// The Client Portal Web API as a `Broker` (IBKR.md §3). Sessions, tickles and the stream come from
// the CPAPI connection; this adds snapshots with preflight, field streams, and the order and
// portfolio calls. Order calls (submit, reply, modify, cancel) go through `http.post`/`http.del`,
// which send exactly once; an answer we cannot read is an unknown outcome, never a retry.

export interface CpapiBrokerOptions extends Omit<CpapiConnectionOptions, 'streamHooks'> {
  /** Snapshot calls per request before giving up on fields that never arrive (preflight). */
  snapshotAttempts?: number
  /** Pause between snapshot calls while the gateway warms up a conid. */
  snapshotRetryMs?: number
}

export type CpapiBroker = Broker & { connection: CpapiConnection }

const SESSION_TOPICS = ['sor+{}', 'spl+{}']
const PNL_KEY = 'GET /iserver/account/pnl/partitioned'

export function createCpapiBroker(o: CpapiBrokerOptions): CpapiBroker {
  const fieldListeners = new Map<number, Set<(f: MarketFields) => void>>()
  const fieldRequests = new Map<number, Set<string>>()
  const eventListeners = new Set<(e: BrokerEvent) => void>()
  const emit = (e: BrokerEvent) => eventListeners.forEach((cb) => cb(e))

  const conn = createCpapiConnection({
    ...o,
    streamHooks: {
      topics: SESSION_TOPICS,
      onFields: (conid, merged) => {
        const listeners = fieldListeners.get(conid)
        if (listeners?.size) {
          const f = toMarketFields(conid, merged)
          listeners.forEach((cb) => cb(f))
        }
      },
      onTopic: (topic, m) => {
        // The stream saw the session change (competing, idle drop, maintenance): check now.
        if (topic === 'sts') void conn.keeper.check()
        const event = toBrokerEvent(topic, m)
        if (event) emit(event)
      },
    },
  })
  const { http, keeper, stream, clock } = conn
  /** Contracts' price rules, read once per conid (they do not change within a session). */
  const incrementRules = new Map<number, IncrementRules>()
  const market = () => {
    const m = conn.market()
    if (!m) throw new Error('The gateway connection serves no market data')
    return m
  }

  // One order operation at a time (IBKR.md §5): concurrent submits supersede each other's reply ids.
  let orderChain: Promise<unknown> = Promise.resolve()
  function serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = orderChain.then(fn, fn)
    orderChain = run.catch(() => undefined)
    return run
  }

  /** Parse a state-changing call's answer; a 2xx we cannot read leaves the outcome unknown. */
  function parseOutcome<S extends z.ZodType>(schema: S, body: unknown, path: string): z.output<S> {
    const r = schema.safeParse(body)
    if (!r.success)
      throw new OutcomeUnknownError(
        `${path}: the gateway's answer could not be read (${JSON.stringify(body).slice(0, 200)})`,
        path,
      )
    return r.data
  }

  async function orderCall(path: string, body: unknown): Promise<OrderAnswer> {
    return serialised(async () => toOrderAnswer(parseOutcome(OrderAnswerRows, await http.post(path, { body }), path)))
  }

  let liveOrdersPrimed = false
  keeper.onStatus((s) => {
    if (s.state !== 'authenticated') liveOrdersPrimed = false // a new brokerage session needs a new preflight
  })

  // Callers within the endpoint's window share one read (1 per 5 s): see shared-read.ts.
  const readPnl = sharedRead(
    () => clock.now(),
    CPAPI_LIMITS.endpoints[PNL_KEY]!.windowMs,
    async () => {
      const r = PnlResponse.parse(await http.get('/iserver/account/pnl/partitioned'))
      return Object.entries(r.upnl ?? {}).map(([key, p]) => ({
        key,
        dailyPnl: p.dpl,
        unrealizedPnl: p.upl,
        netLiquidation: p.nl,
        marketValue: p.mv,
      }))
    },
    (rows) => rows.length > 0,
  )

  const withAccount = (accountId: string, orders: OrderTicket[]) => ({
    orders: orders.map((t) => ({ acctId: accountId, ...t })),
  })

  return {
    connection: conn,
    status: () => keeper.current(),
    onStatus: (cb) => keeper.onStatus(cb),
    start: () => conn.firstCheck,
    stop: () => conn.stop(),
    reauthenticate: () => conn.reauthenticate(),
    accounts: () => conn.accounts(),
    selectAccount: (id) => conn.selectAccount(id),

    searchSymbols: (query) => market().search(query),
    contractDetails: (conid) => market().details(conid),
    async priceIncrement(conid, price) {
      let rules = incrementRules.get(conid)
      if (!rules) {
        const r = ContractRulesResponse.parse(
          await http.get(`/iserver/contract/${conid}/info-and-rules`, { query: { isBuy: true } }),
        )
        rules = {
          increment: r.rules?.increment ?? null,
          bands: (r.rules?.incrementRules ?? []).map((b) => ({ lowerEdge: b.lowerEdge, increment: b.increment })),
        }
        incrementRules.set(conid, rules)
      }
      return incrementAt(rules, price)
    },
    async history(req) {
      return { bars: await market().history(req) }
    },
    async snapshot(conids, fields) {
      const attempts = o.snapshotAttempts ?? 5
      const found = new Map<number, MarketFields>()
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const rows = SnapshotRows.parse(
          await http.get('/iserver/marketdata/snapshot', {
            query: { conids: conids.join(','), fields: fields.join(',') },
          }),
        )
        for (const row of rows) if (fields.some((f) => f in row)) found.set(row.conid, toMarketFields(row.conid, row))
        if (conids.every((c) => found.has(c)) || attempt === attempts) break
        await clock.sleep(o.snapshotRetryMs ?? 250)
      }
      return conids.map((c) => found.get(c) ?? toMarketFields(c, {}))
    },
    subscribeMarketData(conid, fields, cb) {
      const listeners = fieldListeners.get(conid) ?? new Set()
      listeners.add(cb)
      fieldListeners.set(conid, listeners)
      const asked = fieldRequests.get(conid) ?? new Set()
      for (const f of fields) asked.add(f)
      fieldRequests.set(conid, asked)
      stream.watchFields(conid, [...asked])
      return () => {
        listeners.delete(cb)
        if (listeners.size > 0) return
        fieldListeners.delete(conid)
        fieldRequests.delete(conid)
        stream.unwatchFields(conid)
      }
    },
    onEvent(cb) {
      eventListeners.add(cb)
      return () => eventListeners.delete(cb)
    },

    placeOrders: (accountId, orders) =>
      orderCall(`/iserver/account/${accountId}/orders`, withAccount(accountId, orders)),
    reply: (replyId, confirmed) => orderCall(`/iserver/reply/${encodeURIComponent(replyId)}`, { confirmed }),
    modifyOrder: (accountId, orderId, order) =>
      orderCall(`/iserver/account/${accountId}/order/${orderId}`, { acctId: accountId, ...order }),
    cancelOrder: (accountId, orderId) =>
      serialised(async () => {
        const path = `/iserver/account/${accountId}/order/${orderId}`
        const r = parseOutcome(CancelResponse, await http.del(path), path)
        return { orderId: r.order_id ?? orderId, message: r.msg ?? r.error ?? '' }
      }),
    async whatIf(accountId, orders) {
      // A what-if changes nothing, but it is still a POST: sent once, like every POST here.
      const path = `/iserver/account/${accountId}/orders/whatif`
      const r = WhatIfResponse.parse(await http.post(path, { body: withAccount(accountId, orders) }))
      return {
        amount: r.amount?.amount ?? null,
        commission: r.amount?.commission ?? null,
        total: r.amount?.total ?? null,
        initialMarginChange: r.initial?.change ?? null,
        maintenanceMarginChange: r.maintenance?.change ?? null,
        warning: r.warn ?? null,
        error: r.error ?? null,
      }
    },

    async liveOrders({ accountId, force }) {
      // The first read of a brokerage session (preflight) and a `force=true` read (cache cleared)
      // answer an empty list by design: follow them with one plain read (IBKR.md §3.7).
      const read = async (f: boolean) =>
        LiveOrdersResponse.parse(
          await http.get('/iserver/account/orders', { query: { accountId, force: f || undefined } }),
        ).orders ?? []
      let rows = await read(force === true)
      if (force === true || (!liveOrdersPrimed && rows.length === 0)) rows = await read(false)
      liveOrdersPrimed = true
      return rows
        .filter((x) => (x.acct ?? x.account ?? accountId) === accountId) // `filters` is unreliable: filter here
        .map((x) => ({
          orderId: x.orderId,
          cOID: x.order_ref ?? null,
          account: x.acct ?? x.account ?? null,
          conid: x.conid,
          symbol: x.ticker ?? null,
          side: x.side,
          orderType: x.origOrderType ?? x.orderType ?? '',
          status: x.status,
          totalSize: x.totalSize,
          filledQuantity: x.filledQuantity,
          remainingQuantity: x.remainingQuantity,
          price: x.price,
          avgPrice: x.avgPrice,
          timeInForce: x.timeInForce ?? null,
        }))
    },
    async orderStatus(orderId) {
      const r = OrderStatusResponse.parse(await http.get(`/iserver/account/order/status/${orderId}`))
      return {
        orderId: r.order_id,
        conid: r.conid,
        status: r.order_status,
        side: r.side,
        totalSize: r.total_size,
        filled: r.cum_fill,
        limitPrice: r.limit_price,
        averagePrice: r.average_price,
        editable: r.order_not_editable !== true,
        cancellable: r.cannot_cancel_order !== true,
      }
    },
    async trades({ accountId, days }) {
      const rows = TradesResponse.parse(await http.get('/iserver/account/trades', { query: { accountId, days } }))
      return rows.map((t) => ({
        executionId: t.execution_id,
        orderId: t.order_id ?? null,
        cOID: t.order_ref ?? null,
        conid: t.conid,
        symbol: t.symbol ?? null,
        side: t.side,
        size: t.size,
        price: t.price,
        commission: t.commission,
        tradeTime: t.trade_time_r ?? null,
        account: t.account ?? null,
      }))
    },
    async positions(accountId, page = 0) {
      const rows = PositionsResponse.parse(await http.get(`/portfolio/${accountId}/positions/${page}`))
      return rows.map((p) => ({
        conid: p.conid,
        symbol: p.ticker ?? p.contractDesc ?? null,
        position: p.position,
        avgCost: p.avgCost,
        marketPrice: p.mktPrice,
        marketValue: p.mktValue,
        unrealizedPnl: p.unrealizedPnl,
        realizedPnl: p.realizedPnl,
        currency: p.currency ?? null,
      }))
    },
    async ledger(accountId) {
      const r = LedgerResponse.parse(await http.get(`/portfolio/${accountId}/ledger`))
      return Object.entries(r).map(([currency, l]) => ({
        currency,
        cashBalance: l.cashbalance,
        netLiquidation: l.netliquidationvalue,
        stockMarketValue: l.stockmarketvalue,
        unrealizedPnl: l.unrealizedpnl,
        realizedPnl: l.realizedpnl,
      }))
    },
    async summary(accountId) {
      const r = SummaryResponse.parse(await http.get(`/portfolio/${accountId}/summary`))
      const out: Record<string, number | string | null> = {}
      for (const [key, v] of Object.entries(r))
        out[key] = v.isNull ? null : (v.amount ?? (typeof v.value === 'string' ? v.value : null))
      return out
    },
    pnl: readPnl,
  }
}

/** Reply messages come first: any one of them means the order waits for a confirmation. */
export function toOrderAnswer(rows: z.output<typeof OrderAnswerRows>): OrderAnswer {
  for (const r of rows) {
    if ('id' in r && typeof r.id === 'string') {
      return {
        kind: 'confirm',
        replyId: r.id,
        messageIds: (r.messageIds as string[] | undefined) ?? [],
        messages: (r.message as string[] | undefined) ?? [],
      }
    }
  }
  const orders = rows.flatMap((r) =>
    'order_id' in r && typeof r.order_id === 'string'
      ? [{ orderId: r.order_id, status: typeof r.order_status === 'string' ? r.order_status : '' }]
      : [],
  )
  return { kind: 'accepted', orders }
}

/** Merged snapshot/`smd` values → numbers by field code, keeping the raw strings. */
export function toMarketFields(conid: number, raw: Readonly<Record<string, unknown>>): MarketFields {
  const values: Record<string, number | null> = {}
  for (const [k, v] of Object.entries(raw)) if (/^\d+$/.test(k)) values[k] = toNumber(v)
  const last = raw['31']
  return {
    conid,
    raw,
    values,
    closed: typeof last === 'string' && last.startsWith('C'),
    halted: typeof last === 'string' && last.startsWith('H'),
    updatedAt: typeof raw._updated === 'number' ? raw._updated : null,
  }
}

function toBrokerEvent(topic: string, m: Record<string, unknown>): BrokerEvent | null {
  const args = m.args
  if (topic === 'sor' && Array.isArray(args))
    return {
      type: 'orders',
      orders: args.filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null),
    }
  if (topic === 'sts') {
    const a = (typeof args === 'object' && args !== null ? args : m) as Record<string, unknown>
    return {
      type: 'session',
      authenticated: typeof a.authenticated === 'boolean' ? a.authenticated : null,
      competing: typeof a.competing === 'boolean' ? a.competing : null,
    }
  }
  if (topic === 'ntf') return { type: 'notification', payload: m }
  if (topic === 'spl') return { type: 'pnl', payload: m }
  return null
}
