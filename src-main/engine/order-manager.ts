import { randomUUID } from 'node:crypto'
import type { Broker, OrderAnswer, OrderTicket } from '../broker/broker'
import { GatewayHttpError } from '../broker/ibkr/errors'
import type { OrderIntentTicket } from '../contract/steps'
import { next, type OrderEvent, type Status } from '../domain/orders/state'
import type { GateVerdict } from '../domain/risk/gate'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import {
  getOrder,
  insertIntent,
  listOrders,
  orderByBrokerId,
  orderByClientId,
  updateOrder,
  type NewOrder,
  type OrderRow,
} from '../store/orders-repo'
import type { Timers } from '../timers'
import { crashPoint } from '../crash-points'
import type { GatewayConnection } from './gateway-status'
import { createOrderChanges } from './order-changes'
import type { OrderGate } from './order-gate'

// The order manager (F13, RELIABILITY.md §1): the risk gate on every order, the intent persisted
// (synchronous=FULL) before any request under its deterministic client order id, one submission at
// a time per account, reply prompts answered only from an allow-list (anything else waits for a
// person), and an unclear outcome recorded as UNKNOWN for reconciliation: never resent.

/**
 * Reply prompts answered "yes" without asking (IBKR.md §3.5); every other id (size and value limits,
 * market orders, anything new) waits for a person. o163 (price more than 3 % from the market) is on
 * the list because bracket stops and targets are away from the market by design and the entry is
 * checked in code against a fresh quote (the price collar); o354 (no market data subscription) and
 * the stop-order risk notices (o10331, o10152, o10153) are information only.
 */
export const DEFAULT_REPLY_ALLOW_LIST: readonly string[] = ['o163', 'o354', 'o10331', 'o10152', 'o10153']
const REPLY_TIMEOUT_MS = 120_000
const MAX_REPLY_CHAIN = 20
const POLL_MS = 5_000

export interface OrderIntent {
  runId: string | null
  signalId: string | null
  origin: 'strategy' | 'manual'
  mode: 'paper' | 'live'
  account: string
  tickets: OrderIntentTicket[]
  marketHours: 'rth_only' | 'any'
  allowShort: boolean
}

export interface SubmitResult {
  gate: GateVerdict
  orders: OrderRow[]
}

export interface OrderManagerDeps {
  db: Db
  bus: EventBus
  now(): number
  timers: Timers
  broker(): Broker
  gateway(): GatewayConnection
  /** The one risk gate (session, reconciliation, latches, caps, collar, rate, account and arming). */
  gate: OrderGate
  /** Whether the strategy behind an order allows shorting (manual orders never do). */
  allowShort(o: OrderRow): boolean
  replyAllowList?: readonly string[]
  /** Fills arrived: pull executions into the portfolio. */
  onFills(): void
  alert(level: 'info' | 'warning' | 'error', title: string, message: string): void
}

export interface PendingReply {
  orderIds: string[]
  replyId: string
  messageIds: string[]
  messages: string[]
  expiresAt: number
}

