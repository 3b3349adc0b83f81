import { and, desc, eq, gte, inArray, lt, lte, ne, sql } from 'drizzle-orm'
import { StepId as StepIdSchema, type RunStep, type RunSummary, type StepId } from '../contract/models'

const StepIdValues = StepIdSchema.options
import type { Db } from './db'
import { jsonValue, prepared, slot } from './prepared'
import { runs, runSteps, strategies } from './schema'

// The lineage store (F8/F17): one `runs` row per run, one `run_steps` row per finished step
// attempt, each written in its own short transaction so nothing recorded is ever lost to a later
// failure. Reads serve the timeline: recent runs by page, one run with its ordered steps, stats.

export interface NewRun {
  id: string
  strategyId: string | null
  trigger: RunSummary['trigger']
  startedAt: number
  scheduledFor: number | null
  replayOf: string | null
  appVersion: string
  /** This strategy's sequence number of runs on the trading date (part of client order ids). */
  daySeq?: number | null
}

export interface StepRecord {
  runId: string
  step: StepId
  seq: number
  attempt: number
  status: RunStep['status']
  startedAt: number
  durationMs: number
  input: unknown
  output: unknown
  error: RunStep['error']
  artifacts: string[]
}

export function createRun(db: Db, r: NewRun): void {
  const insert = prepared(db, 'createRun', () =>
    db
      .insert(runs)
      .values({
        id: slot('id'),
        strategyId: slot('strategyId'),
        trigger: slot('trigger'),
        status: 'running',
        scheduledFor: slot('scheduledFor'),
        daySeq: slot('daySeq'),
        replayOf: slot('replayOf'),
        startedAt: slot('startedAt'),
        appVersion: slot('appVersion'),
      })
      .prepare(),
  )
  insert.run({
    id: r.id,
    strategyId: r.strategyId,
    trigger: r.trigger,
    scheduledFor: r.scheduledFor,
    daySeq: r.daySeq ?? null,
    replayOf: r.replayOf,
    startedAt: r.startedAt,
    appVersion: r.appVersion,
  })
}

export function recordStep(db: Db, s: StepRecord): void {
  recordSteps(db, [s])
}

/** Several step rows (an evaluation decision's, written when it finishes; call inside a transaction). */
export function recordSteps(db: Db, rows: readonly StepRecord[]): void {
  const insert = prepared(db, 'recordStep', () =>
    db
      .insert(runSteps)
      .values({
        runId: slot('runId'),
        step: slot('step'),
        seq: slot('seq'),
        attempt: slot('attempt'),
        status: slot('status'),
        startedAt: slot('startedAt'),
        durationMs: slot('durationMs'),
        input: slot('input'),
        output: slot('output'),
        error: slot('error'),
        artifacts: slot('artifacts'),
      })
      .prepare(),
  )
  for (const s of rows)
    insert.run({
      runId: s.runId,
      step: s.step,
      seq: s.seq,
      attempt: s.attempt,
      status: s.status,
      startedAt: s.startedAt,
      durationMs: s.durationMs,
      input: jsonValue(s.input),
      output: jsonValue(s.output),
      error: jsonValue(s.error),
      artifacts: jsonValue(s.artifacts),
    })
}

export function finishRun(
  db: Db,
  id: string,
  status: 'succeeded' | 'failed' | 'aborted',
  endedAt: number,
  error: string | null,
  summary: unknown,
): void {
  const update = prepared(db, 'finishRun', () =>
    db
      .update(runs)
      .set({ status: slot('status'), endedAt: slot('endedAt'), error: slot('error'), summary: slot('summary') })
      .where(and(eq(runs.id, sql.placeholder('id')), eq(runs.status, 'running')))
      .prepare(),
  )
  update.run({ id, status, endedAt, error, summary: jsonValue(summary) })
}

