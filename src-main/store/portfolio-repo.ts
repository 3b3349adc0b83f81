import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import {
  avgCost,
  Book,
  byTime,
  initialRisk,
  microsToDecimal,
  microsToNumber,
  rMultiple,
  toMicros,
  tradePrices,
  type Fill,
  type Micros,
  type PositionState,
  type Trade,
} from '../domain/portfolio'
import { crashPoint } from '../crash-points'
import type { Db } from './db'
import { executions, positions, signals, trades } from './schema'

// The fills ledger and what is derived from it (F16): executions inserted once per execution id
// (append-only), attributed to a strategy through their order (orders.run_id → runs.strategy_id);
// positions and round-trip trades recomputed from the ledger for each (account, conid) a batch
// touches; signal outcomes written when a trade closes; portfolio snapshots. One transaction per
// ingestion batch. Money in the tables is decimal text with 6 decimals.

export interface NewExecution {
  execId: string
  /** The broker's order id (bracket children are found by it). */
  brokerOrderId: string
  /** Our client order id (`order_ref`), when the broker echoed it. */
  cOID: string | null
  account: string
  conid: number
  side: 'BUY' | 'SELL'
  qty: number
  price: Micros
  commission: Micros
  at: number
  raw: unknown
}

export interface IngestResult {
  inserted: number
  /** Executions whose order was found only now (their fill arrived before the order's acknowledgement). */
  relinked: number
  /** Accounts and conids recomputed. */
  groups: { account: string; conid: number }[]
  /** Trades that closed in this batch (the signal outcomes written for them). */
  closed: Trade[]
}

const dec = (m: Micros | null) => (m === null ? null : microsToDecimal(m))

/** Order, run and signal of each execution that points at one; strategy '' when none. */
function attributedFills(db: Db, where: SQL): Fill[] {
  const rows = db.all<{
    exec_id: string
    account: string
    conid: number
    side: string
    qty: number
    price: string
    commission: string
    at: number
    run_id: string | null
    signal_id: string | null
    strategy_id: string | null
  }>(sql`
    SELECT e.exec_id, e.account, e.conid, e.side, e.qty, e.price, e.commission, e.at, o.run_id, o.signal_id,
           coalesce(r.strategy_id, s.strategy_id) AS strategy_id
    FROM executions e
    LEFT JOIN orders o ON o.id = e.order_id
    LEFT JOIN runs r ON r.id = o.run_id
    LEFT JOIN signals s ON s.id = o.signal_id
    WHERE ${where}`)
  return rows.map((r) => ({
    execId: r.exec_id,
    account: r.account,
    strategyId: r.strategy_id ?? '',
    conid: r.conid,
    side: r.side as Fill['side'],
    qty: r.qty,
    price: toMicros(r.price),
    commission: toMicros(r.commission),
    at: r.at,
    runId: r.run_id,
    signalId: r.signal_id,
  }))
}

/** Every fill of an account (or all accounts), in ledger order. */
export function loadFills(db: Db, account: string | null): Fill[] {
  return attributedFills(db, account === null ? sql`1 = 1` : sql`e.account = ${account}`).sort(byTime)
}

/**
 * Find our order for an execution: by client order id first, then by the broker's order id (same account and conid).
 */
const ORDER_MATCH = sql`(
  SELECT o.id FROM orders o
  WHERE (json_extract(executions.raw, '$.cOID') IS NOT NULL
         AND o.client_order_id = json_extract(executions.raw, '$.cOID'))
     OR (o.broker_order_id = executions.broker_order_id AND o.account = executions.account
         AND o.conid = executions.conid)
  ORDER BY (o.client_order_id = json_extract(executions.raw, '$.cOID')) DESC, o.created_at DESC
  LIMIT 1)`

/**
 * Insert new executions (dedupe by execution id), attribute them to their orders, and recompute
 * positions and trades of every (account, conid) touched. Idempotent: a batch seen before changes nothing.
 */
export function ingestExecutions(db: Db, batch: readonly NewExecution[], now: number): IngestResult {
  return db.transaction((tx) => {
    const groups = new Map<string, { account: string; conid: number }>()
    let inserted = 0
    for (const x of batch) {
      const r = tx
        .insert(executions)
        .values({
          execId: x.execId,
          orderId: null,
          brokerOrderId: x.brokerOrderId,
          account: x.account,
          conid: x.conid,
          side: x.side,
          qty: x.qty,
          price: microsToDecimal(x.price),
          commission: microsToDecimal(x.commission),
          at: x.at,
          raw: { ...(x.raw as object), cOID: x.cOID },
        })
        .onConflictDoNothing()
        .run()
      if (r.changes === 0) continue
      inserted++
      groups.set(`${x.account}\u0000${x.conid}`, { account: x.account, conid: x.conid })
    }
    // Link every unattributed execution whose order is known by now (new ones, and fills that
    // arrived before their order's acknowledgement).
    const linked = tx.all<{ exec_id: string; account: string; conid: number }>(sql`
      UPDATE executions SET order_id = ${ORDER_MATCH}
      WHERE order_id IS NULL AND ${ORDER_MATCH} IS NOT NULL
      RETURNING exec_id, account, conid`)
    const fresh = new Set(batch.map((x) => x.execId))
    let relinked = 0
    for (const l of linked) {
      if (!fresh.has(l.exec_id)) relinked++
      groups.set(`${l.account}\u0000${l.conid}`, { account: l.account, conid: l.conid })
    }
    const closed: Trade[] = []
    for (const g of groups.values()) closed.push(...recomputeGroup(tx as unknown as Db, g.account, g.conid, now))
    if (inserted > 0) crashPoint('during-fill-apply')
    return { inserted, relinked, groups: [...groups.values()], closed }
  })
}

