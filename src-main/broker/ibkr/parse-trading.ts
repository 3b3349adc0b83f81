import { z } from 'zod'
import { conid, num, toNumber } from './parse'

// Lenient schemas for order, execution and portfolio answers (IBKR.md §3.4–§3.8). Unknown keys
// pass; numbers may be strings ("457.00", "1,300"); ids may be numbers or strings. IBKR's real
// field names are kept here and mapped to ours in cpapi-broker.ts.

const id = z.union([z.string(), z.number()]).transform(String)
const optStr = z.string().nullable().optional()
/** A number that may be missing, null, or a string: `null` unless readable. */
const optNum = z
  .unknown()
  .optional()
  .transform((v) => toNumber(v))

/** A reply message: the gateway wants a confirmation (`id` is a reply id, not an order id). */
export const ReplyMessage = z.looseObject({
  id: z.string(),
  message: z.array(z.string()).optional(),
  messageIds: z.array(z.string()).optional(),
  isSuppressed: z.boolean().optional(),
})

export const OrderAck = z.looseObject({ order_id: id, order_status: z.string().optional() })

/** Submit / reply / modify answer: an array (or a bare object) of reply messages or acks. */
export const OrderAnswerRows = z
  .union([z.array(z.union([ReplyMessage, OrderAck])), ReplyMessage, OrderAck])
  .transform((v) => (Array.isArray(v) ? v : [v]))

export const LiveOrdersResponse = z.looseObject({
  orders: z
    .array(
      z.looseObject({
        orderId: id,
        acct: optStr,
        account: optStr,
        conid: conid,
        ticker: optStr,
        side: z.string(),
        orderType: z.string().optional(),
        origOrderType: optStr,
        status: z.string(),
        totalSize: optNum,
        filledQuantity: optNum,
        remainingQuantity: optNum,
        price: optNum,
        avgPrice: optNum,
        timeInForce: optStr,
        order_ref: optStr,
      }),
    )
    .optional(),
  snapshot: z.boolean().optional(),
})

export const OrderStatusResponse = z.looseObject({
  order_id: id,
  conid: conid,
  order_status: z.string(),
  side: z.string(),
  total_size: optNum,
  cum_fill: optNum,
  limit_price: optNum,
  average_price: optNum,
  order_not_editable: z.boolean().optional(),
  cannot_cancel_order: z.boolean().optional(),
})

export const TradesResponse = z.array(
  z.looseObject({
    execution_id: z.string(),
    order_id: id.optional(),
    order_ref: optStr,
    conid: conid,
    symbol: optStr,
    side: z.string(),
    size: num,
    price: num,
    commission: optNum,
    trade_time_r: z.number().optional(),
    account: optStr,
  }),
)

export const PositionsResponse = z.array(
  z.looseObject({
    conid: conid,
    ticker: optStr,
    contractDesc: optStr,
    position: num,
    avgCost: optNum,
    mktPrice: optNum,
    mktValue: optNum,
    unrealizedPnl: optNum,
    realizedPnl: optNum,
    currency: optStr,
  }),
)

export const LedgerResponse = z.record(
  z.string(),
  z.looseObject({
    cashbalance: optNum,
    netliquidationvalue: optNum,
    stockmarketvalue: optNum,
    unrealizedpnl: optNum,
    realizedpnl: optNum,
  }),
)

export const SummaryResponse = z.record(
  z.string(),
  z.looseObject({ amount: optNum, value: z.unknown().optional(), isNull: z.boolean().optional() }),
)

export const PnlResponse = z.looseObject({
  upnl: z.record(z.string(), z.looseObject({ dpl: optNum, upl: optNum, nl: optNum, mv: optNum })).optional(),
})

/** What-if figures come as text with a currency code (`"1,992.80 USD"`, IBKR.md §5); a bare number is taken too. */
const optMoney = z
  .unknown()
  .optional()
  .transform((v) => toNumber(typeof v === 'string' ? v.replace(/\s+[A-Z]{3}$/, '') : v))
const Amounts = z.looseObject({ amount: optMoney, commission: optMoney, total: optMoney, change: optMoney }).optional()
export const WhatIfResponse = z.looseObject({
  amount: Amounts,
  initial: Amounts,
  maintenance: Amounts,
  warn: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
})

export const CancelResponse = z.looseObject({
  msg: z.string().optional(),
  order_id: id.optional(),
  error: z.string().optional(),
})

/** Snapshot rows: an array matched on `conid`, values as strings. */
export const SnapshotRows = z.array(z.looseObject({ conid: conid }))

/** `GET /iserver/contract/{conid}/info-and-rules`: only the price rules are read here. */
export const ContractRulesResponse = z.looseObject({
  rules: z
    .looseObject({
      increment: num.optional(),
      incrementRules: z
        .array(z.looseObject({ lowerEdge: num, increment: num }))
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
})

/**
 * A WebSocket `ntf` frame (IBKR.md §3.9, §7.7): `{topic:"ntf", args:{id, text, title, …}}`. A reject
 * is reported as the order's status `Inactive` (or `Rejected`) and explained only here; the order it
 * is about is its `orderId` when present, else the order id the text names. Server prompts (p12,
 * `prompt:true`) are questions, not rejects: null.
 */
export function rejectNotice(frame: Readonly<Record<string, unknown>>): { orderId: string; text: string } | null {
  const a = z
    .looseObject({ id: optStr, text: optStr, title: optStr, orderId: id.optional(), prompt: z.boolean().optional() })
    .safeParse(frame.args)
  if (!a.success || a.data.prompt === true || !a.data.text) return null
  const { text, title, orderId } = a.data
  if (!/reject/i.test(`${title ?? ''} ${a.data.id ?? ''} ${text}`)) return null
  const named = orderId ?? /\b(\d{6,})\b/.exec(text)?.[1]
  return named ? { orderId: named, text } : null
}
