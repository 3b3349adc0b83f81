import { z } from 'zod'
import { Conid, OrderLeg, OrderOrigin, OrderSide, OrderStatus, StrategyMode, TimeInForce } from './models'

// Orders, risk and approvals (F12–F15): methods and shapes. Stable names (ARCHITECTURE.md):
// orders.list, orders.place, orders.preview, orders.cancel, risk.get, risk.setKillSwitch,
// approvals.list, approvals.decide.

const Id = z.string().min(1).max(64)
const Price = z.number().finite().positive().max(1_000_000)
const Reason = z.string().trim().max(300)

export const OrderEventView = z.object({ at: z.number().int(), kind: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), payload: z.unknown() })

export const OrderView = z.object({
  id: z.string(),
  clientOrderId: z.string(),
  runId: z.string().nullable(),
  signalId: z.string().nullable(),
  parentId: z.string().nullable(),
  leg: OrderLeg,
  origin: OrderOrigin,
  mode: StrategyMode,
  account: z.string(),
  conid: Conid,
  symbol: z.string().nullable(),
  side: OrderSide,
  orderType: z.string(),
  tif: z.string(),
  qty: z.number().int(),
  limitPrice: z.number().nullable(),
  auxPrice: z.number().nullable(),
  brokerOrderId: z.string().nullable(),
  status: OrderStatus,
  filledQty: z.number().int(),
  avgFillPrice: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** A question from the broker this order waits on (answer with orders.answerReply). */
  question: z.object({ messages: z.array(z.string()), messageIds: z.array(z.string()), expiresAt: z.number().int() }).nullable(),
})
export type OrderView = z.infer<typeof OrderView>

/** A manual order from the ticket: a limit or stop order, through the same risk gate as any other. */
export const ManualOrder = z
  .object({
    conid: Conid,
    side: OrderSide,
    qty: z.number().int('Whole shares only').min(1, 'At least one share').max(100_000),
    orderType: z.enum(['LMT', 'STP']),
    price: Price,
    tif: TimeInForce.default('DAY'),
    outsideRth: z.boolean().default(false),
  })
  .strict()
export type ManualOrder = z.output<typeof ManualOrder>

const Check = z.object({ rule: z.string(), passed: z.boolean(), value: z.string(), limit: z.string(), message: z.string() })
export const GateView = z.object({ allowed: z.boolean(), reason: z.string().nullable(), checks: z.array(Check) })

export const RiskView = z.object({
  account: z.string(),
  killSwitch: z.boolean(),
  killReason: z.string().nullable(),
  killAt: z.number().int().nullable(),
  dailyLossLatched: z.boolean(),
  tradingDate: z.string().nullable(),
  startOfDayNav: z.number().nullable(),
  dailyLossLimitPct: z.number(),
  liveArmed: z.boolean(),
  reconciled: z.boolean(),
})
export type RiskViewT = z.infer<typeof RiskView>

export const ApprovalView = z.object({
  id: z.string(),
  runId: z.string(),
  signalId: z.string().nullable(),
  strategyId: z.string(),
  account: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  summary: z.object({ symbol: z.string(), side: OrderSide, qty: z.number().int(), entry: z.number(), stop: z.number().nullable(), target: z.number().nullable(), rewardRisk: z.number().nullable(), chartSha256: z.string().nullable(), strategyName: z.string(), mode: z.enum(['paper', 'live']) }),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  decidedAt: z.number().int().nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
})
export type ApprovalView = z.infer<typeof ApprovalView>

export const tradingMethods = {
  'orders.list': {
    input: z.object({ status: z.array(OrderStatus).max(20).optional(), runId: Id.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(OrderView),
  },
  'orders.events': { input: z.object({ orderId: Id }).strict(), output: z.array(OrderEventView) },
  'orders.place': { input: ManualOrder, output: z.object({ gate: GateView, orders: z.array(OrderView) }) },
  'orders.preview': {
    input: ManualOrder,
    output: z.object({ gate: GateView, whatIf: z.object({ amount: z.number().nullable(), commission: z.number().nullable(), total: z.number().nullable(), initialMarginChange: z.number().nullable(), maintenanceMarginChange: z.number().nullable(), warning: z.string().nullable(), error: z.string().nullable() }).nullable(), whatIfError: z.string().nullable() }),
  },
  'orders.cancel': { input: z.object({ orderId: Id }).strict(), output: OrderView },
  'orders.modify': { input: z.object({ orderId: Id, price: Price.optional(), qty: z.number().int().min(1).max(100_000).optional() }).strict().refine((x) => x.price !== undefined || x.qty !== undefined, { message: 'Change the price or the quantity' }), output: OrderView },
  'orders.answerReply': { input: z.object({ orderId: Id, confirm: z.boolean() }).strict(), output: z.object({ ok: z.boolean() }) },
  'orders.reconcile': { input: z.object({}).strict(), output: z.object({ settled: z.number().int(), external: z.number().int(), drift: z.number().int(), executions: z.number().int() }).nullable() },
  'risk.get': { input: z.object({}).strict(), output: RiskView.nullable() },
  'risk.setKillSwitch': { input: z.object({ on: z.boolean(), reason: Reason.min(1, 'Say why') }).strict(), output: RiskView },
  'risk.resetDailyLoss': { input: z.object({ reason: Reason.min(3, 'Say why (at least 3 characters)') }).strict(), output: RiskView },
  'risk.armLive': { input: z.object({ confirmation: z.string().max(40) }).strict(), output: RiskView },
  'risk.disarmLive': { input: z.object({}).strict(), output: RiskView },
  'approvals.list': { input: z.object({ status: z.enum(['pending', 'approved', 'rejected', 'expired']).optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(), output: z.array(ApprovalView) },
  'approvals.decide': { input: z.object({ id: Id, approve: z.boolean(), reason: Reason.optional() }).strict(), output: z.object({ approval: ApprovalView, gate: GateView.nullable(), orders: z.array(OrderView) }) },
} as const
