import { and, asc, desc, eq, gte, isNotNull, lte, sql } from 'drizzle-orm'
import type { EvaluationDecision, EvaluationListItem } from '../contract/evaluations-api'
import type { Bar } from '../contract/models'
import type { Db } from './db'
import { prepared } from './prepared'
import { barsCache, evaluationAnswers, evaluationDecisions, evaluations, evaluationTrials } from './schema'
import { strategies } from './schema'

// Rows of the evaluation lab (F25): evaluations, their decisions, the answer cache, trials, bars.

export type EvaluationRow = typeof evaluations.$inferSelect
export type DecisionRow = typeof evaluationDecisions.$inferSelect

export function insertEvaluation(db: Db, row: typeof evaluations.$inferInsert): void {
  db.insert(evaluations).values(row).run()
}

export function getEvaluation(db: Db, id: string): EvaluationRow | null {
  const select = prepared(db, 'getEvaluation', () =>
    db
      .select()
      .from(evaluations)
      .where(eq(evaluations.id, sql.placeholder('id')))
      .prepare(),
  )
  return select.get({ id }) ?? null
}

export function updateEvaluation(db: Db, id: string, patch: Partial<typeof evaluations.$inferInsert>): void {
  db.update(evaluations).set(patch).where(eq(evaluations.id, id)).run()
}

export function listEvaluations(db: Db, limit = 200): (EvaluationRow & { strategyName: string | null })[] {
  return db
    .select({ e: evaluations, name: strategies.name })
    .from(evaluations)
    .leftJoin(strategies, eq(strategies.id, evaluations.strategyId))
    .orderBy(desc(evaluations.createdAt))
    .limit(limit)
    .all()
    .map((r) => ({ ...r.e, strategyName: r.name }))
}

/** A listed evaluation as the stable `evaluations.list` item (the live store and imported bundles alike). */
export function evaluationListItem(e: EvaluationRow & { strategyName: string | null }): EvaluationListItem {
  return {
    id: e.id,
    strategyId: e.strategyId,
    strategyName: e.strategyName,
    from: e.fromDate,
    to: e.toDate,
    horizon: e.horizon,
    status: e.status as EvaluationListItem['status'],
    progress: { done: e.done, total: e.total },
    createdAt: e.createdAt,
  }
}

export function runningEvaluations(db: Db): EvaluationRow[] {
  return db.select().from(evaluations).where(eq(evaluations.status, 'running')).all()
}

export function insertDecision(db: Db, row: typeof evaluationDecisions.$inferInsert): void {
  db.insert(evaluationDecisions).values(row).onConflictDoNothing().run()
}

export function decisionsOf(
  db: Db,
  evaluationId: string,
  f: { arm?: number; offset?: number; limit?: number; tradesOnly?: boolean } = {},
): DecisionRow[] {
  const q = db
    .select()
    .from(evaluationDecisions)
    .where(
      and(
        eq(evaluationDecisions.evaluationId, evaluationId),
        f.arm !== undefined ? eq(evaluationDecisions.arm, f.arm) : undefined,
        f.tradesOnly ? isNotNull(evaluationDecisions.r) : undefined,
      ),
    )
    .orderBy(asc(evaluationDecisions.arm), asc(evaluationDecisions.date))
  return f.limit !== undefined
    ? q
        .limit(f.limit)
        .offset(f.offset ?? 0)
        .all()
    : q.offset(f.offset ?? 0).all()
}

/**
 * A page of decisions in the contract's shape, each saying whether its run can be opened here:
 * retention may have deleted it (its id stays on the decision), and an evaluation bundle lists
 * those in its meta's `missingRuns` and holds only the runs that were kept.
 */
