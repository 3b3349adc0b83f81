import type { OrderAnswer } from '../broker/broker'
import { RpcError } from '../rpc/errors'
import type { OrderManagerDeps, PendingReply } from './order-manager'

// Reply prompts that wait for a person (F13, IBKR.md §3.5): a prompt outside the allow-list is shown
// on the Orders page for two minutes; no answer in time is a "no", so the order is not placed.

const REPLY_TIMEOUT_MS = 120_000

export function createReplyDesk(d: Pick<OrderManagerDeps, 'bus' | 'timers' | 'now' | 'alert'>) {
  const pending = new Map<string, PendingReply & { answer(confirm: boolean): void }>()

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

  return {
    askPerson,
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
    /** Every waiting question answered "no" (the manager stops). */
    declineAll(): void {
      for (const p of pending.values()) p.answer(false)
    },
  }
}
