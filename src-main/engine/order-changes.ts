import type { Broker, OrderAnswer, OrderTicket } from '../broker/broker'
import { GatewayHttpError } from '../broker/ibkr/errors'
import type { GateVerdict } from '../domain/risk/gate'
import { isTerminal, type OrderEvent, type Status } from '../domain/orders/state'
import { formatPrice, isOnIncrement } from '../domain/prices'
import { RpcError } from '../rpc/errors'
import type { Db } from '../store/db'
import { eventsOf, getOrder, updateOrder, type OrderRow } from '../store/orders-repo'
import type { OrderGate } from './order-gate'

// Changes to working orders (F13, issue #9): a cancel always goes out (it only reduces exposure);
// a modify passes the one risk gate judged on the order as it would stand after the change, its
// intent is committed before the request (like a submit), and an unclear outcome is settled by
// reading the order back from the broker, never by sending the change again.

export interface OrderChangesDeps {
  db: Db
  now(): number
  broker(): Broker
  gate: OrderGate
  allow: ReadonlySet<string>
  /** Whether the order's strategy allows shorting (manual orders never do). */
  allowShort(o: OrderRow): boolean
  /** One order call at a time per account. */
  serial<T>(account: string, fn: () => Promise<T>): Promise<T>
  /** The gate and the intent commit, one at a time per account. */
  exclusive<T>(account: string, fn: () => Promise<T>): Promise<T>
  apply(order: OrderRow, e: OrderEvent, payload: unknown): OrderRow
  changed(): void
}

const SETTLED = new Set(['modified', 'modify_not_made', 'modify_read_back'])
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))