/** Rebuild positions and trades of one (account, conid) from its fills; returns the closed trades. */
function recomputeGroup(db: Db, account: string, conid: number, now: number): Trade[] {
  const book = new Book()
  for (const f of attributedFills(db, sql`e.account = ${account} AND e.conid = ${conid}`).sort(byTime)) book.apply(f)
  db.delete(positions)
    .where(and(eq(positions.account, account), eq(positions.conid, conid)))
    .run()
  for (const p of book.positions.values()) db.insert(positions).values(positionRow(p, now)).run()
  db.delete(trades)
    .where(and(eq(trades.account, account), eq(trades.conid, conid)))
    .run()
  const levels = signalLevels(
    db,
    book.trades.flatMap((t) => (t.signalId ? [t.signalId] : [])),
  )
  const closed: Trade[] = []
  for (const t of book.trades) {
    const lv = t.signalId ? levels.get(t.signalId) : undefined
    const risk = lv ? initialRisk(lv.entry, lv.stop, t.qty) : null
    const { entry, exit } = tradePrices(t)
    const r = t.closedAt === null ? null : rMultiple(t.realized, risk)
    db.insert(trades)
      .values({
        id: t.id,
        account: t.account,
        strategyId: t.strategyId,
        conid: t.conid,
        runId: t.runId,
        signalId: t.signalId,
        direction: t.direction,
        qty: t.qty,
        entryPrice: microsToDecimal(entry),
        exitPrice: dec(exit),
        initialRisk: dec(risk),
        realizedPnl: t.closedQty > 0 ? microsToDecimal(t.realized) : null,
        fees: microsToDecimal(t.fees),
        rMultiple: r,
        openedAt: t.openedAt,
        closedAt: t.closedAt,
      })
      .run()
    if (t.closedAt !== null && t.signalId) {
      const outcome = {
        tradeId: t.id,
        exitPrice: microsToNumber(exit!),
        realizedPnl: microsToNumber(t.realized),
        fees: microsToNumber(t.fees),
        rMultiple: r,
        closedAt: t.closedAt,
      }
      db.update(signals).set({ outcome }).where(eq(signals.id, t.signalId)).run()
      closed.push(t)
    }
  }
  return closed
}

function positionRow(p: PositionState, now: number) {
  const avg = avgCost(p)
  return {
    account: p.account,
    strategyId: p.strategyId,
    conid: p.conid,
    qty: p.qty,
    avgCost: microsToDecimal(avg === null ? 0 : Math.round(avg)),
    realizedPnl: microsToDecimal(p.realized),
    updatedAt: p.updatedAt || now,
  }
}

function signalLevels(db: Db, ids: string[]): Map<string, { entry: Micros | null; stop: Micros | null }> {
  if (ids.length === 0) return new Map()
  const rows = db
    .select({ id: signals.id, entry: signals.entry, stop: signals.stop })
    .from(signals)
    .where(inArray(signals.id, [...new Set(ids)]))
    .all()
  return new Map(
    rows.map((r) => [
      r.id,
      { entry: r.entry === null ? null : toMicros(r.entry), stop: r.stop === null ? null : toMicros(r.stop) },
    ]),
  )
}

/** Rebuild every position and trade from the ledger (after an import, or to verify). */
export function recomputeAll(db: Db, now: number): number {
  return db.transaction((tx) => {
    const groups = tx.all<{ account: string; conid: number }>(sql`SELECT DISTINCT account, conid FROM executions`)
    for (const g of groups) recomputeGroup(tx as unknown as Db, g.account, g.conid, now)
    return groups.length
  })
}

/** Rebuild the (account, conid) groups whose executions have no position rows yet (fills written by an older build). */
export function recomputeMissing(db: Db, now: number): number {
  return db.transaction((tx) => {
    const groups = tx.all<{ account: string; conid: number }>(sql`
      SELECT DISTINCT account, conid FROM executions e
      WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.account = e.account AND p.conid = e.conid)`)
    for (const g of groups) recomputeGroup(tx as unknown as Db, g.account, g.conid, now)
    return groups.length
  })
}

export * from './portfolio-reads'
