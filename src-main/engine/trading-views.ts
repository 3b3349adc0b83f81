import { randomUUID } from 'node:crypto'
import type { OrderIntentTicket } from '../contract/steps'
import type { ManualOrder, OrderView } from '../contract/trading-api'
import { LEG_LETTER } from '../domain/runs/risk'
import type { OrderRow } from '../store/orders-repo'
import type { OrderIntent, PendingReply } from './order-manager'

// Shapes of the trading core's RPC answers, and a manual ticket as an order intent.

export function orderView(o: OrderRow, q: PendingReply | undefined, symbol: string | null): OrderView {
  const num = (v: string | null) => (v === null ? null : Number(v))
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    runId: o.runId,
    signalId: o.signalId,
    parentId: o.parentId,
    leg: o.leg as OrderView['leg'],
    origin: o.origin as OrderView['origin'],
    mode: o.mode as OrderView['mode'],
    account: o.account,
    conid: o.conid,
    symbol,
    side: o.side as OrderView['side'],
    orderType: o.orderType,
    tif: o.tif,
    qty: o.qty,
    limitPrice: num(o.limitPrice),
    auxPrice: num(o.auxPrice),
    brokerOrderId: o.brokerOrderId,
    status: o.status as OrderView['status'],
    filledQty: o.filledQty,
    avgFillPrice: num(o.avgFillPrice),
    lastError: o.lastError,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    question: q ? { messages: q.messages, messageIds: q.messageIds, expiresAt: q.expiresAt } : null,
  }
}

/**
 * A manual order as an intent: one random id per manual order; a limit order with a stop loss and/or a
 * take profit becomes a bracket whose legs take the id plus the leg's letter (`-P`, `-S`, `-T`),
 * the children pointing at the parent, like strategy brackets (domain/runs/risk.ts).
 */
export function manualOrderIntent(m: ManualOrder, acct: string, paper: boolean): OrderIntent {
  const id = `m${randomUUID().replace(/-/g, '').slice(0, 12)}`
  const tif = m.tif as 'DAY' | 'GTC'
  const leg = { conid: m.conid, qty: m.qty, outsideRth: false as const }
  const stop = m.stopLoss ?? null
  const target = m.takeProfit ?? null
  let tickets: OrderIntentTicket[] = [
    {
      ...leg,
      clientOrderId: id,
      leg: 'single',
      parentClientOrderId: null,
      side: m.side,
      orderType: m.orderType,
      tif,
      price: m.price,
    },
  ]
  if (stop !== null || target !== null) {
    const parent = `${id}-${LEG_LETTER.parent}`
    const exit = {
      ...leg,
      parentClientOrderId: parent,
      side: m.side === 'BUY' ? ('SELL' as const) : ('BUY' as const),
      tif: 'GTC' as const,
    }
    tickets = [
      { ...tickets[0]!, clientOrderId: parent, leg: 'parent', orderType: 'LMT' },
      ...(stop !== null
        ? [
            {
              ...exit,
              clientOrderId: `${id}-${LEG_LETTER.stop}`,
              leg: 'stop' as const,
              orderType: 'STP' as const,
              price: stop,
            },
          ]
        : []),
      ...(target !== null
        ? [
            {
              ...exit,
              clientOrderId: `${id}-${LEG_LETTER.target}`,
              leg: 'target' as const,
              orderType: 'LMT' as const,
              price: target,
            },
          ]
        : []),
    ]
  }
  return {
    runId: null,
    signalId: null,
    origin: 'manual',
    mode: paper ? 'paper' : 'live',
    account: acct,
    tickets,
    marketHours: m.outsideRth ? 'any' : 'rth_only',
    allowShort: false,
  }
}
