import { and, eq, sql } from 'drizzle-orm'
import type { Execution } from '../broker/broker'
import type { Db } from '../store/db'
import { orderByBrokerId, orderByClientId } from '../store/orders-repo'
import { executions } from '../store/schema'

// The fills ledger as the trading core sees it (RELIABILITY.md §1.1): executions are appended once
// each, keyed by IBKR's execution id, and linked to our order by client order id or broker order id;
// a position is the sum of signed fills. Reconciliation compares these sums with the broker.

export function appendExecutions(db: Db, xs: readonly Execution[], account: string): number {
  let added = 0
  db.transaction((tx) => {
    for (const x of xs) {
      const order = (x.cOID ? orderByClientId(db, x.cOID) : null) ?? (x.orderId ? orderByBrokerId(db, x.orderId) : null)
      const r = tx
        .insert(executions)
        .values({
          execId: x.executionId,
          orderId: order?.id ?? null,
          brokerOrderId: x.orderId ?? '',
          account: x.account ?? account,
          conid: x.conid,
          side: x.side.toUpperCase().startsWith('S') ? 'SELL' : 'BUY',
          qty: Math.round(x.size),
          price: String(x.price),
          commission: String(x.commission ?? 0),
          at: x.tradeTime ?? 0,
          raw: x,
        })
        .onConflictDoNothing()
        .run()
      added += r.changes
    }
  })
  return added
}

/** Net position per conid for an account: Σ signed fills. */
export function netPositions(db: Db, account: string): Map<number, number> {
  const rows = db
    .select({
      conid: executions.conid,
      net: sql<number>`sum(CASE WHEN ${executions.side} = 'BUY' THEN ${executions.qty} ELSE -${executions.qty} END)`,
    })
    .from(executions)
    .where(and(eq(executions.account, account)))
    .groupBy(executions.conid)
    .all()
  return new Map(rows.filter((r) => r.net !== 0).map((r) => [r.conid, r.net]))
}
