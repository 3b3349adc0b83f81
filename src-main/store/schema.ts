import { sql, type SQL } from 'drizzle-orm'
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
import {
  ApprovalMode,
  FireOutcome,
  OrderLeg,
  OrderOrigin,
  OrderSide,
  OrderStatus,
  OrderType,
  RunStatus,
  RunTrigger,
  SignalAction,
  StepStatus,
  StrategyMode,
  TimeInForce,
} from '../contract/models'

// Conventions (RELIABILITY.md §4): times are UTC epoch ms INTEGER; quantities are integers; money is
// decimal TEXT; JSON is TEXT checked with json_valid; status columns are CHECKed against the shared enums.
// No ON DELETE CASCADE anywhere: foreign keys default to NO ACTION, so parents with children cannot go.

const json = (name: string) => text(name, { mode: 'json' })
const jsonValid = (table: string, col: AnySQLiteColumn) => check(`${table}_${col.name}_json`, sql`json_valid(${col})`)
const oneOf = (table: string, col: AnySQLiteColumn, values: readonly string[]): ReturnType<typeof check> =>
  check(
    `${table}_${col.name}_enum`,
    sql`${col} IN (${sql.join(
      values.map((v) => sql.raw(`'${v}'`)),
      sql`, `,
    )})`,
  )
const nullOr = (col: AnySQLiteColumn, cond: SQL) => sql`(${col} IS NULL OR ${cond})`

export const settings = sqliteTable(
  'settings',
  {
    key: text('key').primaryKey(),
    value: json('value').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [jsonValid('settings', t.value)],
)

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    details: json('details').notNull(),
  },
  (t) => [jsonValid('audit_log', t.details), index('audit_log_at').on(t.at)],
)

export const instance = sqliteTable(
  'instance',
  {
    id: integer('id').primaryKey(),
    pid: integer('pid').notNull(),
    host: text('host').notNull(),
    startedAt: integer('started_at').notNull(),
    heartbeatAt: integer('heartbeat_at').notNull(),
  },
  (t) => [check('instance_single_row', sql`${t.id} = 1`)],
)

export const instruments = sqliteTable(
  'instruments',
  {
    conid: integer('conid').primaryKey(),
    symbol: text('symbol').notNull(),
    name: text('name').notNull(),
    exchange: text('exchange').notNull(),
    secType: text('sec_type').notNull(),
    currency: text('currency').notNull(),
    details: json('details').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [jsonValid('instruments', t.details), index('instruments_symbol').on(t.symbol)],
)

export const watchlist = sqliteTable('watchlist', {
  conid: integer('conid')
    .primaryKey()
    .references(() => instruments.conid),
  position: integer('position').notNull(),
  addedAt: integer('added_at').notNull(),
})

export const strategies = sqliteTable(
  'strategies',
  {
    id: text('id').primaryKey(),
    /** Short immutable key used in client order ids (`[A-Za-z0-9]`). */
    key: text('key').notNull().unique(),
    name: text('name').notNull(),
    mode: text('mode').notNull(),
    approval: text('approval').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    config: json('config').notNull(),
    revision: integer('revision').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    oneOf('strategies', t.mode, StrategyMode.options),
    oneOf('strategies', t.approval, ApprovalMode.options),
    jsonValid('strategies', t.config),
  ],
)

export const promptTemplates = sqliteTable(
  'prompt_templates',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    purpose: text('purpose').notNull(),
    scope: text('scope').notNull(),
    strategyId: text('strategy_id').references(() => strategies.id),
    isDefault: integer('is_default', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    archivedAt: integer('archived_at'),
  },
  (t) => [oneOf('prompt_templates', t.scope, ['global', 'strategy'])],
)

export const promptVersions = sqliteTable(
  'prompt_versions',
  {
    id: text('id').primaryKey(),
    templateId: text('template_id')
      .notNull()
      .references(() => promptTemplates.id),
    version: integer('version').notNull(),
    system: text('system').notNull(),
    body: text('body').notNull(),
    variables: json('variables').notNull(),
    sha256: text('sha256').notNull(),
    note: text('note').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('prompt_versions_template_version').on(t.templateId, t.version),
    jsonValid('prompt_versions', t.variables),
  ],
)

export const schedules = sqliteTable(
  'schedules',
  {
    strategyId: text('strategy_id')
      .primaryKey()
      .references(() => strategies.id),
    cron: text('cron').notNull(),
    tz: text('tz').notNull(),
    missedPolicy: text('missed_policy').notNull(),
    graceMs: integer('grace_ms').notNull(),
    paused: integer('paused', { mode: 'boolean' }).notNull(),
    nextRunAt: integer('next_run_at'),
    lastSeenAt: integer('last_seen_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [oneOf('schedules', t.missedPolicy, ['skip', 'run_latest_if_within_grace'])],
)

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

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    clientOrderId: text('client_order_id').notNull().unique(),
    runId: text('run_id').references(() => runs.id),
    signalId: text('signal_id').references(() => signals.id),
    parentId: text('parent_id').references((): AnySQLiteColumn => orders.id),
    leg: text('leg').notNull(),
    origin: text('origin').notNull(),
    mode: text('mode').notNull(),
    account: text('account').notNull(),
    conid: integer('conid').notNull(),
    side: text('side').notNull(),
    orderType: text('order_type').notNull(),
    tif: text('tif').notNull(),
    qty: integer('qty').notNull(),
    limitPrice: text('limit_price'),
    auxPrice: text('aux_price'),
    outsideRth: integer('outside_rth', { mode: 'boolean' }).notNull(),
    brokerOrderId: text('broker_order_id'),
    status: text('status').notNull(),
    filledQty: integer('filled_qty').notNull(),
    avgFillPrice: text('avg_fill_price'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    oneOf('orders', t.status, OrderStatus.options),
    oneOf('orders', t.leg, OrderLeg.options),
    oneOf('orders', t.origin, OrderOrigin.options),
    oneOf('orders', t.mode, StrategyMode.options),
    oneOf('orders', t.side, OrderSide.options),
    oneOf('orders', t.orderType, OrderType.options),
    oneOf('orders', t.tif, TimeInForce.options),
    check('orders_qty_positive', sql`${t.qty} > 0`),
    check('orders_filled_range', sql`${t.filledQty} >= 0 AND ${t.filledQty} <= ${t.qty}`),
    index('orders_run').on(t.runId),
    index('orders_broker').on(t.brokerOrderId),
    index('orders_status').on(t.status),
  ],
)

export const orderEvents = sqliteTable(
  'order_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    payload: json('payload').notNull(),
  },
  (t) => [jsonValid('order_events', t.payload), index('order_events_order').on(t.orderId, t.at)],
)

export const executions = sqliteTable(
  'executions',
  {
    /** IBKR execution id: the dedupe key of the append-only fills ledger. */
    execId: text('exec_id').primaryKey(),
    orderId: text('order_id').references(() => orders.id),
    brokerOrderId: text('broker_order_id').notNull(),
    account: text('account').notNull(),
    conid: integer('conid').notNull(),
    side: text('side').notNull(),
    qty: integer('qty').notNull(),
    price: text('price').notNull(),
    commission: text('commission').notNull(),
    at: integer('at').notNull(),
    raw: json('raw').notNull(),
  },
  (t) => [
    oneOf('executions', t.side, OrderSide.options),
    check('executions_qty_positive', sql`${t.qty} > 0`),
    jsonValid('executions', t.raw),
    index('executions_at').on(t.at),
    index('executions_order').on(t.orderId),
  ],
)

export const positions = sqliteTable(
  'positions',
  {
    account: text('account').notNull(),
    /** '' for positions not attributed to a strategy (manual or external). */
    strategyId: text('strategy_id').notNull(),
    conid: integer('conid').notNull(),
    qty: integer('qty').notNull(),
    avgCost: text('avg_cost').notNull(),
    realizedPnl: text('realized_pnl').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.strategyId, t.conid] })],
)