/** At start-up: runs a crash left `running` become `aborted`. Returns their ids. */
export function abortInterruptedRuns(db: Db, at: number): string[] {
  const ids = db
    .select({ id: runs.id })
    .from(runs)
    .where(eq(runs.status, 'running'))
    .all()
    .map((r) => r.id)
  if (ids.length > 0)
    db.update(runs)
      .set({ status: 'aborted', endedAt: at, error: 'The app stopped while this run was in progress' })
      .where(eq(runs.status, 'running'))
      .run()
  return ids
}

const summaryOf = (r: typeof runs.$inferSelect, strategyName: string | null): RunSummary => ({
  id: r.id,
  strategyId: r.strategyId,
  strategyName,
  trigger: r.trigger as RunSummary['trigger'],
  status: r.status as RunSummary['status'],
  startedAt: r.startedAt,
  endedAt: r.endedAt,
  scheduledFor: r.scheduledFor,
  replayOf: r.replayOf,
  error: r.error,
})

export interface RunFilter {
  strategyId?: string
  status?: RunSummary['status']
  from?: number
  to?: number
  /** Keyset paging: runs that started before this (exclusive). */
  before?: number
  /** Evaluation runs (trigger `eval`) are hidden unless asked for. */
  includeEval?: boolean
  limit: number
}

/** Newest first, keyset-paged on `started_at` (fast at any depth). */
export function listRuns(db: Db, f: RunFilter): RunSummary[] {
  const where = and(
    f.strategyId ? eq(runs.strategyId, f.strategyId) : undefined,
    f.status ? eq(runs.status, f.status) : undefined,
    f.from !== undefined ? gte(runs.startedAt, f.from) : undefined,
    f.to !== undefined ? lte(runs.startedAt, f.to) : undefined,
    f.before !== undefined ? lt(runs.startedAt, f.before) : undefined,
    f.includeEval ? undefined : ne(runs.trigger, 'eval'),
  )
  return db
    .select({ run: runs, name: strategies.name })
    .from(runs)
    .leftJoin(strategies, eq(strategies.id, runs.strategyId))
    .where(where)
    .orderBy(desc(runs.startedAt))
    .limit(f.limit)
    .all()
    .map((r) => summaryOf(r.run, r.name))
}

/** A run's summary without its steps (what `lineage.runUpdated` carries). */
export function getRunSummary(db: Db, id: string): RunSummary | null {
  const row = runWithStrategyName(db, id)
  return row ? summaryOf(row.run, row.name) : null
}

function runWithStrategyName(db: Db, id: string) {
  const select = prepared(db, 'runWithStrategyName', () =>
    db
      .select({ run: runs, name: strategies.name })
      .from(runs)
      .leftJoin(strategies, eq(strategies.id, runs.strategyId))
      .where(eq(runs.id, sql.placeholder('id')))
      .prepare(),
  )
  return select.get({ id })
}

export function getRun(db: Db, id: string): (RunSummary & { steps: RunStep[] }) | null {
  const row = runWithStrategyName(db, id)
  if (!row) return null
  const r = row.run
  const steps = db
    .select()
    .from(runSteps)
    .where(eq(runSteps.runId, id))
    .orderBy(runSteps.seq, runSteps.attempt)
    .all()
    .map((s): RunStep => ({
      step: s.step as StepId,
      seq: s.seq,
      attempt: s.attempt,
      status: s.status as RunStep['status'],
      startedAt: s.startedAt,
      durationMs: s.durationMs,
      input: s.input,
      output: s.output,
      error: s.error as RunStep['error'],
      artifacts: s.artifacts as string[],
    }))
  return { ...summaryOf(r, row.name), steps }
}

export interface StepStats {
  step: string
  total: number
  succeeded: number
  failed: number
  p50Ms: number | null
  p95Ms: number | null
}

/** An evaluation decision never lasts a day: its steps start within a day of its run's start. */
const EVAL_RUN_SPAN_MS = 86_400_000

