import type { SimInstrument } from './reference'

// Order shapes of the simulator: what a client sends (IBKR.md §3.4), how one is validated
// (§7.7), and how a live order is read back (§3.7 live orders, order status, `sor`).

export type OrderType = 'MKT' | 'LMT' | 'STP' | 'STOP_LIMIT'
export type Tif = 'DAY' | 'GTC' | 'IOC' | 'OPG'
export type OrderStatus =
  'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'Filled' | 'PendingCancel' | 'Cancelled' | 'Inactive'

export interface OrderInput {
  acctId: string
  conid: number
  cOID: string | null
  parentId: string | null
  isSingleGroup: boolean
  orderType: OrderType
  price: number | null
  auxPrice: number | null
  side: 'BUY' | 'SELL'
  quantity: number
  tif: Tif
  outsideRTH: boolean
}

export interface SimOrder extends OrderInput {
  orderId: number
  status: OrderStatus
  filled: number
  avgPrice: number
  /** Stops: the trigger has fired, the order now works as MKT (STP) or LMT (STOP_LIMIT). */
  triggered: boolean
  parentOrderId: number | null
  ocaGroup: string | null
  placedAt: number
  lastExecutionAt: number | null
  /** Virtual time from which a requested cancel takes effect (next tick). */
  cancelAt: number | null
}

const ORDER_TYPES: readonly string[] = ['MKT', 'LMT', 'STP', 'STOP_LIMIT']
const TIFS: readonly string[] = ['DAY', 'GTC', 'IOC', 'OPG']
const REQUIRED = ['conid', 'orderType', 'side', 'tif', 'quantity'] as const

const finite = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null

/** Validate one raw order object; a string is the error message for a 400. */
export function parseOrder(
  raw: unknown,
  defaultAcct: string,
  known: (conid: number) => boolean,
  requireAll = false,
): OrderInput | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'Bad Request: each order must be an object'
  const o = raw as Record<string, unknown>
  for (const k of REQUIRED) if (o[k] === undefined || o[k] === null) return `Bad Request: missing required field ${k}`
  if (requireAll && (o.price === undefined) !== (o.orderType === 'MKT'))
    return 'Bad Request: modify needs the full original order, including price'
  const conid = finite(o.conid)
  if (conid === null || !Number.isSafeInteger(conid) || !known(conid))
    return `Bad Request: invalid conid ${String(o.conid)}`
  if (typeof o.orderType !== 'string' || !ORDER_TYPES.includes(o.orderType))
    return `Bad Request: unsupported orderType ${String(o.orderType)}`
  if (o.side !== 'BUY' && o.side !== 'SELL') return `Bad Request: side must be BUY or SELL`
  const quantity = finite(o.quantity)
  if (quantity === null || quantity <= 0 || !Number.isInteger(quantity))
    return 'Bad Request: quantity must be a positive whole number'
  if (typeof o.tif !== 'string' || !TIFS.includes(o.tif)) return `Bad Request: unsupported tif ${String(o.tif)}`
  const price = o.price === undefined || o.price === null ? null : finite(o.price)
  const auxPrice = o.auxPrice === undefined || o.auxPrice === null ? null : finite(o.auxPrice)
  const orderType = o.orderType as OrderType
  if ((orderType === 'LMT' || orderType === 'STP' || orderType === 'STOP_LIMIT') && (price === null || price <= 0))
    return `Bad Request: ${orderType} needs a positive price`
  if (orderType === 'STOP_LIMIT' && (auxPrice === null || auxPrice <= 0))
    return 'Bad Request: STOP_LIMIT needs a positive auxPrice (the stop)'
  const acctId = typeof o.acctId === 'string' ? o.acctId : defaultAcct
  if (acctId !== defaultAcct) return `Bad Request: account ${acctId} is not available`
  return {
    acctId,
    conid,
    cOID: typeof o.cOID === 'string' && o.cOID !== '' ? o.cOID : null,
    parentId: typeof o.parentId === 'string' && o.parentId !== '' ? o.parentId : null,
    isSingleGroup: o.isSingleGroup === true,
    orderType,
    price,
    auxPrice,
    side: o.side,
    quantity,
    tif: o.tif as Tif,
    outsideRTH: o.outsideRTH === true,
  }
}

