import { next, type OrderEvent, type Status } from '../domain/orders/state'
import { updateOrder, type OrderRow } from '../store/orders-repo'
import type { OrderManagerDeps } from './order-manager'

// Applying one state-machine event to an order (F13): the one place an order's status moves, with
// the fills hand-off and the rejected/filled alerts that follow a move.

export type ApplyExtra = Partial<Pick<OrderRow, 'brokerOrderId' | 'lastError' | 'avgFillPrice'>>
export type ApplyEvent = (order: OrderRow, e: OrderEvent, payload: unknown, extra?: ApplyExtra) => OrderRow

export function createApply(
  d: Pick<OrderManagerDeps, 'db' | 'now' | 'onFills' | 'alert'>,
  /** The broker's reason for rejecting an order (its `ntf` text), when it arrived before the status. */
  rejectReason: (brokerOrderId: string) => string | null = () => null,
): ApplyEvent {
  /** Apply one state-machine event to an order, recording it when something changes. */
  return function apply(order: OrderRow, e: OrderEvent, payload: unknown, given: ApplyExtra = {}): OrderRow {
    const n = next({ status: order.status as Status, qty: order.qty, filledQty: order.filledQty }, e)
    const brokerId = given.brokerOrderId ?? order.brokerOrderId
    const reason =
      n.status === 'REJECTED' && order.status !== 'REJECTED' && !given.lastError && brokerId
        ? rejectReason(brokerId)
        : null
    const extra: ApplyExtra = reason ? { ...given, lastError: reason } : given
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
}
