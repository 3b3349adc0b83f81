import type { AccountInfo, Bar, BarSize, GatewayStatus, Instrument, InstrumentDetails } from '../contract/models'

// The engine's view of a broker, host-agnostic (IBKR.md §1 "Broker-adapter interface"): string
// order ids, prompts as generic confirmations, streams as callbacks. v1's implementation is the
// Client Portal Web API (`createCpapiBroker` in ./ibkr/cpapi-broker). Order submission is exposed
// but never retried at any layer: an unclear outcome surfaces as `OutcomeUnknownError`
// (./ibkr/errors), a definitive refusal as `GatewayHttpError` with the broker's own message.

export interface HistoryRequest {
  conid: number
  bar: BarSize
  /** IBKR's period grammar, e.g. `1y`, `5d`, `30min`. */
  period: string
  outsideRth: boolean
  /** The end of the requested window, UTC `YYYYMMDD-hh:mm:ss` (IBKR's startTime); default: now. */
  startTime?: string
}

/** Market-data values by IBKR field code, numbers already parsed (`C`/`H` prefixes, `1,300`, `1.2K`). */
export interface MarketFields {
  conid: number
  /** Raw merged values as the gateway sent them (strings), for fields that are not numbers (6509, 55). */
  raw: Readonly<Record<string, unknown>>
  values: Readonly<Record<string, number | null>>
  /** Field 31 carried `C` (prior close, market closed) or `H` (halted). */
  closed: boolean
  halted: boolean
  updatedAt: number | null
}

export type OrderSide = 'BUY' | 'SELL'
export type OrderType = 'MKT' | 'LMT' | 'STP' | 'STOP_LIMIT'
export type TimeInForce = 'DAY' | 'GTC' | 'IOC' | 'OPG'

/** One order as IBKR's body expects it (IBKR.md §3.4); the account is added by the broker. */
export interface OrderTicket {
  conid: number
  /** Client order id: unique for 24 h, persisted by the caller before sending. */
  cOID: string
  parentId?: string
  orderType: OrderType
  side: OrderSide
  quantity: number
  tif: TimeInForce
  /** Limit for LMT/STOP_LIMIT; trigger for STP (IBKR.md §3.4). */
  price?: number
  /** Stop trigger for STOP_LIMIT. */
  auxPrice?: number
  outsideRTH?: boolean
  isSingleGroup?: boolean
}

/** The gateway wants a confirmation before going on (IBKR's reply messages). */
export interface Confirmation {
  kind: 'confirm'
  /** Reply id for `reply()`; not an order id. */
  replyId: string
  messageIds: string[]
  messages: string[]
}

export interface OrderAccepted {
  kind: 'accepted'
  orders: { orderId: string; status: string }[]
}

export type OrderAnswer = Confirmation | OrderAccepted

export interface LiveOrder {
  orderId: string
  /** Our cOID (`order_ref`), when the order was ours. */
  cOID: string | null
  account: string | null
  conid: number
  symbol: string | null
  side: string
  orderType: string
  status: string
  totalSize: number | null
  filledQuantity: number | null
  remainingQuantity: number | null
  price: number | null
  avgPrice: number | null
  timeInForce: string | null
}

export interface OrderStatus {
  orderId: string
  conid: number
  status: string
  side: string
  totalSize: number | null
  filled: number | null
  limitPrice: number | null
  averagePrice: number | null
  editable: boolean
  cancellable: boolean
}

export interface Execution {
  executionId: string
  orderId: string | null
  cOID: string | null
  conid: number
  symbol: string | null
  side: string
  size: number
  price: number
  commission: number | null
  tradeTime: number | null
  account: string | null
}

export interface Position {
  conid: number
  symbol: string | null
  position: number
  avgCost: number | null
  marketPrice: number | null
  marketValue: number | null
  unrealizedPnl: number | null
  realizedPnl: number | null
  currency: string | null
}

export interface LedgerEntry {
  currency: string
  cashBalance: number | null
  netLiquidation: number | null
  stockMarketValue: number | null
  unrealizedPnl: number | null
  realizedPnl: number | null
}

export interface PnlRow {
  /** e.g. `DU1234567.Core` */
  key: string
  dailyPnl: number | null
  unrealizedPnl: number | null
  netLiquidation: number | null
  marketValue: number | null
}

export interface WhatIf {
  amount: number | null
  commission: number | null
  total: number | null
  initialMarginChange: number | null
  maintenanceMarginChange: number | null
  warning: string | null
  error: string | null
}

export interface CancelAck {
  orderId: string
  message: string
}

/** A streamed change: a market-data merge, order updates, session state, notifications. */
export type BrokerEvent =
  | { type: 'orders'; orders: Record<string, unknown>[] }
  | { type: 'session'; authenticated: boolean | null; competing: boolean | null }
  | { type: 'notification'; payload: Record<string, unknown> }
  | { type: 'pnl'; payload: Record<string, unknown> }

export interface Broker {
  // Session
  status(): GatewayStatus
  onStatus(cb: (s: GatewayStatus) => void): () => void
  start(): Promise<void>
  stop(): Promise<void>
  reauthenticate(): Promise<GatewayStatus>
  accounts(): Promise<AccountInfo[]>
  selectAccount(accountId: string): Promise<GatewayStatus>

  // Reference and market data
  searchSymbols(query: string): Promise<Instrument[]>
  contractDetails(conid: number): Promise<Omit<InstrumentDetails, 'source'>>
  /** The price increment at `price` from the contract's rules (`info-and-rules`), read once per conid. */
  priceIncrement(conid: number, price: number): Promise<number>
  /** Preflight handled inside: asks again (bounded) until every conid carries one of the fields. */
  snapshot(conids: number[], fields: string[]): Promise<MarketFields[]>
  history(req: HistoryRequest): Promise<{ bars: Bar[] }>
  /** Stream these fields for a conid; `cb` gets the merged state on every change. Returns unsubscribe. */
  subscribeMarketData(conid: number, fields: string[], cb: (f: MarketFields) => void): () => void
  onEvent(cb: (e: BrokerEvent) => void): () => void

  // Orders: sent once, never retried
  placeOrders(accountId: string, orders: OrderTicket[]): Promise<OrderAnswer>
  reply(replyId: string, confirmed: boolean): Promise<OrderAnswer>
  modifyOrder(accountId: string, orderId: string, order: OrderTicket): Promise<OrderAnswer>
  cancelOrder(accountId: string, orderId: string): Promise<CancelAck>
  whatIf(accountId: string, orders: OrderTicket[]): Promise<WhatIf>

  // Reads
  liveOrders(opts: { accountId: string; force?: boolean }): Promise<LiveOrder[]>
  orderStatus(orderId: string): Promise<OrderStatus>
  trades(opts: { accountId: string; days?: number }): Promise<Execution[]>
  positions(accountId: string, page?: number): Promise<Position[]>
  ledger(accountId: string): Promise<LedgerEntry[]>
  summary(accountId: string): Promise<Record<string, number | string | null>>
  pnl(): Promise<PnlRow[]>
}
