import { randomUUID } from 'node:crypto'
import type { OrderTicket } from '../broker/broker'
import type { GateLeg } from './order-gate'
import type { GateVerdict } from '../domain/risk/gate'
import { RpcError } from '../rpc/errors'
import type { Db } from '../store/db'
import { insertIntent, type NewOrder } from '../store/orders-repo'
import { crashPoint } from '../crash-points'
import type { OrderIntent } from './order-manager'

// An order intent before anything is sent (F13, RELIABILITY.md §1): what the risk gate checks (its
// entry leg, as it would stand), the legs persisted under their deterministic client order ids, and
// the tickets the broker receives.

/** The one risk gate's question for a new intent: its entry leg, as it would stand. */
export function gateRequest(intent: OrderIntent): GateLeg {
  const entry = intent.tickets[0]!
  return {
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
  }
}

/** Persist the intent's legs (synchronous=FULL) before any request; a repeated client order id is refused. */
export function commitIntent(db: Db, now: () => number, intent: OrderIntent, verdict: GateVerdict): NewOrder[] {
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
    insertIntent(db, legs, now(), 'intent', { gate: verdict.checks })
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

/** The broker tickets for an intent's legs, in the order they are sent. */
export function brokerTickets(intent: OrderIntent): OrderTicket[] {
  return intent.tickets.map((t) => ({
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
}
