import { and, asc, desc, eq, gte, isNotNull, isNull, lte, sql } from 'drizzle-orm'
import type { FillFilter, SnapshotKind, TradeFilter } from '../contract/portfolio-api'
import { microsToDecimal, toMicros, type Micros } from '../domain/portfolio'
import type { Db } from './db'
import { executions, instruments, portfolioSnapshots, positions, strategies, trades } from './schema'

// What the Portfolio page reads from the ledger (F16): positions, the trade journal, the closed
// trades' figures, and portfolio snapshots. Re-exported by portfolio-repo.ts.

// Reads for the page --------------------------------------------------------------------------

export interface PositionRowView {
  account: string
  strategyId: string
  strategyName: string | null
  conid: number
  symbol: string | null
  qty: number
  /** Average cost in micros. */
  avgCost: Micros
  realized: Micros
  updatedAt: number
}

/** Positions of an account (open ones, or all with their realized P&L). */
export function listPositions(db: Db, account: string | null, opts: { openOnly: boolean }): PositionRowView[] {
  const rows = db
    .select({ p: positions, strategyName: strategies.name, symbol: instruments.symbol })
    .from(positions)
    .leftJoin(strategies, eq(strategies.id, positions.strategyId))
    .leftJoin(instruments, eq(instruments.conid, positions.conid))
    .where(
      and(
        account === null ? undefined : eq(positions.account, account),
        opts.openOnly ? sql`${positions.qty} <> 0` : undefined,
      ),
    )
    .orderBy(asc(positions.conid), asc(positions.strategyId))
    .all()
  const missing = rows.filter((r) => r.symbol === null).map((r) => r.p.conid)
  const fallback = executionSymbols(db, missing)
  return rows.map(({ p, strategyName, symbol }) => ({
    account: p.account,
    strategyId: p.strategyId,
    strategyName,
    conid: p.conid,
    symbol: symbol ?? fallback.get(p.conid) ?? null,
    qty: p.qty,
    avgCost: toMicros(p.avgCost),
    realized: toMicros(p.realizedPnl),
    updatedAt: p.updatedAt,
  }))
}

/** Symbols the broker sent with executions, for instruments never looked up. */
function executionSymbols(db: Db, conids: number[]): Map<number, string> {
  if (conids.length === 0) return new Map()
  const rows = db.all<{ conid: number; symbol: string | null }>(sql`
    SELECT conid, json_extract(raw, '$.symbol') AS symbol FROM executions
    WHERE conid IN (${sql.join(
      [...new Set(conids)].map((c) => sql`${c}`),
      sql`, `,
    )}) AND json_extract(raw, '$.symbol') IS NOT NULL
    GROUP BY conid`)
  return new Map(rows.flatMap((r) => (r.symbol ? [[r.conid, r.symbol] as const] : [])))
}

export interface TradeRowView {
  id: string
  account: string
  strategyId: string
  strategyName: string | null
  conid: number
  symbol: string | null
  runId: string | null
  signalId: string | null
  direction: 'long' | 'short'
  qty: number
  entryPrice: Micros
  exitPrice: Micros | null
  realized: Micros | null
  fees: Micros
  initialRisk: Micros | null
  rMultiple: number | null
  openedAt: number
  closedAt: number | null
}

/** The executions of one instrument, newest first, each at the broker's execution time. */
export function listFills(db: Db, account: string | null, f: FillFilter) {
  return db
    .select({
      execId: executions.execId,
      orderId: executions.orderId,
      conid: executions.conid,
      side: executions.side,
      qty: executions.qty,
      price: executions.price,
      at: executions.at,
    })
    .from(executions)
    .where(and(eq(executions.conid, f.conid), account === null ? undefined : eq(executions.account, account)))
    .orderBy(desc(executions.at), asc(executions.execId))
    .limit(f.limit)
    .all()
    .map((r) => ({ ...r, side: r.side as 'BUY' | 'SELL', price: Number(r.price) }))
}

