import { sql } from 'drizzle-orm'
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'
import { FireOutcome, RunStatus, RunTrigger, SignalAction, StepStatus } from '../../contract/models'
import { json, jsonValid, oneOf, nullOr } from './columns'
import { strategies, promptVersions } from './prompts-strategies'

// Run lineage (F8, F17): runs and their steps, schedule fires, artifacts, signals and LLM usage.

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    strategyId: text('strategy_id').references(() => strategies.id),
    trigger: text('trigger').notNull(),
    status: text('status').notNull(),
    scheduledFor: integer('scheduled_for'),
    /** Sequence of this strategy's runs on its trading date; part of client order ids. */
    daySeq: integer('day_seq'),
    replayOf: text('replay_of').references((): AnySQLiteColumn => runs.id),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    leaseUntil: integer('lease_until'),
    appVersion: text('app_version').notNull(),
    summary: json('summary'),
    error: text('error'),
  },
  (t) => [
    oneOf('runs', t.trigger, RunTrigger.options),
    oneOf('runs', t.status, RunStatus.options),
    check('runs_summary_json', nullOr(t.summary, sql`json_valid(${t.summary})`)),
    uniqueIndex('runs_strategy_scheduled').on(t.strategyId, t.scheduledFor),
    index('runs_started').on(t.startedAt),
    index('runs_strategy_started').on(t.strategyId, t.startedAt),
    index('runs_status_started').on(t.status, t.startedAt),
  ],
)

export const scheduleFires = sqliteTable(
  'schedule_fires',
  {
    strategyId: text('strategy_id')
      .notNull()
      .references(() => strategies.id),
    scheduledFor: integer('scheduled_for').notNull(),
    outcome: text('outcome').notNull(),
    runId: text('run_id').references(() => runs.id),
    reason: text('reason').notNull(),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.strategyId, t.scheduledFor] }),
    oneOf('schedule_fires', t.outcome, FireOutcome.options),
  ],
)

export const runSteps = sqliteTable(
  'run_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    step: text('step').notNull(),
    seq: integer('seq').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').notNull(),
    input: json('input').notNull(),
    output: json('output'),
    error: json('error'),
    artifacts: json('artifacts').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: real('duration_ms').notNull(),
  },
  (t) => [
    oneOf('run_steps', t.status, StepStatus.options),
    jsonValid('run_steps', t.input),
    jsonValid('run_steps', t.artifacts),
    check('run_steps_output_json', nullOr(t.output, sql`json_valid(${t.output})`)),
    check('run_steps_error_json', nullOr(t.error, sql`json_valid(${t.error})`)),
    uniqueIndex('run_steps_run_seq_attempt').on(t.runId, t.seq, t.attempt),
    index('run_steps_step_started').on(t.step, t.startedAt),
    // Covering index for step statistics: the scan never touches the (large) rows.
    index('run_steps_stats').on(t.step, t.startedAt, t.status, t.durationMs),
  ],
)

export const artifacts = sqliteTable(
  'artifacts',
  {
    sha256: text('sha256').primaryKey(),
    kind: text('kind').notNull(),
    mime: text('mime').notNull(),
    bytes: integer('bytes').notNull(),
    path: text('path').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [check('artifacts_sha256_hex', sql`length(${t.sha256}) = 64`)],
)

export const signals = sqliteTable(
  'signals',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    strategyId: text('strategy_id').references(() => strategies.id),
    conid: integer('conid').notNull(),
    symbol: text('symbol').notNull(),
    action: text('action').notNull(),
    confidence: real('confidence'),
    entry: text('entry'),
    stop: text('stop'),
    targets: json('targets').notNull(),
    rewardRisk: real('reward_risk'),
    status: text('status').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    promptVersionId: text('prompt_version_id').references(() => promptVersions.id),
    payload: json('payload').notNull(),
    outcome: json('outcome'),
    expiresAt: integer('expires_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    oneOf('signals', t.action, SignalAction.options),
    jsonValid('signals', t.targets),
    jsonValid('signals', t.payload),
    check('signals_outcome_json', nullOr(t.outcome, sql`json_valid(${t.outcome})`)),
    index('signals_created').on(t.createdAt),
    index('signals_strategy_created').on(t.strategyId, t.createdAt),
  ],
)

export const llmUsage = sqliteTable(
  'llm_usage',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    runId: text('run_id').references(() => runs.id),
    strategyId: text('strategy_id'),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    purpose: text('purpose').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    /** Cost in millionths of a US dollar (integer, never a float sum). */
    costMicros: integer('cost_micros').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    /** False when no price is known for the model: the cost is then unknown, not zero. */
    priced: integer('priced', { mode: 'boolean' }).notNull().default(true),
    step: text('step'),
    /** Per HTTP attempt (LLM.md §9): structured mode, images, finish reason, HTTP status, error. */
    detail: json('detail'),
  },
  (t) => [
    index('llm_usage_at').on(t.at),
    index('llm_usage_strategy_at').on(t.strategyId, t.at),
    index('llm_usage_run').on(t.runId),
  ],
)
