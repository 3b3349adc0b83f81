import type { OrderAnswer } from '../broker/broker'
import { GatewayHttpError } from '../broker/ibkr/errors'
import { getOrder, updateOrder, type OrderRow } from '../store/orders-repo'
import { crashPoint } from '../crash-points'
import type { ApplyEvent } from './order-apply'
import { brokerTickets } from './order-intent'
import type { OrderIntent, OrderManagerDeps } from './order-manager'

// Sending a committed intent (F13, RELIABILITY.md §1): the session checked once more, the request,
// the reply-prompt chain (allow-listed ids answered, others asked of a person), and the outcome
// applied; an unclear outcome is recorded as UNKNOWN for reconciliation and never resent.

const MAX_REPLY_CHAIN = 20

export interface SenderDeps {
  d: Pick<OrderManagerDeps, 'db' | 'now' | 'broker' | 'gateway' | 'alert'>
  allow: ReadonlySet<string>
  apply: ApplyEvent
  askPerson(orderIds: string[], a: Extract<OrderAnswer, { kind: 'confirm' }>): Promise<boolean>
}

export function createSender({ d, allow, apply, askPerson }: SenderDeps) {
  let submitting = 0

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
      const tickets = brokerTickets(intent)
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

  return { send, busy: () => submitting > 0 }
}
