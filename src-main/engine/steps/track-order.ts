import type { PlaceOrderOutput, SubmittedOrder } from '../../contract/steps'
import type { OrderRow } from '../../store/orders-repo'
import { orderState } from './place-order'

// Steps 10 and 11, track_order and update_portfolio: orders that were sent are shown as they stand
// now (later changes and fills arrive as order events of the run); update_portfolio is always
// recorded as skipped, with why.

export type TrackingPlan = { track: true; portfolioSkipped: string } | { track: false; reason: string }

/** Whether there is anything to track, and why not. */
export function trackingPlan(placed: PlaceOrderOutput): TrackingPlan {
  if (placed.submitted && placed.submitted.length > 0)
    return {
      track: true,
      portfolioSkipped: 'Fills update positions, trades and P&L as they arrive; see the Portfolio page.',
    }
  const reason = placed.awaitingApproval
    ? 'Waiting for approval: nothing has been sent yet.'
    : placed.dryRun && placed.orders.length > 0
      ? 'Dry run: nothing was sent, so there is nothing to track.'
      : 'No order was placed.'
  return { track: false, reason }
}

export function trackOrder(
  submitted: SubmittedOrder[],
  getOrder: (id: string) => OrderRow | null | undefined,
): { orders: SubmittedOrder[]; note: string } {
  return {
    orders: submitted.map((o) => {
      const row = getOrder(o.id)
      return row ? orderState(row) : o
    }),
    note: 'Later status changes and fills are order events of this run (Orders page).',
  }
}
