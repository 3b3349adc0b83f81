import type { ApprovalView, OrderView } from '../contract/trading-api'
import { tradingMethods } from '../contract/trading-api'
import { formatPrice, isOnIncrement } from '../domain/prices'
import { RpcError } from '../rpc/errors'
import type { ApprovalRow } from '../store/approvals-repo'
import { eventsOf, listOrders, type OrderRow } from '../store/orders-repo'
import type { ApprovalSummary, Approvals } from './approvals'
import type { OrderIntent, OrderManager } from './order-manager'
import type { Reconciler } from './reconciler'
import { resetPhrase, type RiskLimitsService } from './risk-limits'
import type { RiskState } from './risk-state'
import type { TradingDeps } from './trading'
import { manualOrderIntent, orderView } from './trading-views'
import type { z } from 'zod'

// The trading core's RPC handlers (orders, risk and approvals): each one checks its input and
// confirmation here in main and calls the order manager, reconciler, risk state or approvals.

type Methods = typeof tradingMethods
export type TradingHandlers = {
  [M in keyof Methods]: (
    input: z.output<Methods[M]['input']>,
  ) => Promise<z.output<Methods[M]['output']>> | z.output<Methods[M]['output']>
}

export interface TradingHandlerDeps {
  d: TradingDeps
  account(): string | null
  orders: OrderManager
  reconciler: Reconciler
  risk: RiskState
  riskLimits: RiskLimitsService
  approvals: Approvals
}

export function createTradingHandlers({
  d,
  account,
  orders,
  reconciler,
  risk,
  riskLimits,
  approvals,
}: TradingHandlerDeps): TradingHandlers {
  const view = (o: OrderRow): OrderView =>
    orderView(
      o,
      orders.pendingReplies().find((p) => p.orderIds.includes(o.id)),
      d.symbolOf(o.conid),
    )
  const approvalView = (a: ApprovalRow): ApprovalView => ({
    ...a,
    status: a.status as ApprovalView['status'],
    summary: (a.payload as { summary: ApprovalSummary }).summary,
  })

  const riskView = (v: ReturnType<typeof risk.view>) => ({
    ...v,
    reconciled: reconciler.reconciled(),
    liveArmingAllowed: d.allowLive === true,
  })
  /** A typed confirmation, checked here in main (the renderer's dialog is only a convenience). */
  function confirmed(typed: string | undefined, phrase: string, what: string): void {
    if (typed?.trim() !== phrase)
      throw new RpcError('FORBIDDEN', `Type exactly "${phrase}" to ${what}; nothing was changed.`, { phrase })
  }

  function requireAccount(): string {
    const acct = account()
    if (!acct) throw new RpcError('UNAVAILABLE', 'No account is selected: pick one on the Connection page.')
    return acct
  }

  const manualIntent = (m: z.output<Methods['orders.place']['input']>): OrderIntent =>
    manualOrderIntent(m, requireAccount(), d.gateway().current().paper === true)

  /** IBKR refuses prices off the contract's increment: say so before anything is sent. */
  async function assertOnIncrement(m: z.output<Methods['orders.place']['input']>): Promise<void> {
    const legs: [string, number | null | undefined][] = [
      ['Price', m.price],
      ['Stop loss', m.stopLoss],
      ['Take profit', m.takeProfit],
    ]
    for (const [label, p] of legs) {
      if (p === null || p === undefined) continue
      const inc = await d.broker().priceIncrement(m.conid, p)
      if (!isOnIncrement(p, inc))
        throw new RpcError(
          'BAD_INPUT',
          `${label} ${p} is not a multiple of this contract's price increment ${inc}; use ${formatPrice(p, inc)}.`,
        )
    }
  }

  return {
    'orders.list': ({ status, runId, limit }) => listOrders(d.db, { status, runId, limit }).map(view),
    'orders.events': ({ orderId }) =>
      eventsOf(d.db, orderId).map((e) => ({
        at: e.at,
        kind: e.kind,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        payload: e.payload,
      })),
    'orders.place': async (m) => {
      await assertOnIncrement(m)
      const r = await orders.submit(manualIntent(m))
      if (!r.gate.allowed) throw new RpcError('FORBIDDEN', `Not sent. ${r.gate.reason}`, r.gate.checks)
      return { gate: r.gate, orders: r.orders.map(view) }
    },
    'orders.preview': async (m) => {
      await assertOnIncrement(m)
      const intent = manualIntent(m)
      const gate = await orders.check(intent)
      // The what-if sees every leg of a bracket, children with their parent's client order id.
      const legs = intent.tickets.map((t) => ({
        conid: t.conid,
        cOID: t.clientOrderId,
        ...(t.parentClientOrderId ? { parentId: t.parentClientOrderId } : {}),
        orderType: t.orderType,
        side: t.side,
        quantity: t.qty,
        tif: t.tif,
        price: t.price,
      }))
      try {
        const whatIf = await d.broker().whatIf(intent.account, legs)
        return { gate, whatIf, whatIfError: null }
      } catch (e) {
        return {
          gate,
          whatIf: null,
          whatIfError: `The gateway's what-if preview failed: ${e instanceof Error ? e.message : String(e)}`,
        }
      }
    },
    'orders.cancel': async ({ orderId }) => view(await orders.cancel(orderId)),
    'orders.modify': async ({ orderId, price, qty }) => view(await orders.modify(orderId, { price, qty })),
    'orders.answerReply': ({ orderId, confirm }) => {
      orders.answerReply(orderId, confirm)
      return { ok: true }
    },
    'orders.reconcile': async () => {
      const r = await reconciler.reconcile()
      return r
        ? { settled: r.settled.length, external: r.external.length, drift: r.drift.length, executions: r.executions }
        : null
    },
    'risk.get': () => {
      const acct = account()
      return acct ? riskView(risk.view(acct)) : null
    },
    'risk.setKillSwitch': ({ on, reason, confirmation }) => {
      const acct = requireAccount()
      if (!on && risk.flags(acct).killSwitch) confirmed(confirmation, resetPhrase(acct), 'reset the kill switch')
      return riskView(risk.setKillSwitch(acct, on, reason, 'user'))
    },
    'risk.resetDailyLoss': ({ reason, confirmation }) => {
      const acct = requireAccount()
      confirmed(confirmation, resetPhrase(acct), 'reset the daily loss limit')
      return riskView(risk.resetDailyLoss(acct, reason))
    },
    'risk.armLive': ({ confirmation }) => {
      if (!d.allowLive)
        throw new RpcError(
          'FORBIDDEN',
          'This web host was started without --allow-live, so it never arms live trading. ' +
            'Restart it with `npm run web -- --allow-live` (or use the desktop app) to arm.',
        )
      const paper = d.gateway().current().paper
      if (paper === null)
        throw new RpcError(
          'UNAVAILABLE',
          'Whether this account is paper or live is not known yet; wait for the session, then arm.',
        )
      return riskView(risk.armLive(requireAccount(), confirmation, paper))
    },
    'risk.disarmLive': () => riskView(risk.disarmLive(requireAccount())),
    'risk.getLimits': () => riskLimits.view(),
    'risk.setLimits': ({ limits, confirmation }) => riskLimits.set(limits, confirmation),
    'approvals.list': ({ status, limit }) => approvals.list(status ?? null, limit).map(approvalView),
    'approvals.decide': async ({ id, approve, reason }) => {
      const r = await approvals.decide(id, approve, 'user', reason ?? null)
      return {
        approval: approvalView(r.approval),
        gate: r.result?.gate ?? null,
        orders: (r.result?.orders ?? []).map(view),
      }
    },
  }
}
