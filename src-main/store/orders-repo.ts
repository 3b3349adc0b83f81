import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { OrderStatus } from '../contract/models'
import type { Db } from './db'
import { orderEvents, orders, riskState } from './schema'

// Orders (F13): an intent row per leg, written (synchronous=FULL) before anything is sent; every
// state change and broker report appended to `order_events`. Rows are never deleted.

export type OrderRow = typeof orders.$inferSelect
export type OrderEventRow = typeof orderEvents.$inferSelect

export interface NewOrder {
  id: string
  clientOrderId: string
  runId: string | null
  signalId: string | null
  parentId: string | null
  leg: OrderRow['leg']
  origin: 'strategy' | 'manual' | 'external'
  mode: 'dry-run' | 'paper' | 'live'
  account: string
  conid: number
  side: 'BUY' | 'SELL'
  orderType: 'LMT' | 'MKT' | 'STP' | 'STOP_LIMIT'
  tif: 'DAY' | 'GTC' | 'IOC' | 'OPG'
  qty: number
  limitPrice: number | null
  auxPrice: number | null
  outsideRth: boolean
  status: OrderStatus
  brokerOrderId?: string | null
  filledQty?: number
}

const money = (n: number | null) => (n === null ? null : String(n))

/** Insert the legs of one intent, with their first event, in one transaction. */
export function insertIntent(db: Db, legs: NewOrder[], at: number, event: string, payload: unknown): void {
  db.transaction((tx) => {
    for (const l of legs) {
      tx.insert(orders)
        .values({
          ...l,
          limitPrice: money(l.limitPrice),
          auxPrice: money(l.auxPrice),
          brokerOrderId: l.brokerOrderId ?? null,
          filledQty: l.filledQty ?? 0,
          avgFillPrice: null,
          lastError: null,
          createdAt: at,
          updatedAt: at,
        })
        .run()
      tx.insert(orderEvents)
        .values({ orderId: l.id, at, kind: event, fromStatus: null, toStatus: l.status, payload: payload ?? {} })
        .run()
    }
  })
}

export function getOrder(db: Db, id: string): OrderRow | null {
  return db.select().from(orders).where(eq(orders.id, id)).get() ?? null
}

export function orderByClientId(db: Db, clientOrderId: string): OrderRow | null {
  return db.select().from(orders).where(eq(orders.clientOrderId, clientOrderId)).get() ?? null
}

export function orderByBrokerId(db: Db, brokerOrderId: string): OrderRow | null {
  return db.select().from(orders).where(eq(orders.brokerOrderId, brokerOrderId)).get() ?? null
}

/** Change an order and append the event that explains it, together. */
export function updateOrder(
  db: Db,
  id: string,
  change: Partial<
    Pick<
      OrderRow,
      'status' | 'brokerOrderId' | 'filledQty' | 'avgFillPrice' | 'lastError' | 'qty' | 'limitPrice' | 'auxPrice'
    >
  >,
  at: number,
  event: { kind: string; payload: unknown },
): OrderRow {
  return db.transaction((tx) => {
    const before = tx.select().from(orders).where(eq(orders.id, id)).get()
    if (!before) throw new Error(`No order ${id}`)
    tx.update(orders)
      .set({ ...change, updatedAt: at })
      .where(eq(orders.id, id))
      .run()
    tx.insert(orderEvents)
      .values({
        orderId: id,
        at,
        kind: event.kind,
        fromStatus: before.status,
        toStatus: change.status ?? before.status,
        payload: event.payload ?? {},
      })
      .run()
    return tx.select().from(orders).where(eq(orders.id, id)).get()!
  })
}

export interface OrderFilter {
  status?: OrderStatus[]
  runId?: string
  account?: string
  limit: number
}

export function listOrders(db: Db, f: OrderFilter): OrderRow[] {
  const where = and(
    f.status?.length ? inArray(orders.status, f.status) : undefined,
    f.runId ? eq(orders.runId, f.runId) : undefined,
    f.account ? eq(orders.account, f.account) : undefined,
  )
  return db
    .select()
    .from(orders)
    .where(where)
    .orderBy(desc(orders.createdAt), orders.clientOrderId)
    .limit(f.limit)
    .all()
}

export function eventsOf(db: Db, orderId: string): OrderEventRow[] {
  return db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId)).orderBy(orderEvents.id).all()
}

/** When this account's submissions went out, for the rate caps: a bracket is one submission (its top leg). */
export function recentSubmits(db: Db, account: string, since: number): number[] {
  return db
    .select({ at: orderEvents.at })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .where(
      and(
        eq(orders.account, account),
        isNull(orders.parentId),
        eq(orderEvents.kind, 'sent'),
        gte(orderEvents.at, since),
      ),
    )
    .all()
    .map((r) => r.at)
}

// ---- risk state (kill switch, daily loss latch), one row per account, surviving restarts ----

export type RiskStateRow = typeof riskState.$inferSelect

export function getRiskState(db: Db, account: string): RiskStateRow | null {
  return db.select().from(riskState).where(eq(riskState.account, account)).get() ?? null
}

export function setRiskState(
  db: Db,
  account: string,
  change: Partial<Omit<RiskStateRow, 'account' | 'updatedAt'>>,
  at: number,
): RiskStateRow {
  db.insert(riskState)
    .values({
      account,
      killSwitch: false,
      killReason: null,
      killAt: null,
      dailyLossLatched: false,
      tradingDate: null,
      startOfDayNav: null,
      ...change,
      updatedAt: at,
    })
    .onConflictDoUpdate({ target: riskState.account, set: { ...change, updatedAt: at } })
    .run()
  return getRiskState(db, account)!
}

export function countOrdersByStatus(db: Db): Record<string, number> {
  return Object.fromEntries(
    db
      .select({ s: orders.status, n: sql<number>`count(*)` })
      .from(orders)
      .groupBy(orders.status)
      .all()
      .map((r) => [r.s, r.n]),
  )
}
