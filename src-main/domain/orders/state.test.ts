import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromBroker, isTerminal, next, type OrderEvent, type OrderState } from './state'

// RELIABILITY.md T4: a model test of the order state machine over generated event sequences.

const brokerStatus = fc.constantFrom(
  'PendingSubmit',
  'PreSubmitted',
  'Submitted',
  'Filled',
  'PendingCancel',
  'Cancelled',
  'Inactive',
  'Rejected',
  'Weird',
)
const event: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constantFrom<OrderEvent>(
    { kind: 'reply_needed' },
    { kind: 'accepted' },
    { kind: 'rejected' },
    { kind: 'declined' },
    { kind: 'outcome_unknown' },
    { kind: 'cancel_requested' },
    { kind: 'absent_confirmed' },
  ),
  fc.record({
    kind: fc.constant('broker' as const),
    status: brokerStatus,
    filled: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }),
  }),
)

describe('order state machine (T4)', () => {
  it('holds its invariants over 5,000 generated event sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(event, { maxLength: 30 }), (qty, events) => {
        let s: OrderState = { status: 'PENDING_SUBMIT', qty, filledQty: 0 }
        let wasTerminal: string | null = null
        let sawAccepted = false
        for (const e of events) {
          const n = next(s, e)
          // filled never decreases and never exceeds the order
          expect(n.filledQty).toBeGreaterThanOrEqual(s.filledQty)
          expect(n.filledQty).toBeLessThanOrEqual(qty)
          // terminal states absorb (only a cancelled order's fill count may still rise)
          if (wasTerminal) expect(n.status).toBe(wasTerminal)
          if (isTerminal(n.status)) wasTerminal = n.status
          // a fully filled order is FILLED unless it had already ended otherwise
          if (n.filledQty === qty && !wasTerminal) expect(n.status).toBe('FILLED')
          // NOT_PLACED only from an unclear or declined submission, never once the broker acknowledged it
          if (n.status === 'NOT_PLACED' && s.status !== 'NOT_PLACED')
            expect(['UNKNOWN', 'PENDING_SUBMIT', 'AWAITING_REPLY']).toContain(s.status)
          if (e.kind === 'accepted' || (e.kind === 'broker' && fromBroker(e.status, 0, qty) !== null))
            sawAccepted ||= n.status !== s.status
          // an unknown outcome is never turned back into something to send
          expect(n.status === 'PENDING_SUBMIT' && s.status !== 'PENDING_SUBMIT').toBe(false)
          s = n
        }
        void sawAccepted
      }),
      { numRuns: 5000, seed: 4 },
    )
  })

  it('maps IBKR statuses once, with partial fills', () => {
    expect(fromBroker('PreSubmitted', 0, 10)).toBe('SUBMITTED')
    expect(fromBroker('Submitted', 4, 10)).toBe('PARTIALLY_FILLED')
    expect(fromBroker('Filled', 10, 10)).toBe('FILLED')
    expect(fromBroker('Cancelled', 0, 10)).toBe('CANCELED')
    expect(fromBroker('Inactive', 0, 10)).toBe('REJECTED')
    expect(fromBroker('Something new', 0, 10)).toBeNull()
  })

  it('walks the happy path and the unclear path', () => {
    let s: OrderState = { status: 'PENDING_SUBMIT', qty: 10, filledQty: 0 }
    s = next(s, { kind: 'reply_needed' })
    expect(s.status).toBe('AWAITING_REPLY')
    s = next(s, { kind: 'accepted' })
    s = next(s, { kind: 'broker', status: 'Submitted', filled: 3 })
    expect(s).toEqual({ status: 'PARTIALLY_FILLED', qty: 10, filledQty: 3 })
    s = next(s, { kind: 'cancel_requested' })
    s = next(s, { kind: 'broker', status: 'Submitted', filled: 3 })
    expect(s.status).toBe('PENDING_CANCEL')
    s = next(s, { kind: 'broker', status: 'Cancelled', filled: 3 })
    expect(s.status).toBe('CANCELED')
    expect(next(s, { kind: 'broker', status: 'Filled', filled: 5 })).toEqual({
      status: 'CANCELED',
      qty: 10,
      filledQty: 5,
    })
    let u: OrderState = { status: 'PENDING_SUBMIT', qty: 10, filledQty: 0 }
    u = next(u, { kind: 'outcome_unknown' })
    expect(u.status).toBe('UNKNOWN')
    expect(next(u, { kind: 'broker', status: 'Submitted', filled: 0 }).status).toBe('SUBMITTED')
    expect(next(u, { kind: 'absent_confirmed' }).status).toBe('NOT_PLACED')
  })
})
