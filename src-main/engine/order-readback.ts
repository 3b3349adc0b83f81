import { rejectNotice } from '../broker/ibkr/parse-trading'
import { listOrders, orderByBrokerId, orderByClientId, updateOrder } from '../store/orders-repo'
import type { ApplyEvent } from './order-apply'
import type { OrderManagerDeps } from './order-manager'

// Broker reports applied to the orders they are about (F13): the stream's `sor` rows, re-attached
// when the gateway changes, and polling as the fallback, which reads open orders back every few
// seconds (an open order missing from live orders finished: its own status says how). A reject's
// reason comes only in an `ntf` notification (IBKR.md §7.7): kept by broker order id, it reaches the
// order whether it arrives before the `Inactive` status or after.

const POLL_MS = 5_000

const KEPT_NOTICES = 200

/** Reject reasons from `ntf` notifications, by broker order id (the newest few hundred). */
export function createRejectNotices() {
  const byOrder = new Map<string, string>()
  return {
    remember(orderId: string, text: string): void {
      byOrder.delete(orderId)
      byOrder.set(orderId, text)
      if (byOrder.size > KEPT_NOTICES) byOrder.delete(byOrder.keys().next().value!)
    },
    reasonFor: (orderId: string): string | null => byOrder.get(orderId) ?? null,
  }
}
export type RejectNotices = ReturnType<typeof createRejectNotices>

export interface ReadBackDeps {
  d: Pick<OrderManagerDeps, 'db' | 'timers' | 'broker' | 'gateway' | 'now' | 'alert'>
  apply: ApplyEvent
  notices: RejectNotices
  changed(): void
  /** A submission is in flight: polling waits. */
  busy(): boolean
}

export function createReadBack({ d, apply, notices, changed, busy }: ReadBackDeps) {
  /** A reject notification: remembered, and written to its order if that one is already rejected. */
  function onNotice(frame: Record<string, unknown>): void {
    const n = rejectNotice(frame)
    if (!n) return
    notices.remember(n.orderId, n.text)
    const o = orderByBrokerId(d.db, n.orderId)
    if (!o || o.status !== 'REJECTED' || o.lastError) return
    updateOrder(d.db, o.id, { lastError: n.text }, d.now(), { kind: 'reject_reason', payload: frame.args })
    d.alert('error', 'Order rejected', `${o.side} ${o.qty} (${o.clientOrderId}): ${n.text}`)
    changed()
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
      else if (e.type === 'notification') onNotice(e.payload)
    })
  let offEvents = listen()

  // Polling as the fallback for the stream: open orders are read back every few seconds.
  let polling = false
  const stopPoll = d.timers.every(() => {
    if (polling || busy()) return
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

  return {
    onBrokerOrder,
    refresh,
    reattach() {
      offEvents()
      offEvents = listen()
    },
    stop() {
      offEvents()
      stopPoll()
    },
  }
}
