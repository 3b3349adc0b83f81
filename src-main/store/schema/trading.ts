import { sql } from 'drizzle-orm'
import { type AnySQLiteColumn, check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import {
  OrderLeg,
  OrderOrigin,
  OrderSide,
  OrderStatus,
  OrderType,
  StrategyMode,
  TimeInForce,
} from '../../contract/models'
import { json, jsonValid, oneOf } from './columns'
import { runs, signals } from './lineage'

// Trading: orders with their events and executions, approvals waiting for a person, the risk state.

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