/** The stop trigger of a stop order: `price` for STP, `auxPrice` for STOP_LIMIT (IBKR.md §3.4). */
export function stopPrice(o: OrderInput): number | null {
  if (o.orderType === 'STP') return o.price
  if (o.orderType === 'STOP_LIMIT') return o.auxPrice
  return null
}

const ORDER_TYPE_NAMES: Record<OrderType, string> = {
  MKT: 'Market',
  LMT: 'Limit',
  STP: 'Stop',
  STOP_LIMIT: 'Stop Limit',
}
const pad = (n: number) => String(n).padStart(2, '0')

function yymmddhhmmss(t: number): string {
  const d = new Date(t)
  const date = `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
  return `${date}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}

/** A row of `GET /iserver/account/orders` and of `sor` (IBKR.md §3.7). */
export function liveOrderRow(o: SimOrder, i: SimInstrument): Record<string, unknown> {
  const px = o.orderType === 'MKT' ? undefined : (o.price ?? 0).toFixed(2)
  return {
    acct: o.acctId,
    account: o.acctId,
    conid: o.conid,
    conidex: String(o.conid),
    orderId: o.orderId,
    cashCcy: i.currency,
    sizeAndFills: `${o.filled}/${o.quantity}`,
    orderDesc:
      `${o.side === 'BUY' ? 'Buy' : 'Sell'} ${o.quantity} ${i.symbol} ` +
      `${ORDER_TYPE_NAMES[o.orderType]}${px ? ` ${px}` : ''}, ${o.tif}`,
    description1: i.symbol,
    ticker: i.symbol,
    secType: i.secType,
    listingExchange: i.exchange,
    remainingQuantity: o.quantity - o.filled,
    filledQuantity: o.filled,
    totalSize: o.quantity,
    companyName: i.name,
    status: o.status,
    order_ccp_status: o.status,
    origOrderType: ORDER_TYPE_NAMES[o.orderType].toUpperCase().replace(' ', '_'),
    orderType: ORDER_TYPE_NAMES[o.orderType],
    ...(px ? { price: px } : {}),
    ...(o.auxPrice !== null ? { auxPrice: o.auxPrice.toFixed(2) } : {}),
    ...(o.filled > 0 ? { avgPrice: o.avgPrice.toFixed(2) } : {}),
    timeInForce: o.tif === 'DAY' ? 'CLOSE' : o.tif,
    side: o.side,
    ...(o.lastExecutionAt !== null
      ? { lastExecutionTime: yymmddhhmmss(o.lastExecutionAt), lastExecutionTime_r: o.lastExecutionAt }
      : {}),
    ...(o.cOID ? { order_ref: o.cOID } : {}),
    outsideRTH: o.outsideRTH,
    bgColor: '#FFFFFF',
    fgColor: '#000000',
  }
}

/** `GET /iserver/account/order/status/{id}`: snake_case, numbers as strings (IBKR.md §3.7). */
export function orderStatusRow(o: SimOrder, i: SimInstrument): Record<string, unknown> {
  const done = o.status === 'Filled' || o.status === 'Cancelled' || o.status === 'Inactive'
  return {
    order_id: o.orderId,
    conid: o.conid,
    symbol: i.symbol,
    side: o.side === 'BUY' ? 'B' : 'S',
    size: String(o.quantity - o.filled),
    total_size: String(o.quantity),
    cum_fill: String(o.filled),
    order_status: o.status,
    order_ccp_status: o.status,
    order_type:
      o.orderType === 'MKT'
        ? 'MARKET'
        : o.orderType === 'LMT'
          ? 'LIMIT'
          : o.orderType === 'STP'
            ? 'STOP'
            : 'STOP_LIMIT',
    limit_price: o.price === null ? '' : o.price.toFixed(2),
    stop_price: o.auxPrice === null ? '' : o.auxPrice.toFixed(2),
    average_price: o.filled > 0 ? o.avgPrice.toFixed(2) : '',
    tif: o.tif,
    order_time: yymmddhhmmss(o.placedAt),
    order_not_editable: done,
    cannot_cancel_order: done,
    editable_fields: done ? '' : 'price,quantity,tif,auxPrice',
    account: o.acctId,
    currency: i.currency,
    ...(o.cOID ? { order_ref: o.cOID } : {}),
  }
}