/** The trade journal, newest first (by close, then open). */
export function listTrades(db: Db, account: string | null, f: TradeFilter): TradeRowView[] {
  const time = f.status === 'closed' ? trades.closedAt : trades.openedAt
  const rows = db
    .select({ t: trades, strategyName: strategies.name, symbol: instruments.symbol })
    .from(trades)
    .leftJoin(strategies, eq(strategies.id, trades.strategyId))
    .leftJoin(instruments, eq(instruments.conid, trades.conid))
    .where(
      and(
        account === null ? undefined : eq(trades.account, account),
        f.status === 'open' ? isNull(trades.closedAt) : f.status === 'closed' ? isNotNull(trades.closedAt) : undefined,
        f.strategyId !== undefined ? eq(trades.strategyId, f.strategyId) : undefined,
        f.conid !== undefined ? eq(trades.conid, f.conid) : undefined,
        f.from !== undefined ? gte(time, f.from) : undefined,
        f.to !== undefined ? lte(time, f.to) : undefined,
      ),
    )
    .orderBy(desc(sql`coalesce(${trades.closedAt}, ${trades.openedAt})`), desc(trades.openedAt), asc(trades.id))
    .limit(f.limit)
    .all()
  const fallback = executionSymbols(
    db,
    rows.filter((r) => r.symbol === null).map((r) => r.t.conid),
  )
  return rows.map(({ t, strategyName, symbol }) => ({
    id: t.id,
    account: t.account,
    strategyId: t.strategyId,
    strategyName,
    conid: t.conid,
    symbol: symbol ?? fallback.get(t.conid) ?? null,
    runId: t.runId,
    signalId: t.signalId,
    direction: t.direction as 'long' | 'short',
    qty: t.qty,
    entryPrice: toMicros(t.entryPrice),
    exitPrice: t.exitPrice === null ? null : toMicros(t.exitPrice),
    realized: t.realizedPnl === null ? null : toMicros(t.realizedPnl),
    fees: toMicros(t.fees),
    initialRisk: t.initialRisk === null ? null : toMicros(t.initialRisk),
    rMultiple: t.rMultiple,
    openedAt: t.openedAt,
    closedAt: t.closedAt,
  }))
}

/** Realized, fees and R of every closed trade of an account (for the statistics). */
export function closedTradeFigures(
  db: Db,
  account: string | null,
): { realized: Micros; fees: Micros; r: number | null }[] {
  return db
    .select({ realized: trades.realizedPnl, fees: trades.fees, r: trades.rMultiple })
    .from(trades)
    .where(and(account === null ? undefined : eq(trades.account, account), isNotNull(trades.closedAt)))
    .all()
    .map((t) => ({ realized: t.realized === null ? 0 : toMicros(t.realized), fees: toMicros(t.fees), r: t.r }))
}

// Snapshots ----------------------------------------------------------------------------------

export interface NewSnapshot {
  account: string
  at: number
  kind: SnapshotKind
  netLiquidation: Micros
  cash: Micros
  realized: Micros
  unrealized: Micros
  payload: unknown
}

/** Insert a snapshot; the same (account, at, kind) twice is ignored. Returns whether it was new. */
export function insertSnapshot(db: Db, s: NewSnapshot): boolean {
  return (
    db
      .insert(portfolioSnapshots)
      .values({
        account: s.account,
        at: s.at,
        kind: s.kind,
        netLiquidation: microsToDecimal(s.netLiquidation),
        cash: microsToDecimal(s.cash),
        realizedPnl: microsToDecimal(s.realized),
        unrealizedPnl: microsToDecimal(s.unrealized),
        payload: s.payload ?? {},
      })
      .onConflictDoNothing()
      .run().changes > 0
  )
}

export interface SnapshotRow {
  id: number
  account: string
  at: number
  kind: SnapshotKind
  netLiquidation: Micros
  cash: Micros
  realized: Micros
  unrealized: Micros
  payload: unknown
}

export function listSnapshots(
  db: Db,
  account: string | null,
  from: number,
  to: number,
  kind?: SnapshotKind,
): SnapshotRow[] {
  return db
    .select()
    .from(portfolioSnapshots)
    .where(
      and(
        account === null ? undefined : eq(portfolioSnapshots.account, account),
        gte(portfolioSnapshots.at, from),
        lte(portfolioSnapshots.at, to),
        kind ? eq(portfolioSnapshots.kind, kind) : undefined,
      ),
    )
    .orderBy(asc(portfolioSnapshots.at), asc(portfolioSnapshots.id))
    .all()
    .map(snapshotRow)
}

/** The latest snapshot of a kind in [from, to], or null. */
export function latestSnapshot(
  db: Db,
  account: string,
  kind: SnapshotKind,
  from: number,
  to: number,
): SnapshotRow | null {
  const r = db
    .select()
    .from(portfolioSnapshots)
    .where(
      and(
        eq(portfolioSnapshots.account, account),
        eq(portfolioSnapshots.kind, kind),
        gte(portfolioSnapshots.at, from),
        lte(portfolioSnapshots.at, to),
      ),
    )
    .orderBy(desc(portfolioSnapshots.at))
    .limit(1)
    .get()
  return r ? snapshotRow(r) : null
}

function snapshotRow(r: typeof portfolioSnapshots.$inferSelect): SnapshotRow {
  return {
    id: r.id,
    account: r.account,
    at: r.at,
    kind: r.kind as SnapshotKind,
    netLiquidation: toMicros(r.netLiquidation),
    cash: toMicros(r.cash),
    realized: toMicros(r.realizedPnl),
    unrealized: toMicros(r.unrealizedPnl),
    payload: r.payload,
  }
}
