import { and, desc, eq, gte, inArray, isNotNull, isNull, or } from 'drizzle-orm'
import type { Db } from './db'
import { orderEvents, orders, positions, runs, trades } from './schema'

// What the risk gate needs to know about exposure already taken (issue #9): working orders with
// their strategy, a strategy's positions, recent modifies (order rate) and losing streaks.

const WORKING = ['PENDING_SUBMIT', 'AWAITING_REPLY', 'UNKNOWN', 'SUBMITTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL']

export interface WorkingOrder {
  id: string
  parentId: string | null
  leg: string
  conid: number
  side: 'BUY' | 'SELL'
  qty: number
  filledQty: number
  price: number | null
  strategyId: string | null
}

/** Orders of this account that may still fill, with the strategy of their run (null: manual or external). */
export function workingOrders(db: Db, account: string): WorkingOrder[] {
  return db
    .select({
      id: orders.id,
      parentId: orders.parentId,
      leg: orders.leg,
      conid: orders.conid,
      side: orders.side,
      qty: orders.qty,
      filledQty: orders.filledQty,
      limitPrice: orders.limitPrice,
      auxPrice: orders.auxPrice,
      strategyId: runs.strategyId,
    })
    .from(orders)
    .leftJoin(runs, eq(runs.id, orders.runId))
    .where(and(eq(orders.account, account), inArray(orders.status, WORKING)))
    .all()
    .map((r) => ({
      id: r.id,
      parentId: r.parentId,
      leg: r.leg,
      conid: r.conid,
      side: r.side as 'BUY' | 'SELL',
      qty: r.qty,
      filledQty: r.filledQty,
      price: r.limitPrice !== null ? Number(r.limitPrice) : r.auxPrice !== null ? Number(r.auxPrice) : null,
      strategyId: r.strategyId ?? null,
    }))
}

/** The strategy whose run placed an order, or null. */
export function strategyOfRun(db: Db, runId: string | null): string | null {
  if (!runId) return null
  return db.select({ s: runs.strategyId }).from(runs).where(eq(runs.id, runId)).get()?.s ?? null
}

/** A strategy's attributed positions in this account (signed quantities by conid). */
export function strategyPositions(db: Db, account: string, strategyId: string): Map<number, number> {
  const rows = db
    .select({ conid: positions.conid, qty: positions.qty })
    .from(positions)
    .where(and(eq(positions.account, account), eq(positions.strategyId, strategyId)))
    .all()
  return new Map(rows.filter((r) => r.qty !== 0).map((r) => [r.conid, r.qty]))
}

/**
 * Messages this account sent or is about to send, for the order rate: each submission once (its
 * top leg's intent, committed before the request) and each modify intent.
 */
export function recentMessages(db: Db, account: string, since: number): number[] {
  return db
    .select({ at: orderEvents.at })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .where(
      and(
        eq(orders.account, account),
        gte(orderEvents.at, since),
        or(and(isNull(orders.parentId), eq(orderEvents.kind, 'intent')), eq(orderEvents.kind, 'modify_intent')),
      ),
    )
    .all()
    .map((r) => r.at)
}

/** Losing trades in a row, most recent first, for a strategy (closed trades only). */
export function losingStreak(db: Db, account: string, strategyId: string, lookback = 100): number {
  const rows = db
    .select({ pnl: trades.realizedPnl })
    .from(trades)
    .where(and(eq(trades.account, account), eq(trades.strategyId, strategyId), isNotNull(trades.closedAt)))
    .orderBy(desc(trades.closedAt))
    .limit(lookback)
    .all()
  let n = 0
  for (const r of rows) {
    if (r.pnl === null || !(Number(r.pnl) < 0)) break
    n++
  }
  return n
}

/** Average cost per instrument across strategies: the mark of last resort for exposure. */
export function averageCosts(db: Db, account: string): Map<number, number> {
  const out = new Map<number, { qty: number; cost: number }>()
  for (const r of db.select().from(positions).where(eq(positions.account, account)).all()) {
    if (r.qty === 0) continue
    const a = out.get(r.conid) ?? { qty: 0, cost: 0 }
    out.set(r.conid, { qty: a.qty + Math.abs(r.qty), cost: a.cost + Math.abs(r.qty) * Number(r.avgCost) })
  }
  return new Map([...out].filter(([, a]) => a.qty > 0).map(([c, a]) => [c, a.cost / a.qty]))
}
