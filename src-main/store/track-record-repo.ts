import { sql } from 'drizzle-orm'
import type { Db } from './db'

// What the prompt context tells the model about its own record (LLM.md `previous_analyses`,
// `position.stop`): each earlier signal of a strategy and instrument with the realised R of the trade it
// led to, and the open position's working stop. Read as of an instant: nothing later appears.

export interface PreviousSignalRow {
  createdAt: number
  action: string
  outcome: unknown
  /** R of the signal's trade if it had closed by `asOf`; null with no trade, one still open, or no R. */
  rMultiple: number | null
}

/** The last `limit` signals of a strategy on one instrument created by `asOf`, newest first. */
export function previousSignals(
  db: Db,
  strategyId: string,
  conid: number,
  asOf: number,
  limit: number,
): PreviousSignalRow[] {
  const rows = db.all<{ createdAt: number; action: string; outcome: string | null; rMultiple: number | null }>(sql`
    SELECT s.created_at AS createdAt, s.action AS action, s.outcome AS outcome,
      (SELECT t.r_multiple FROM trades t
        WHERE t.signal_id = s.id AND t.closed_at IS NOT NULL AND t.closed_at <= ${asOf}
        ORDER BY t.closed_at DESC LIMIT 1) AS rMultiple
    FROM signals s
    WHERE s.strategy_id = ${strategyId} AND s.conid = ${conid} AND s.created_at <= ${asOf}
    ORDER BY s.created_at DESC LIMIT ${limit}`)
  return rows.map((r) => ({ ...r, outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as unknown) }))
}

/** Orders that still protect a position at the broker (or are about to). */
const WORKING = ['PENDING_SUBMIT', 'AWAITING_REPLY', 'SUBMITTED', 'PARTIALLY_FILLED']

/**
 * The stop price of the strategy's working stop order on this instrument and account (a bracket's stop
 * leg, or a stop the trader moved): the most recently updated one; null when there is none.
 */
export function workingStop(db: Db, strategyId: string, account: string, conid: number): number | null {
  const row = db.get<{ aux: string | null }>(sql`
    SELECT o.aux_price AS aux FROM orders o JOIN runs r ON r.id = o.run_id
    WHERE r.strategy_id = ${strategyId} AND o.account = ${account} AND o.conid = ${conid}
      AND o.leg = 'stop' AND o.aux_price IS NOT NULL
      AND o.status IN (${sql.join(
        WORKING.map((w) => sql`${w}`),
        sql`, `,
      )})
    ORDER BY o.updated_at DESC LIMIT 1`)
  const n = row?.aux == null ? NaN : Number(row.aux)
  return Number.isFinite(n) ? n : null
}
