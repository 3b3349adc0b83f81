import type { OrderStatus } from '../../contract/models'

// The order state machine (RELIABILITY.md §1.1): states change only on broker evidence; terminal
// states absorb everything but late fills (which still reach the fills ledger); filled quantity never
// decreases or exceeds the order; an unclear outcome is UNKNOWN, settled by reconciliation, never resent.

export type Status = OrderStatus
export const TERMINAL: ReadonlySet<Status> = new Set([
  'FILLED',
  'CANCELED',
  'REJECTED',
  'EXPIRED',
  'NOT_PLACED',
  'DRY_RUN',
])
export const OPEN: ReadonlySet<Status> = new Set(['SUBMITTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'])

export type OrderEvent =
  | { kind: 'reply_needed' }
  | { kind: 'accepted' }
  /** A definitive refusal: a 4xx with the venue's message, or our own "no" to a reply prompt. */
  | { kind: 'rejected' }
  | { kind: 'declined' }
  | { kind: 'outcome_unknown' }
  /** What the broker reports for the order: its status string and cumulative filled quantity. */
  | { kind: 'broker'; status: string; filled: number | null }
  | { kind: 'cancel_requested' }
  /** The order was looked for and is absent from live orders and trades (3 cycles: proof it never reached IBKR). */
  | { kind: 'absent_confirmed' }

export interface OrderState {
  status: Status
  qty: number
  filledQty: number
}

/** IBKR's status strings (IBKR.md §3.7) mapped once to ours; unknown strings change nothing. */
export function fromBroker(status: string, filled: number, qty: number): Status | null {
  switch (status.replace(/\s+/g, '').toLowerCase()) {
    case 'pendingsubmit':
    case 'presubmitted':
    case 'submitted':
      return filled > 0 ? 'PARTIALLY_FILLED' : 'SUBMITTED'
    case 'partiallyfilled':
      return 'PARTIALLY_FILLED'
    case 'filled':
      return filled >= qty ? 'FILLED' : 'PARTIALLY_FILLED'
    case 'pendingcancel':
      return 'PENDING_CANCEL'
    case 'cancelled':
    case 'canceled':
    case 'apicancelled':
      return 'CANCELED'
    case 'inactive':
    case 'rejected':
      return 'REJECTED'
    case 'expired':
      return 'EXPIRED'
    default:
      return null
  }
}

/** The next state, or the same state when the event does not apply. Pure and total. */
export function next(s: OrderState, e: OrderEvent): OrderState {
  const filledFrom = (f: number | null) => Math.min(s.qty, Math.max(s.filledQty, f ?? s.filledQty))
  if (TERMINAL.has(s.status)) {
    // Absorbing; a late fill after a cancel still counts (the fills ledger has it anyway).
    if (e.kind === 'broker' && s.status === 'CANCELED') return { ...s, filledQty: filledFrom(e.filled) }
    return s
  }
  switch (e.kind) {
    case 'reply_needed':
      return s.status === 'PENDING_SUBMIT' ? { ...s, status: 'AWAITING_REPLY' } : s
    case 'accepted':
      return s.status === 'PENDING_SUBMIT' || s.status === 'AWAITING_REPLY' || s.status === 'UNKNOWN'
        ? { ...s, status: 'SUBMITTED' }
        : s
    case 'rejected':
      return s.status === 'PENDING_SUBMIT' || s.status === 'AWAITING_REPLY' || s.status === 'UNKNOWN'
        ? { ...s, status: 'REJECTED' }
        : s
    case 'declined':
      return s.status === 'AWAITING_REPLY' ? { ...s, status: 'NOT_PLACED' } : s
    case 'outcome_unknown':
      return s.status === 'PENDING_SUBMIT' || s.status === 'AWAITING_REPLY' ? { ...s, status: 'UNKNOWN' } : s
    case 'absent_confirmed':
      return s.status === 'UNKNOWN' || s.status === 'PENDING_SUBMIT' ? { ...s, status: 'NOT_PLACED' } : s
    case 'cancel_requested':
      return OPEN.has(s.status) && s.status !== 'PENDING_CANCEL' ? { ...s, status: 'PENDING_CANCEL' } : s
    case 'broker': {
      const filledQty = filledFrom(e.filled)
      if (filledQty >= s.qty) return { ...s, status: 'FILLED', filledQty }
      const mapped = fromBroker(e.status, filledQty, s.qty)
      if (mapped === null) return { ...s, filledQty }
      // A working report never undoes a cancel request we are waiting on.
      if (s.status === 'PENDING_CANCEL' && (mapped === 'SUBMITTED' || mapped === 'PARTIALLY_FILLED'))
        return { ...s, filledQty }
      return { ...s, status: mapped === 'FILLED' ? 'PARTIALLY_FILLED' : mapped, filledQty }
    }
  }
}

export const isTerminal = (s: Status) => TERMINAL.has(s)