export const trades = sqliteTable(
  'trades',
  {
    id: text('id').primaryKey(),
    account: text('account').notNull(),
    strategyId: text('strategy_id').notNull(),
    conid: integer('conid').notNull(),
    runId: text('run_id').references(() => runs.id),
    signalId: text('signal_id').references(() => signals.id),
    direction: text('direction').notNull(),
    qty: integer('qty').notNull(),
    entryPrice: text('entry_price').notNull(),
    exitPrice: text('exit_price'),
    initialRisk: text('initial_risk'),
    realizedPnl: text('realized_pnl'),
    fees: text('fees').notNull(),
    rMultiple: real('r_multiple'),
    openedAt: integer('opened_at').notNull(),
    closedAt: integer('closed_at'),
  },
  (t) => [oneOf('trades', t.direction, ['long', 'short']), index('trades_closed').on(t.closedAt)],
)

export const portfolioSnapshots = sqliteTable(
  'portfolio_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    account: text('account').notNull(),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    netLiquidation: text('net_liquidation').notNull(),
    cash: text('cash').notNull(),
    realizedPnl: text('realized_pnl').notNull(),
    unrealizedPnl: text('unrealized_pnl').notNull(),
    payload: json('payload').notNull(),
  },
  (t) => [
    oneOf('portfolio_snapshots', t.kind, ['close', 'intraday', 'start_of_day']),
    jsonValid('portfolio_snapshots', t.payload),
    uniqueIndex('portfolio_snapshots_account_at_kind').on(t.account, t.at, t.kind),
  ],
)

export const riskState = sqliteTable('risk_state', {
  account: text('account').primaryKey(),
  killSwitch: integer('kill_switch', { mode: 'boolean' }).notNull(),
  killReason: text('kill_reason'),
  killAt: integer('kill_at'),
  dailyLossLatched: integer('daily_loss_latched', { mode: 'boolean' }).notNull(),
  tradingDate: text('trading_date'),
  startOfDayNav: text('start_of_day_nav'),
  updatedAt: integer('updated_at').notNull(),
})

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

/** Ask-first strategies (F15): a proposed order waits here for a person, or times out (rejected). */
export const approvals = sqliteTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    signalId: text('signal_id').references(() => signals.id),
    strategyId: text('strategy_id').notNull(),
    account: text('account').notNull(),
    status: text('status').notNull(),
    /** The proposed orders, levels, size, R and chart thumbnail hash, as shown to the person. */
    payload: json('payload').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    decidedAt: integer('decided_at'),
    decidedBy: text('decided_by'),
    reason: text('reason'),
  },
  (t) => [
    oneOf('approvals', t.status, ['pending', 'approved', 'rejected', 'expired']),
    jsonValid('approvals', t.payload),
    index('approvals_status').on(t.status, t.createdAt),
  ],
)
export * from './schema/evaluation'
