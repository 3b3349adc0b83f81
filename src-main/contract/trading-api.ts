import { z } from 'zod'
import { riskLimitsMethods } from './risk-limits-api'
import { Conid, OrderLeg, OrderOrigin, OrderSide, OrderStatus, StrategyMode, TimeInForce } from './models'

// Orders, risk and approvals (F12–F15): methods and shapes. Stable names (ARCHITECTURE.md):
// orders.list, orders.place, orders.preview, orders.cancel, risk.get, risk.setKillSwitch,
// approvals.list, approvals.decide.

const Id = z.string().min(1).max(64)
const Price = z.number().finite().positive().max(1_000_000)
const Reason = z.string().trim().max(300)

export const OrderEventView = z.object({
  at: z.number().int(),
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  payload: z.unknown(),
})

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
  question: z
    .object({ messages: z.array(z.string()), messageIds: z.array(z.string()), expiresAt: z.number().int() })
    .nullable(),
})
export type OrderView = z.infer<typeof OrderView>

/** The optional exits of a manual limit order: a protective stop and a profit target (each may be left out). */
const ExitPrice = (what: string) =>
  z.number().finite().positive(`The ${what} must be above zero`).max(1_000_000).nullish()

/**
 * What is wrong with a manual order's stop loss and take profit, one message per field (empty when
 * nothing is). Shared by the contract's refine and the ticket's inline messages so both say the same.
 */
export function bracketProblems(o: {
  side: 'BUY' | 'SELL'
  orderType: 'LMT' | 'STP'
  price: number
  stopLoss?: number | null
  takeProfit?: number | null
}): { field: 'stopLoss' | 'takeProfit'; message: string }[] {
  const out: { field: 'stopLoss' | 'takeProfit'; message: string }[] = []
  const stop = o.stopLoss ?? null
  const target = o.takeProfit ?? null
  if (stop === null && target === null) return out
  if (o.orderType !== 'LMT') {
    const message = 'A stop loss or take profit can only be attached to a limit (LMT) order'
    if (stop !== null) out.push({ field: 'stopLoss', message })
    if (target !== null) out.push({ field: 'takeProfit', message })
    return out
  }
  const buy = o.side === 'BUY'
  const check = (field: 'stopLoss' | 'takeProfit', value: number | null, what: string, below: boolean) => {
    if (value === null) return
    if (!(value > 0)) out.push({ field, message: `The ${what} must be above zero` })
    else if (below ? value >= o.price : value <= o.price)
      out.push({
        field,
        message:
          `For a ${o.side} the ${what} must be ${below ? 'below' : 'above'} the limit price ` +
          `${o.price} (it is ${value})`,
      })
  }
  check('stopLoss', stop, 'stop loss', buy)
  check('takeProfit', target, 'take profit', !buy)
  return out
}

/**
 * A manual order from the ticket: a limit or stop order, through the same risk gate as any other. A
 * limit order may carry a stop loss and/or a take profit: it is then sent as one bracket (parent
 * limit, protective stop, target limit; IBKR.md §3.6).
 */
export const ManualOrder = z
  .object({
    conid: Conid,
    side: OrderSide,
    qty: z.number().int('Whole shares only').min(1, 'At least one share').max(100_000),
    orderType: z.enum(['LMT', 'STP']),
    price: Price,
    tif: TimeInForce.default('DAY'),
    outsideRth: z.boolean().default(false),
    stopLoss: ExitPrice('stop loss'),
    takeProfit: ExitPrice('take profit'),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const p of bracketProblems(o)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message })
  })
export type ManualOrder = z.output<typeof ManualOrder>

const Check = z.object({
  rule: z.string(),
  passed: z.boolean(),
  value: z.string(),
  limit: z.string(),
  message: z.string(),
})
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
  /** This host may arm live trading (the web host only when started with --allow-live). */
  liveArmingAllowed: z.boolean().optional(),
})
export type RiskViewT = z.infer<typeof RiskView>

export const ApprovalView = z.object({
  id: z.string(),
  runId: z.string(),
  signalId: z.string().nullable(),
  strategyId: z.string(),
  account: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  summary: z.object({
    symbol: z.string(),
    side: OrderSide,
    qty: z.number().int(),
    entry: z.number(),
    stop: z.number().nullable(),
    target: z.number().nullable(),
    rewardRisk: z.number().nullable(),
    chartSha256: z.string().nullable(),
    strategyName: z.string(),
    mode: z.enum(['paper', 'live']),
  }),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  decidedAt: z.number().int().nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
})
export type ApprovalView = z.infer<typeof ApprovalView>

export const tradingMethods = {
  'orders.list': {
    input: z
      .object({
        status: z.array(OrderStatus).max(20).optional(),
        runId: Id.optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.array(OrderView),
  },
  'orders.events': { input: z.object({ orderId: Id }).strict(), output: z.array(OrderEventView) },
  'orders.place': { input: ManualOrder, output: z.object({ gate: GateView, orders: z.array(OrderView) }) },
  'orders.preview': {
    input: ManualOrder,
    output: z.object({
      gate: GateView,
      whatIf: z
        .object({
          amount: z.number().nullable(),
          commission: z.number().nullable(),
          total: z.number().nullable(),
          initialMarginChange: z.number().nullable(),
          maintenanceMarginChange: z.number().nullable(),
          warning: z.string().nullable(),
          error: z.string().nullable(),
        })
        .nullable(),
      whatIfError: z.string().nullable(),
    }),
  },
  'orders.cancel': { input: z.object({ orderId: Id }).strict(), output: OrderView },
  'orders.modify': {
    input: z
      .object({ orderId: Id, price: Price.optional(), qty: z.number().int().min(1).max(100_000).optional() })
      .strict()
      .refine((x) => x.price !== undefined || x.qty !== undefined, { message: 'Change the price or the quantity' }),
    output: OrderView,
  },
  'orders.answerReply': {
    input: z.object({ orderId: Id, confirm: z.boolean() }).strict(),
    output: z.object({ ok: z.boolean() }),
  },
  'orders.reconcile': {
    input: z.object({}).strict(),
    output: z
      .object({
        settled: z.number().int(),
        external: z.number().int(),
        drift: z.number().int(),
        executions: z.number().int(),
      })
      .nullable(),
  },
  'risk.get': { input: z.object({}).strict(), output: RiskView.nullable() },
  'risk.setKillSwitch': {
    /** Turning it off needs `confirmation` = "RESET <account>" (checked in main). */
    input: z
      .object({ on: z.boolean(), reason: Reason.min(1, 'Say why'), confirmation: z.string().max(60).optional() })
      .strict(),
    output: RiskView,
  },
  'risk.resetDailyLoss': {
    /** `confirmation` = "RESET <account>" (checked in main). */
    input: z
      .object({ reason: Reason.min(3, 'Say why (at least 3 characters)'), confirmation: z.string().max(60).optional() })
      .strict(),
    output: RiskView,
  },
  'risk.armLive': { input: z.object({ confirmation: z.string().max(40) }).strict(), output: RiskView },
  'risk.disarmLive': { input: z.object({}).strict(), output: RiskView },
  'approvals.list': {
    input: z
      .object({
        status: z.enum(['pending', 'approved', 'rejected', 'expired']).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    output: z.array(ApprovalView),
  },
  'approvals.decide': {
    input: z.object({ id: Id, approve: z.boolean(), reason: Reason.optional() }).strict(),
    output: z.object({ approval: ApprovalView, gate: GateView.nullable(), orders: z.array(OrderView) }),
  },
  ...riskLimitsMethods,
} as const