export function decisionPage(
  db: Db,
  evaluationId: string,
  f: { arm?: number; offset?: number; limit?: number; tradesOnly?: boolean } = {},
): EvaluationDecision[] {
  const rows = decisionsOf(db, evaluationId, f)
  const ids = [...new Set(rows.map((r) => r.runId).filter((id): id is string => id !== null))]
  const kept = new Set(
    ids.length === 0
      ? []
      : db
          .all<{ id: string }>(
            sql`SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
          )
          .map((r) => r.id),
  )
  return rows.map((r) => ({ ...toDecision(r), runKept: r.runId !== null && kept.has(r.runId) }))
}

export function doneKeys(db: Db, evaluationId: string): Set<string> {
  return new Set(
    db
      .select({ arm: evaluationDecisions.arm, date: evaluationDecisions.date })
      .from(evaluationDecisions)
      .where(eq(evaluationDecisions.evaluationId, evaluationId))
      .all()
      .map((r) => `${r.arm}|${r.date}`),
  )
}

export function getAnswer(db: Db, key: string): typeof evaluationAnswers.$inferSelect | null {
  const select = prepared(db, 'getAnswer', () =>
    db
      .select()
      .from(evaluationAnswers)
      .where(eq(evaluationAnswers.key, sql.placeholder('key')))
      .prepare(),
  )
  return select.get({ key }) ?? null
}

export function putAnswer(db: Db, row: typeof evaluationAnswers.$inferInsert): void {
  db.insert(evaluationAnswers).values(row).onConflictDoNothing().run()
}

export function countCachedKeys(db: Db, keys: readonly string[]): number {
  let n = 0
  for (const k of keys) if (getAnswer(db, k)) n++
  return n
}

export function putTrial(db: Db, row: typeof evaluationTrials.$inferInsert): void {
  db.insert(evaluationTrials).values(row).onConflictDoNothing().run()
}

export function trialCount(db: Db, strategyId: string, symbol: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(evaluationTrials)
      .where(and(eq(evaluationTrials.strategyId, strategyId), eq(evaluationTrials.symbol, symbol)))
      .get()?.n ?? 0
  )
}

/** Cached daily bars of one instrument and source between two dates (inclusive), in time order. */
export function cachedBars(db: Db, source: string, conid: number, from: string, to: string): Bar[] {
  return db
    .select()
    .from(barsCache)
    .where(
      and(eq(barsCache.source, source), eq(barsCache.conid, conid), gte(barsCache.date, from), lte(barsCache.date, to)),
    )
    .orderBy(asc(barsCache.date))
    .all()
    .map((r) => ({ t: r.t, o: r.o, h: r.h, l: r.l, c: r.c, v: r.v }))
}

export function cachedRange(db: Db, source: string, conid: number): { first: string; last: string } | null {
  const r = db
    .select({ first: sql<string | null>`min(${barsCache.date})`, last: sql<string | null>`max(${barsCache.date})` })
    .from(barsCache)
    .where(and(eq(barsCache.source, source), eq(barsCache.conid, conid)))
    .get()
  return r?.first && r.last ? { first: r.first, last: r.last } : null
}

export function cacheBars(
  db: Db,
  source: string,
  conid: number,
  bars: readonly (Bar & { date: string })[],
  now: number,
): void {
  db.transaction((tx) => {
    for (const b of bars)
      tx.insert(barsCache)
        .values({ source, conid, date: b.date, t: b.t, o: b.o, h: b.h, l: b.l, c: b.c, v: b.v, fetchedAt: now })
        .onConflictDoNothing()
        .run()
  })
}

/** Dates in [from, to] this strategy already has a cached answer for from `model` (the estimate's cache hits). */
/** Dates with a cached answer of this model from a bright arm (blinded, mirrored or no-chart arms ask otherwise). */
export function cachedDates(db: Db, strategyId: string, model: string, from: string, to: string): number {
  return (
    db.get<{ n: number }>(sql`
      SELECT count(DISTINCT d.date) AS n FROM evaluation_decisions d
      JOIN evaluations e ON e.id = d.evaluation_id
      JOIN evaluation_answers a ON a.key = d.cache_key
      WHERE e.strategy_id = ${strategyId} AND a.model = ${model} AND d.date BETWEEN ${from} AND ${to}
        AND coalesce(json_extract(e.request, '$.arms[' || d.arm || '].blinding'), 'bright') = 'bright'
        AND coalesce(json_extract(e.request, '$.arms[' || d.arm || '].mirror'), 0) = 0
        AND coalesce(json_extract(e.request, '$.arms[' || d.arm || '].charts'), 1) = 1`)?.n ?? 0
  )
}

/** The trials of a strategy and symbol whose window overlaps [from, to] (best-of-N, EVALUATION.md §5). */
export function trialsFor(db: Db, strategyId: string, symbol: string, from: string, to: string) {
  return db
    .select()
    .from(evaluationTrials)
    .where(
      and(
        eq(evaluationTrials.strategyId, strategyId),
        eq(evaluationTrials.symbol, symbol),
        lte(evaluationTrials.fromDate, to),
        gte(evaluationTrials.toDate, from),
      ),
    )
    .orderBy(evaluationTrials.createdAt, evaluationTrials.evaluationId, evaluationTrials.arm)
    .all()
}

/** A finished trial's figures (its row is written before the report with none). */
export function setTrialMetrics(
  db: Db,
  evaluationId: string,
  arm: number,
  m: { sharpe: number | null; expectancyR: number | null },
): void {
  db.update(evaluationTrials)
    .set(m)
    .where(and(eq(evaluationTrials.evaluationId, evaluationId), eq(evaluationTrials.arm, arm)))
    .run()
}

/** A stored decision row in the contract's shape (`evaluations.decisions`, review libraries). */
export function toDecision(r: DecisionRow): EvaluationDecision {
  return {
    date: r.date,
    action: r.action as EvaluationDecision['action'],
    status: r.status as EvaluationDecision['status'],
    entry: r.entry,
    stop: r.stop,
    targets: r.targets as number[],
    confidence: r.confidence,
    fill: r.fillDate !== null && r.fillPrice !== null ? { date: r.fillDate, price: r.fillPrice } : null,
    exit:
      r.exitDate !== null && r.exitPrice !== null && r.exitReason !== null
        ? { date: r.exitDate, price: r.exitPrice, reason: r.exitReason as 'target' }
        : null,
    r: r.r,
    ambiguous: r.ambiguous,
    runId: r.runId,
  }
}