export function createOrderChanges(d: OrderChangesDeps) {
  const priceOf = (o: OrderRow) => Number(o.orderType === 'STP' ? o.auxPrice : o.limitPrice)

  /** A modify intent with no outcome yet: its result is read back before anything else changes the order. */
  function unsettledModify(orderId: string): boolean {
    const evs = eventsOf(d.db, orderId)
    const last = evs.map((e) => e.kind).lastIndexOf('modify_intent')
    return last >= 0 && !evs.slice(last + 1).some((e) => SETTLED.has(e.kind))
  }

  /** Read the order back from the broker and record what it says (quantity, price, status). */
  async function readBack(o: OrderRow): Promise<OrderRow | null> {
    const s = await d
      .broker()
      .orderStatus(o.brokerOrderId!)
      .catch(() => null)
    if (!s) return null
    const qty = s.totalSize !== null && Number.isSafeInteger(s.totalSize) && s.totalSize > 0 ? s.totalSize : o.qty
    const price = o.orderType !== 'STP' && s.limitPrice !== null ? String(s.limitPrice) : null
    const row = updateOrder(
      d.db,
      o.id,
      { qty: Math.max(qty, o.filledQty), ...(price !== null ? { limitPrice: price } : {}) },
      d.now(),
      { kind: 'modify_read_back', payload: { status: s.status, totalSize: s.totalSize, limitPrice: s.limitPrice } },
    )
    d.changed()
    return row
  }

  async function cancel(orderId: string): Promise<OrderRow> {
    const o = getOrder(d.db, orderId)
    if (!o) throw new RpcError('NOT_FOUND', `No order ${orderId}`)
    if (isTerminal(o.status as Status))
      throw new RpcError('CONFLICT', `Order ${o.clientOrderId} is ${o.status}; nothing to cancel.`)
    if (!o.brokerOrderId)
      throw new RpcError(
        'CONFLICT',
        `Order ${o.clientOrderId} has no broker order id yet (${o.status}); reconciliation settles it first.`,
      )
    return d.serial(o.account, async () => {
      try {
        const ack = await d.broker().cancelOrder(o.account, o.brokerOrderId!)
        const row = d.apply(getOrder(d.db, orderId)!, { kind: 'cancel_requested' }, ack)
        d.changed()
        return row
      } catch (e) {
        // A cancel whose request errors stays as it was until the broker says otherwise.
        throw new RpcError(
          'UNAVAILABLE',
          `The cancel request for ${o.clientOrderId} failed: ${errorText(e)}. ` +
            'The order may still be working; try again.',
        )
      }
    })
  }

  /** The gate's verdict on an order as it would stand after this change. */
  function judge(o: OrderRow, qty: number, price: number): Promise<GateVerdict> {
    return d.gate.check({
      account: o.account,
      mode: o.mode as 'paper' | 'live' | 'dry-run',
      runId: o.runId,
      leg: o.leg as 'single' | 'parent' | 'stop' | 'target',
      conid: o.conid,
      side: o.side as 'BUY' | 'SELL',
      orderType: o.orderType,
      qty,
      filledQty: o.filledQty,
      price,
      marketHours: o.outsideRth ? 'any' : 'rth_only',
      allowShort: d.allowShort(o),
      kind: 'modify',
      orderId: o.id,
      parentId: o.parentId,
      shrinking: qty < o.qty && price === priceOf(o),
    })
  }

  /** IBKR refuses a price off the contract's increment: say so before anything is sent or recorded. */
  async function assertOnIncrement(o: OrderRow, price: number): Promise<void> {
    const label = o.orderType === 'STP' ? 'Stop price' : 'Price'
    let inc: number
    try {
      inc = await d.broker().priceIncrement(o.conid, price)
    } catch (e) {
      throw new RpcError(
        'UNAVAILABLE',
        `The price increment of this contract could not be read (${errorText(e)}); nothing was changed. Try again.`,
      )
    }
    if (!isOnIncrement(price, inc))
      throw new RpcError(
        'BAD_INPUT',
        `${label} ${price} is not a multiple of this contract's price increment ${inc}; ` +
          `use ${formatPrice(price, inc)}. Nothing was changed.`,
      )
  }

  async function modify(orderId: string, change: { price?: number; qty?: number }): Promise<OrderRow> {
    const o = getOrder(d.db, orderId)
    if (!o) throw new RpcError('NOT_FOUND', `No order ${orderId}`)
    if (!o.brokerOrderId || isTerminal(o.status as Status) || o.status === 'PENDING_CANCEL')
      throw new RpcError('CONFLICT', `Order ${o.clientOrderId} is ${o.status}; it cannot be modified.`)
    if (o.origin === 'external')
      throw new RpcError('FORBIDDEN', `Order ${o.clientOrderId} was placed outside this app; change it there.`)
    const qty = change.qty ?? o.qty
    if (qty < o.filledQty)
      throw new RpcError('BAD_INPUT', `The quantity cannot go below the ${o.filledQty} already filled`)
    const price = change.price ?? priceOf(o)
    if (change.price !== undefined) await assertOnIncrement(o, change.price)
    if (unsettledModify(o.id)) {
      const back = await d.serial(o.account, () => readBack(o))
      throw new RpcError(
        'CONFLICT',
        back
          ? `The previous change to ${o.clientOrderId} was unclear; the broker now shows ${back.qty} at ` +
              `${priceOf(back)}. Check it, then change it again if needed.`
          : `The previous change to ${o.clientOrderId} is not settled and the broker could not be read; ` +
              'nothing was sent. Try again shortly.',
      )
    }
    const from = { qty: o.qty, price: priceOf(o) }
    const verdict = await d.exclusive(o.account, async () => {
      const v = await judge(o, qty, price)
      // The intent is committed before the request, like a submit (it also counts for the order rate).
      if (v.allowed)
        updateOrder(d.db, o.id, {}, d.now(), {
          kind: 'modify_intent',
          payload: { from, to: { qty, price }, gate: v.checks },
        })
      else updateOrder(d.db, o.id, {}, d.now(), { kind: 'modify_refused', payload: { to: { qty, price }, gate: v } })
      return v
    })
    d.changed()
    if (!verdict.allowed) throw new RpcError('FORBIDDEN', `Not changed. ${verdict.reason}`, verdict.checks)
    return d.serial(o.account, () => sendModify(o, qty, price))
  }

  async function sendModify(o: OrderRow, qty: number, price: number): Promise<OrderRow> {
    const ticket: OrderTicket = {
      conid: o.conid,
      cOID: o.clientOrderId,
      orderType: o.orderType as OrderTicket['orderType'],
      side: o.side as 'BUY' | 'SELL',
      quantity: qty,
      tif: o.tif as OrderTicket['tif'],
      price,
      outsideRTH: o.outsideRth,
    }
    const notMade = (why: string, payload: unknown) => {
      updateOrder(d.db, o.id, { lastError: why }, d.now(), { kind: 'modify_not_made', payload })
      d.changed()
    }
    let answer: OrderAnswer
    try {
      const a = await d.broker().modifyOrder(o.account, o.brokerOrderId!, ticket)
      answer =
        a.kind === 'confirm' && a.messageIds.every((m) => d.allow.has(m)) ? await d.broker().reply(a.replyId, true) : a
    } catch (e) {
      const definitive =
        e instanceof GatewayHttpError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429
      if (definitive) {
        notMade(errorText(e), { error: errorText(e) })
        throw new RpcError('CONFLICT', `The broker refused the change to ${o.clientOrderId}: ${errorText(e)}`)
      }
      // Unclear: never sent again; the order is read back and shows what the broker did.
      updateOrder(d.db, o.id, { lastError: errorText(e) }, d.now(), {
        kind: 'modify_unknown',
        payload: { qty, price, error: errorText(e) },
      })
      const back = await readBack(getOrder(d.db, o.id)!)
      d.changed()
      throw new RpcError(
        'UNAVAILABLE',
        back
          ? `The change to ${o.clientOrderId} was unclear (${errorText(e)}); read back from the broker: ` +
              `${back.qty} at ${priceOf(back)}. It was not sent again.`
          : `The change to ${o.clientOrderId} may not have been made: ${errorText(e)}. ` +
              'It will not be sent again; the next read-back shows what the broker did.',
      )
    }
    if (answer.kind === 'confirm') {
      await d
        .broker()
        .reply(answer.replyId, false)
        .catch(() => undefined)
      notMade(`The broker asked: ${answer.messages.join(' ')}`, { messageIds: answer.messageIds })
      throw new RpcError('CONFLICT', `The broker asks: ${answer.messages.join(' ')} The change was not made.`)
    }
    const row = updateOrder(
      d.db,
      o.id,
      {
        qty,
        lastError: null,
        ...(o.orderType === 'STP' ? { auxPrice: String(price) } : { limitPrice: String(price) }),
      },
      d.now(),
      { kind: 'modified', payload: { price, qty, answer } },
    )
    d.changed()
    return row
  }

  return { cancel, modify, readBack, unsettledModify }
}
