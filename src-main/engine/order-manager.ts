import type { Broker } from '../broker/broker'
import type { OrderIntentTicket } from '../contract/steps'
import type { GateVerdict } from '../domain/risk/gate'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import type { OrderRow } from '../store/orders-repo'
import type { Timers } from '../timers'
import type { GatewayConnection } from './gateway-status'
import { createApply } from './order-apply'
import { createOrderChanges } from './order-changes'
import type { OrderGate } from './order-gate'
import { commitIntent, gateRequest } from './order-intent'
import { createReadBack, createRejectNotices } from './order-readback'
import { createReplyDesk } from './order-replies'
import { createSender } from './order-send'

// The order manager (F13, RELIABILITY.md §1): the risk gate on every order, the intent persisted
// (synchronous=FULL) before any request under its deterministic client order id, one submission at
// a time per account, reply prompts answered only from an allow-list (anything else waits for a
// person), and an unclear outcome recorded as UNKNOWN for reconciliation: never resent.
// The parts live beside it: order-intent (gate request, intent commit, tickets), order-send (request
// and reply chain), order-replies (questions for a person), order-apply (state-machine events) and
// order-readback (stream reports and polling).

/**
 * Reply prompts answered "yes" without asking (IBKR.md §3.5); every other id (size and value limits,
 * market orders, anything new) waits for a person. o163 (price more than 3 % from the market) is on
 * the list because bracket stops and targets are away from the market by design and the entry is
 * checked in code against a fresh quote (the price collar); o354 (no market data subscription) and
 * the stop-order risk notices (o10331, o10152, o10153) are information only.
 */
export const DEFAULT_REPLY_ALLOW_LIST: readonly string[] = ['o163', 'o354', 'o10331', 'o10152', 'o10153']

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
  const allow = new Set(d.replyAllowList ?? DEFAULT_REPLY_ALLOW_LIST)
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

  const notices = createRejectNotices()
  const apply = createApply(d, notices.reasonFor)

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
    return d.gate.check(gateRequest(intent))
  }

  const replies = createReplyDesk(d)
  const sender = createSender({ d, allow, apply, askPerson: replies.askPerson })

  async function submit(intent: OrderIntent): Promise<SubmitResult> {
    const admitted = await exclusive(intent.account, async () => {
      const verdict = await checkGate(intent)
      if (!verdict.allowed) return { verdict, legs: null }
      return { verdict, legs: commitIntent(d.db, d.now, intent, verdict) }
    })
    if (!admitted.legs) return { gate: admitted.verdict, orders: [] }
    const legs = admitted.legs
    changed()
    const rows = await serial(intent.account, () =>
      sender.send(
        intent,
        legs.map((l) => l.id),
      ),
    )
    changed()
    return { gate: admitted.verdict, orders: rows }
  }

  const readBack = createReadBack({ d, apply, notices, changed, busy: sender.busy })

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
    reattach: readBack.reattach,
    refresh: readBack.refresh,
    onBrokerOrder: readBack.onBrokerOrder,
    apply,
    /** Replies waiting for a person. */
    pendingReplies: replies.pendingReplies,
    answerReply: replies.answerReply,
    cancel: changes.cancel,
    modify: changes.modify,
    busy: sender.busy,
    stop() {
      readBack.stop()
      replies.declineAll()
    },
  }
}

export type OrderManager = ReturnType<typeof createOrderManager>