/**
 * Per step over a time window: counts and duration percentiles, one range of the covering index
 * `run_steps(step, started_at, status, duration_ms)` per step, so it stays fast on a large store. Evaluation
 * runs are left out (the lab records thousands of as-of decisions whose steps say nothing about how the live
 * runs behave): their steps in the window are read through the runs' start index and taken out of each
 * step's figures, instead of looking up every step's run.
 */
export function stepStats(db: Db, from: number, to: number): StepStats[] {
  const evalSteps = new Map<string, { status: string; d: number }[]>()
  const evalRuns = db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.trigger, 'eval'), gte(runs.startedAt, from - EVAL_RUN_SPAN_MS), lte(runs.startedAt, to)))
  for (const r of db
    .select({ step: runSteps.step, status: runSteps.status, d: runSteps.durationMs })
    .from(runSteps)
    .where(and(inArray(runSteps.runId, evalRuns), gte(runSteps.startedAt, from), lte(runSteps.startedAt, to)))
    .all())
    evalSteps.set(r.step, [...(evalSteps.get(r.step) ?? []), r])
  const out: StepStats[] = []
  for (const step of StepIdValues) {
    const rows = stepRows(db).values({ step, from, to }) as [string, number][]
    const left = evalSteps.get(step) ?? []
    if (rows.length - left.length <= 0) continue
    const all = new Float64Array(rows.length)
    let succeeded = 0
    let failed = 0
    rows.forEach(([status, d], i) => {
      all[i] = d
      if (status === 'succeeded') succeeded++
      else if (status === 'failed') failed++
    })
    for (const r of left) {
      if (r.status === 'succeeded') succeeded--
      else if (r.status === 'failed') failed--
    }
    const d = withoutSorted(all.sort(), Float64Array.from(left, (r) => r.d).sort())
    const at = (p: number) => d[Math.min(d.length - 1, Math.ceil(p * d.length) - 1)]!
    out.push({ step, total: d.length, succeeded, failed, p50Ms: at(0.5), p95Ms: at(0.95) })
  }
  return out
}

/** One step's rows in a window as plain value arrays (mapping ~100,000 rows to objects cost more than the read). */
const stepRows = (db: Db) =>
  prepared(db, 'stepRows', () =>
    db
      .select({ status: runSteps.status, d: runSteps.durationMs })
      .from(runSteps)
      .where(
        and(
          eq(runSteps.step, sql.placeholder('step')),
          gte(runSteps.startedAt, sql.placeholder('from')),
          lte(runSteps.startedAt, sql.placeholder('to')),
        ),
      )
      .prepare(),
  )

/** Sorted `all` without the values of sorted `some` (a sub-multiset of it), one for one. */
function withoutSorted(all: Float64Array, some: Float64Array): Float64Array {
  if (some.length === 0) return all
  const out = new Float64Array(all.length - some.length)
  let j = 0
  let k = 0
  for (const v of all) {
    if (j < some.length && v === some[j]) j++
    else out[k++] = v
  }
  return out
}

/** Start times of a strategy's runs since `since` (for the day sequence in client order ids). */
export function strategyRunStartsSince(db: Db, strategyId: string, since: number): number[] {
  return db
    .select({ t: runs.startedAt })
    .from(runs)
    .where(and(eq(runs.strategyId, strategyId), gte(runs.startedAt, since)))
    .all()
    .map((r) => r.t)
}

export function runningRunOf(db: Db, strategyId: string): string | null {
  return (
    db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.strategyId, strategyId), eq(runs.status, 'running')))
      .get()?.id ?? null
  )
}

export function countRuns(db: Db): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(runs)
    .get()!.n
}

/** The next attempt number of a step in a run (a step recorded again after the run, e.g. an approval). */
export function nextAttempt(db: Db, runId: string, step: StepId): number {
  return (
    (db
      .select({ a: sql<number | null>`max(${runSteps.attempt})` })
      .from(runSteps)
      .where(and(eq(runSteps.runId, runId), eq(runSteps.step, step)))
      .get()?.a ?? 0) + 1
  )
}
