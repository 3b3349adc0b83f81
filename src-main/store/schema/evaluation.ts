import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// The evaluation lab (F25, EVALUATION.md): evaluations and their arms, one row per decision with its
// fill and outcome, the answer cache keyed by everything that reaches the model, the trial count,
// and a cache of daily bars so the same bars are never fetched twice.

export const evaluations = sqliteTable(
  'evaluations',
  {
    id: text('id').primaryKey(),
    strategyId: text('strategy_id').notNull(),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date').notNull(),
    horizon: integer('horizon').notNull(),
    /** The request as given (arms, options), JSON. */
    request: text('request', { mode: 'json' }).notNull(),
    status: text('status').notNull(),
    done: integer('done').notNull(),
    total: integer('total').notNull(),
    error: text('error'),
    /** Where the bars came from: 'simulator' or 'gateway'. */
    source: text('source'),
    /** Hard budget in millionths of a USD; null = no LLM spend allowed beyond the estimate. */
    budgetMicros: integer('budget_micros'),
    spentMicros: integer('spent_micros').notNull(),
    report: text('report', { mode: 'json' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    check('evaluations_status_enum', sql`${t.status} IN ('running', 'succeeded', 'failed', 'cancelled')`),
    check('evaluations_request_json', sql`json_valid(${t.request})`),
    check('evaluations_report_json', sql`(${t.report} IS NULL OR json_valid(${t.report}))`),
    index('evaluations_created').on(t.createdAt),
  ],
)

export const evaluationDecisions = sqliteTable(
  'evaluation_decisions',
  {
    evaluationId: text('evaluation_id')
      .notNull()
      .references(() => evaluations.id),
    arm: integer('arm').notNull(),
    date: text('date').notNull(),
    runId: text('run_id'),
    cacheKey: text('cache_key').notNull(),
    /** Hash of the as-of inputs (bars, indicators, context) for the look-ahead self-test. */
    inputsSha256: text('inputs_sha256').notNull(),
    action: text('action').notNull(),
    status: text('status').notNull(),
    entry: real('entry'),
    stop: real('stop'),
    targets: text('targets', { mode: 'json' }).notNull(),
    confidence: real('confidence'),
    fillDate: text('fill_date'),
    fillPrice: real('fill_price'),
    exitDate: text('exit_date'),
    exitPrice: real('exit_price'),
    exitReason: text('exit_reason'),
    r: real('r'),
    rOptimistic: real('r_optimistic'),
    ambiguous: integer('ambiguous', { mode: 'boolean' }).notNull(),
    pnl: real('pnl'),
    costs: real('costs').notNull(),
    mfeR: real('mfe_r'),
    maeR: real('mae_r'),
    costMicros: integer('cost_micros').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Pure recomputations of the same bracket (EVALUATION.md §2): R net under each slippage of the
     * sweep, and the ambiguous path resolved from intraday bars. Null on rows from before. */
    fillVariants: text('fill_variants', { mode: 'json' }).$type<FillVariants>(),
  },
  (t) => [
    primaryKey({ columns: [t.evaluationId, t.arm, t.date] }),
    check('evaluation_decisions_targets_json', sql`json_valid(${t.targets})`),
    check(
      'evaluation_decisions_exit_enum',
      sql`(${t.exitReason} IS NULL OR ${t.exitReason} IN ('target', 'stop', 'time', 'expired'))`,
    ),
    index('evaluation_decisions_run').on(t.runId),
  ],
)

/** Analyst answers by a hash of everything that reaches the model: a cached answer costs 0. */
export const evaluationAnswers = sqliteTable('evaluation_answers', {
  key: text('key').primaryKey(),
  provider: text('provider').notNull(),
  model: text('model').notNull(),
  rawText: text('raw_text').notNull(),
  answer: text('answer', { mode: 'json' }).notNull(),
  costMicros: integer('cost_micros').notNull(),
  createdAt: integer('created_at').notNull(),
})

/** Every evaluation counts as a trial for its strategy, symbol and window (deflated Sharpe, Holm). */
export const evaluationTrials = sqliteTable(
  'evaluation_trials',
  {
    evaluationId: text('evaluation_id')
      .notNull()
      .references(() => evaluations.id),
    arm: integer('arm').notNull(),
    strategyId: text('strategy_id').notNull(),
    symbol: text('symbol').notNull(),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date').notNull(),
    label: text('label').notNull(),
    sharpe: real('sharpe'),
    expectancyR: real('expectancy_r'),
    trades: integer('trades').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.evaluationId, t.arm] }),
    index('evaluation_trials_strategy').on(t.strategyId, t.symbol),
  ],
)

/** Daily bars by source, so the same bars are never fetched twice. */
export const barsCache = sqliteTable(
  'bars_cache',
  {
    source: text('source').notNull(),
    conid: integer('conid').notNull(),
    date: text('date').notNull(),
    t: integer('t').notNull(),
    o: real('o').notNull(),
    h: real('h').notNull(),
    l: real('l').notNull(),
    c: real('c').notNull(),
    v: real('v').notNull(),
    fetchedAt: integer('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.conid, t.date] })],
)

export interface FillVariants {
  /** R net by slippage in basis points ("0", "5", "10", "25"); null when unfilled or still open. */
  sweep: Record<string, number | null>
  /** The first ambiguous daily bar, the bracket, and the R net of the stop-first and target-first paths. */
  ambiguousAt?: {
    date: string
    intrabarEntry: boolean
    bracket: { side: 'BUY' | 'SELL'; entry: number; stop: number; target: number }
    rStop: number | null
    rTarget: number | null
  } | null
  /** That bar resolved from intraday bars: which level came first and the R net of that path; null
   * when the intraday bars could not settle it. Absent when no intraday history was asked. */
  intraday?: { first: 'stop' | 'target'; r: number | null; bar: string } | null
}