export function createOrderManager(d: OrderManagerDeps) {
  const queues = new Map<string, Promise<unknown>>()
  const pending = new Map<string, PendingReply & { answer(confirm: boolean): void }>()
  const allow = new Set(d.replyAllowList ?? DEFAULT_REPLY_ALLOW_LIST)
  let submitting = 0
  // The gate and the intent commit run one at a time per account, so two submissions can never
  // both pass the same rate or exposure check while the quote is read.
  const gateLocks = new Map<string, Promise<unknown>>()
  function exclusive<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const prev = gateLocks.get(account) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    gateLocks.set(
      account,
      run.catch(() => undefined),
    )
    return run
  }

  const changed = () => {
    d.bus.emit('db.changed', { tables: ['orders', 'order_events'] })
    d.bus.emit('orders.changed', { at: d.now() })
  }

  /** Apply one state-machine event to an order, recording it when something changes. */
  function apply(
    order: OrderRow,
    e: OrderEvent,
    payload: unknown,
    extra: Partial<Pick<OrderRow, 'brokerOrderId' | 'lastError' | 'avgFillPrice'>> = {},
  ): OrderRow {
    const n = next({ status: order.status as Status, qty: order.qty, filledQty: order.filledQty }, e)
    const moved =
      n.status !== order.status ||
      n.filledQty !== order.filledQty ||
      Object.entries(extra).some(([k, v]) => order[k as keyof OrderRow] !== v)
    if (!moved) return order
    const row = updateOrder(d.db, order.id, { status: n.status, filledQty: n.filledQty, ...extra }, d.now(), {
      kind: e.kind,
      payload,
    })
    if (n.filledQty > order.filledQty) d.onFills()
    if (n.status === 'REJECTED')
      d.alert(
        'error',
        'Order rejected',
        `${order.side} ${order.qty} (${order.clientOrderId}): ${extra.lastError ?? 'rejected by the broker'}`,
      )
    if (n.status === 'FILLED' && order.status !== 'FILLED')
      d.alert('info', 'Order filled', `${order.side} ${order.qty} (${order.clientOrderId}) filled`)
    return row
  }

  /** One order call at a time per account: the reply flow needs the previous order fully acknowledged. */
  function serial<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(account) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    queues.set(
      account,
      run.catch(() => undefined),
    )
    return run
  }

  /** The one risk gate on a new intent: its entry leg, as it would stand. */
  function checkGate(intent: OrderIntent): Promise<GateVerdict> {
    const entry = intent.tickets[0]!
    return d.gate.check({
      account: intent.account,
      mode: intent.mode,
      runId: intent.runId,
      leg: entry.leg,
      conid: entry.conid,
      side: entry.side,
      orderType: entry.orderType,
      qty: entry.qty,
      filledQty: 0,
      price: entry.price,
      marketHours: intent.marketHours,
      allowShort: intent.allowShort,
      kind: 'submit',
    })
  }

  async function submit(intent: OrderIntent): Promise<SubmitResult> {
    const admitted = await exclusive(intent.account, async () => {
      const verdict = await checkGate(intent)
      if (!verdict.allowed) return { verdict, legs: null }
      return { verdict, legs: commitIntent(intent, verdict) }
    })
    if (!admitted.legs) return { gate: admitted.verdict, orders: [] }
    const legs = admitted.legs
    changed()
    const rows = await serial(intent.account, () =>
      send(
        intent,
        legs.map((l) => l.id),
      ),
    )
    changed()
    return { gate: admitted.verdict, orders: rows }
  }

  function commitIntent(intent: OrderIntent, verdict: GateVerdict): NewOrder[] {
    const ids = new Map(intent.tickets.map((t) => [t.clientOrderId, randomUUID()]))
    const legs: NewOrder[] = intent.tickets.map((t) => ({
      id: ids.get(t.clientOrderId)!,
      clientOrderId: t.clientOrderId,
      runId: intent.runId,
      signalId: intent.signalId,
      parentId: t.parentClientOrderId ? ids.get(t.parentClientOrderId)! : null,
      leg: t.leg,
      origin: intent.origin,
      mode: intent.mode,
      account: intent.account,
      conid: t.conid,
      side: t.side,
      orderType: t.orderType,
      tif: t.tif,
      qty: t.qty,
      limitPrice: t.orderType === 'STP' ? null : t.price,
      auxPrice: t.orderType === 'STP' ? t.price : null,
      outsideRth: t.outsideRth,
      status: 'PENDING_SUBMIT',
    }))
    crashPoint('before-intent')
    try {
      insertIntent(d.db, legs, d.now(), 'intent', { gate: verdict.checks })
    } catch (e) {
      // The client order id is unique: this intent exists already and is never sent twice.
      if (String(e).includes('UNIQUE'))
        throw new RpcError(
          'CONFLICT',
          `Order ${intent.tickets[0]!.clientOrderId} already exists; it is never sent twice.`,
        )
      throw e
    }
    return legs
  }

  async function send(intent: OrderIntent, orderIds: string[]): Promise<OrderRow[]> {
    submitting++
    try {
      const rows = () => orderIds.map((id) => getOrder(d.db, id)!)
      // The session can drop between the gate and this moment: then nothing was sent, provably.
      const status = d.gateway().current()
      if (status.state !== 'authenticated' || status.account !== intent.account) {
        for (const o of rows())
          updateOrder(
            d.db,
            o.id,
            { status: 'NOT_PLACED', lastError: `session ${status.state} before sending` },
            d.now(),
            { kind: 'not_sent', payload: { state: status.state } },
          )
        d.alert(
          'warning',
          'Order not sent',
          `The gateway session was ${status.state} when ${intent.tickets[0]!.clientOrderId} was due; nothing was sent.`,
        )
        return rows()
      }
      const tickets: OrderTicket[] = intent.tickets.map((t) => ({
        conid: t.conid,
        cOID: t.clientOrderId,
        ...(t.parentClientOrderId ? { parentId: t.parentClientOrderId } : {}),
        orderType: t.orderType,
        side: t.side,
        quantity: t.qty,
        tif: t.tif,
        price: t.price,
        outsideRTH: t.outsideRth,
      }))
      for (const o of rows())
        updateOrder(d.db, o.id, {}, d.now(), {
          kind: 'sent',
          payload: { ticket: tickets.find((t) => t.cOID === o.clientOrderId) },
        })
      crashPoint('after-intent')
      let answer: OrderAnswer
      try {
        answer = await d.broker().placeOrders(intent.account, tickets)
        crashPoint('after-response')
        for (let i = 0; answer.kind === 'confirm' && i < MAX_REPLY_CHAIN; i++) {
          crashPoint('during-reply')
          const confirm =
            answer.messageIds.length > 0 && answer.messageIds.every((m) => allow.has(m))
              ? true
              : await askPerson(orderIds, answer)
          for (const o of rows())
            apply(
              o,
              { kind: 'reply_needed' },
              { replyId: answer.replyId, messageIds: answer.messageIds, messages: answer.messages, confirmed: confirm },
            )
          if (!confirm) {
            await d
              .broker()
              .reply(answer.replyId, false)
              .catch(() => undefined)
            for (const o of rows()) apply(o, { kind: 'declined' }, { messageIds: answer.messageIds })
            return rows()
          }
          // The session can drop while a prompt is pending: then the order is not confirmed (not placed).
          const now = d.gateway().current()
          if (now.state !== 'authenticated') {
            for (const o of rows())
              apply(
                o,
                { kind: 'declined' },
                { messageIds: answer.messageIds, reason: `session ${now.state} before the reply` },
                { lastError: `session ${now.state} before the reply` },
              )
            d.alert(
              'warning',
              'Order not placed',
              `The gateway session was ${now.state} while the broker asked about ` +
                `${intent.tickets[0]!.clientOrderId}; it was not confirmed.`,
            )
            return rows()
          }
          answer = await d.broker().reply(answer.replyId, true)
        }
      } catch (e) {
        const definitive =
          e instanceof GatewayHttpError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429
        const message = e instanceof Error ? e.message : String(e)
        for (const o of rows())
          apply(
            o,
            definitive ? { kind: 'rejected' } : { kind: 'outcome_unknown' },
            { error: message },
            { lastError: message },
          )
        if (!definitive)
          d.alert(
            'warning',
            'Order outcome unknown',
            `${intent.tickets[0]!.clientOrderId}: ${message}. It will not be resent; reconciliation looks it up.`,
          )
        return rows()
      }
      if (answer.kind === 'confirm') {
        for (const o of rows()) apply(o, { kind: 'outcome_unknown' }, { error: 'reply chain too long' })
        return rows()
      }
      // Accepted: the broker answers one entry per order, in the order sent.
      answer.orders.forEach((a, i) => {
        const id = orderIds[i]
        if (!id) return
        const o = getOrder(d.db, id)!
        apply(
          apply(o, { kind: 'accepted' }, a, { brokerOrderId: a.orderId }),
          { kind: 'broker', status: a.status, filled: null },
          a,
        )
      })
      // Legs the answer did not list (a broker that answers only for the parent) are found by reconciliation.
      for (const o of rows())
        if (o.status === 'PENDING_SUBMIT') apply(o, { kind: 'outcome_unknown' }, { error: 'no order id in the answer' })
      return rows()
    } finally {
      submitting--
    }
  }

  function askPerson(orderIds: string[], a: Extract<OrderAnswer, { kind: 'confirm' }>): Promise<boolean> {
    return new Promise((resolve) => {
      const key = orderIds[0]!
      let done = false
      const finish = (v: boolean) => {
        if (done) return
        done = true
        cancelTimer()
        pending.delete(key)
        d.bus.emit('db.changed', { tables: ['orders'] })
        resolve(v)
      }
      const cancelTimer = d.timers.after(() => finish(false), REPLY_TIMEOUT_MS)
      pending.set(key, {
        orderIds,
        replyId: a.replyId,
        messageIds: a.messageIds,
        messages: a.messages,
        expiresAt: d.now() + REPLY_TIMEOUT_MS,
        answer: finish,
      })
      d.alert(
        'warning',
        'The broker asks about an order',
        `${a.messages.join(' ')} Answer on the Orders page within 2 minutes, or it is not placed.`,
      )
    })
  }

  /** Apply a broker report (stream `sor` row, live order or status) to the order it is about. */
  function onBrokerOrder(r: {
    orderId?: unknown
    order_ref?: unknown
    status?: unknown
    filledQuantity?: unknown
    avgPrice?: unknown
  }): void {
    const brokerId = r.orderId === undefined || r.orderId === null ? null : String(r.orderId)
    const o =
      (brokerId ? orderByBrokerId(d.db, brokerId) : null) ??
      (typeof r.order_ref === 'string' ? orderByClientId(d.db, r.order_ref) : null)
    if (!o || typeof r.status !== 'string') return
    const filled = r.filledQuantity === undefined || r.filledQuantity === null ? null : Number(r.filledQuantity)
    const base =
      o.status === 'UNKNOWN' || o.status === 'PENDING_SUBMIT'
        ? apply(o, { kind: 'accepted' }, { via: 'broker report' }, brokerId ? { brokerOrderId: brokerId } : {})
        : o
    const avg = {
      ...(r.avgPrice === undefined || r.avgPrice === null ? {} : { avgFillPrice: String(r.avgPrice) }),
      ...(brokerId && !base.brokerOrderId ? { brokerOrderId: brokerId } : {}),
    }
    const after = apply(
      base,
      { kind: 'broker', status: r.status, filled: Number.isFinite(filled) ? filled : null },
      r,
      avg,
    )
    if (after !== o) changed()
  }

  // Order reports from the stream (`sor`); re-attached when the gateway (and so the broker) changes.
  const listen = () =>
    d.broker().onEvent((e) => {
      if (e.type === 'orders') for (const r of e.orders) onBrokerOrder(r)
    })
  let offEvents = listen()

  // Polling as the fallback for the stream: open orders are read back every few seconds.
  let polling = false
  const stopPoll = d.timers.every(() => {
    if (polling || submitting > 0) return
    const open = listOrders(d.db, { status: ['SUBMITTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'], limit: 500 })
    if (open.length === 0 || d.gateway().current().state !== 'authenticated') return
    polling = true
    void refresh()
      .catch(() => undefined)
      .finally(() => (polling = false))
  }, POLL_MS)

  async function refresh(): Promise<void> {
    const accounts = new Set(
      listOrders(d.db, { status: ['SUBMITTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'], limit: 500 }).map(
        (o) => o.account,
      ),
    )
    for (const account of accounts) {
      const live = await d.broker().liveOrders({ accountId: account })
      for (const l of live)
        onBrokerOrder({
          orderId: l.orderId,
          order_ref: l.cOID,
          status: l.status,
          filledQuantity: l.filledQuantity,
          avgPrice: l.avgPrice,
        })
      // An open order missing from live orders finished: its own status says how.
      const seen = new Set(live.map((l) => l.orderId))
      for (const o of listOrders(d.db, {
        status: ['SUBMITTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'],
        account,
        limit: 500,
      })) {
        if (!o.brokerOrderId || seen.has(o.brokerOrderId)) continue
        const s = await d
          .broker()
          .orderStatus(o.brokerOrderId)
          .catch(() => null)
        if (s)
          onBrokerOrder({ orderId: s.orderId, status: s.status, filledQuantity: s.filled, avgPrice: s.averagePrice })
      }
    }
  }

  const changes = createOrderChanges({
    db: d.db,
    now: d.now,
    broker: d.broker,
    gate: d.gate,
    allow,
    allowShort: d.allowShort,
    serial,
    exclusive,
    apply: (o, e, p) => apply(o, e, p),
    changed,
  })

  return {
    submit,
    /** The risk gate's verdict for an intent, without sending anything (previews). */
    check: checkGate,
    reattach() {
      offEvents()
      offEvents = listen()
    },
    refresh,
    onBrokerOrder,
    apply,
    /** Replies waiting for a person. */
    pendingReplies(): PendingReply[] {
      return [...pending.values()].map(({ answer: _a, ...p }) => p)
    },
    answerReply(orderId: string, confirm: boolean): void {
      const p = pending.get(orderId) ?? [...pending.values()].find((x) => x.orderIds.includes(orderId))
      if (!p)
        throw new RpcError(
          'NOT_FOUND',
          'That question has expired or was answered; the order was not placed unless the Orders page shows it.',
        )
      p.answer(confirm)
    },
    cancel: changes.cancel,
    modify: changes.modify,
    busy: () => submitting > 0,
    stop() {
      offEvents()
      stopPoll()
      for (const p of pending.values()) p.answer(false)
    },
  }
}

export type OrderManager = ReturnType<typeof createOrderManager>
