import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { json, jsonValid, oneOf } from './columns'
import { runs, signals } from './lineage'

// The portfolio: positions, round-trip trades and snapshots.

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
