import { randomUUID } from 'node:crypto'
import type { Broker, Execution } from '../broker/broker'
import type { Alert } from '../contract/models'
import type { OrderIntentTicket } from '../contract/steps'
import type { ApprovalView, OrderView } from '../contract/trading-api'
import { tradingMethods } from '../contract/trading-api'
import { LEG_LETTER, type RiskCaps } from '../domain/runs/risk'
import type { OrderRate } from '../domain/risk/gate'
import { formatPrice, isOnIncrement } from '../domain/prices'
import { RpcError } from '../rpc/errors'
import { nyDate } from '../domain/indicators/ny-time'
import type { EventBus } from '../rpc/event-bus'
import type { ApprovalRow } from '../store/approvals-repo'
import type { Db } from '../store/db'
import { eventsOf, listOrders, type OrderRow } from '../store/orders-repo'
import type { Timers } from '../timers'
import { createApprovals, type ApprovalSummary } from './approvals'
import type { GatewayConnection } from './gateway-status'
import { createOrderManager, type OrderIntent } from './order-manager'
import { createReconciler } from './reconciler'
import { createRiskState } from './risk-state'
import type { z } from 'zod'

// The trading core, assembled: risk state, order manager, reconciler and approvals, kept in step
// with the gateway session (reconcile at start-up and after every reconnect; nothing is sent
// until that succeeds), plus the RPC handlers for orders, risk and approvals.

/** What the trading core needs from the portfolio (F16). */
export interface PortfolioPort {
  /** Executions from the broker into the fills ledger, positions and trades (idempotent by execution id). */
  ingest(executions: Execution[]): void
  /** Pull recent executions from the broker (after a fill report). */
  syncFromBroker(): Promise<void>
  /** Net position per conid for an account, across strategies. */
  localPositions(account: string): Map<number, number>
  /** Today's P&L (realized + unrealized − fees) for the loss limit, or null while unknown. */
  pnlToday(account: string): number | null
}

export interface TradingDeps {
  db: Db
  lineageDb: Db
  bus: EventBus
  now(): number
  timers: Timers
  broker(): Broker
  gateway(): GatewayConnection
  portfolio: PortfolioPort
  caps(): RiskCaps
  symbolOf(conid: number): string | null
  rate?: OrderRate
}

type Methods = typeof tradingMethods
export type TradingHandlers = {
  [M in keyof Methods]: (
    input: z.output<Methods[M]['input']>,
  ) => Promise<z.output<Methods[M]['output']>> | z.output<Methods[M]['output']>
}

export function createTrading(d: TradingDeps) {
  const alert = (level: Alert['level'], title: string, message: string, action?: { approvalId: string }) =>
    d.bus.emit('alerts.raised', {
      id: randomUUID(),
      level,
      title,
      message,
      at: d.now(),
      ...(action ? { action: { kind: 'approval' as const, id: action.approvalId } } : {}),
    })
  const account = () => d.gateway().current().account
  // Fill reports coalesce into one executions read at a time; a report during a read asks for one more.
  let syncing = false
  let again = false
  const onFills = () => {
    if (syncing) {
      again = true
      return
    }
    syncing = true
    again = false
    void d.portfolio
      .syncFromBroker()
      .catch((e: unknown) =>
        alert(
          'warning',
          'Fills not loaded yet',
          `Reading executions failed: ${e instanceof Error ? e.message : String(e)}. They are read ` +
            `again at the next fill or reconciliation.`,
        ),
      )
      .finally(() => {
        syncing = false
        if (again) onFills()
      })
  }
  const risk = createRiskState({
    db: d.db,
    bus: d.bus,
    now: d.now,
    alert,
    onKill: (acct) => void cancelRiskIncreasing(acct),
  })
  const orders = createOrderManager({
    db: d.db,
    bus: d.bus,
    now: d.now,
    timers: d.timers,
    broker: d.broker,
    gateway: d.gateway,
    risk: (acct) => risk.flags(acct),
    reconciled: () => reconciler.reconciled(),
    liveArmed: (acct) => risk.liveArmed(acct),
    positionQty: (acct, conid) => d.portfolio.localPositions(acct).get(conid) ?? 0,
    maxOrderNotional: () => d.caps().maxOrderNotional,
    rate: d.rate,
    onFills,
    alert,
  })
  const reconciler = createReconciler({
    db: d.db,
    bus: d.bus,
    now: d.now,
    broker: d.broker,
    gateway: d.gateway,
    orders,
    ingest: (x) => d.portfolio.ingest(x),
    localPositions: (acct) => d.portfolio.localPositions(acct),
    latchKillSwitch: (acct, reason) => {
      if (!risk.flags(acct).killSwitch) risk.setKillSwitch(acct, true, reason, 'system')
    },
    alert,
  })
  const approvals = createApprovals({
    db: d.db,
    lineageDb: d.lineageDb,
    bus: d.bus,
    now: d.now,
    timers: d.timers,
    orders: () => orders,
    alert,
  })

  /** Kill switch on: working entry orders are cancelled; protective stops and targets stay. */
  async function cancelRiskIncreasing(acct: string): Promise<void> {
    for (const o of listOrders(d.db, { status: ['SUBMITTED', 'PARTIALLY_FILLED'], account: acct, limit: 500 })) {
      if (o.leg !== 'parent' && !(o.leg === 'single' && o.origin !== 'external')) continue
      await orders
        .cancel(o.id)
        .catch((e: unknown) =>
          alert('error', 'Cancel failed', `${o.clientOrderId}: ${e instanceof Error ? e.message : String(e)}`),
        )
    }
  }

  // Session changes: drop the reconciled flag at once; reconcile when authenticated again.
  let lastState: string | null = null
  let lastAccount: string | null = null
  // A kill switch latched before a crash or a disconnect may not have cancelled everything yet:
  // every reconciliation while it is on cancels the working entry orders again.
  const reconcileSoon = () =>
    void reconciler
      .reconcile()
      .then(() => {
        const acct = account()
        if (acct && risk.flags(acct).killSwitch) return cancelRiskIncreasing(acct)
      })
      .catch((e: unknown) =>
        alert(
          'error',
          'Reconciliation failed',
          `${e instanceof Error ? e.message : String(e)}. New orders wait until it succeeds; cancels still work.`,
        ),
      )
  const offStatus = d.bus.listen((event, data) => {
    if (event !== 'gateway.status') return
    const s = data as ReturnType<GatewayConnection['current']>
    if (s.state !== 'authenticated' || s.account !== lastAccount) reconciler.invalidate()
    if (s.state === 'authenticated' && (lastState !== 'authenticated' || s.account !== lastAccount)) reconcileSoon()
    if (
      lastState === 'authenticated' &&
      (s.state === 'expired' || s.state === 'unauthenticated' || s.state === 'competing')
    )
      alert(
        'error',
        'Gateway session lost',
        `The session is ${s.state}. No orders go out until it is back and reconciled.`,
      )
    lastState = s.state
    lastAccount = s.account
  })
  if (d.gateway().current().state === 'authenticated') {
    lastState = 'authenticated'
    lastAccount = d.gateway().current().account
    reconcileSoon()
  }
  // Orders whose outcome is unknown get looked up again until settled (3 absent reads → NOT_PLACED).
  const stopRecheck = d.timers.every(() => {
    if (listOrders(d.db, { status: ['UNKNOWN', 'PENDING_SUBMIT'], limit: 1 }).length > 0 && !orders.busy())
      reconcileSoon()
    const acct = account()
    if (!acct) return
    // The day's loss is measured against net liquidation at the start of the trading day (broker's figure).
    if (risk.view(acct).tradingDate !== nyDate(d.now()) && d.gateway().current().state === 'authenticated') {
      void d
        .broker()
        .summary(acct)
        .then((s) => typeof s.netliquidation === 'number' && risk.startOfDay(acct, s.netliquidation))
        .catch(() => undefined)
    }
    const pnl = d.portfolio.pnlToday(acct)
    if (pnl !== null) risk.checkDailyLoss(acct, pnl)
  }, 15_000)

  function view(o: OrderRow): OrderView {
    const q = orders.pendingReplies().find((p) => p.orderIds.includes(o.id))
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
      symbol: d.symbolOf(o.conid),
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
  const approvalView = (a: ApprovalRow): ApprovalView => ({
    ...a,
    status: a.status as ApprovalView['status'],
    summary: (a.payload as { summary: ApprovalSummary }).summary,
  })

  function requireAccount(): string {
    const acct = account()
    if (!acct) throw new RpcError('UNAVAILABLE', 'No account is selected: pick one on the Connection page.')
    return acct
  }

  /**
   * A manual order as an intent: one random id per manual order; a limit order with a stop loss and/or a
   * take profit becomes a bracket whose legs take the id plus the leg's letter (`-P`, `-S`, `-T`),
   * the children pointing at the parent, like strategy brackets (domain/runs/risk.ts).
   */
  function manualIntent(m: z.output<Methods['orders.place']['input']>): OrderIntent {
    const acct = requireAccount()
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
      mode: d.gateway().current().paper ? 'paper' : 'live',
      account: acct,
      tickets,
      marketHours: m.outsideRth ? 'any' : 'rth_only',
      allowShort: false,
    }
  }

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

  const handlers: TradingHandlers = {
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
      const gate = orders.check(intent)
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
      return acct ? { ...risk.view(acct), reconciled: reconciler.reconciled() } : null
    },
    'risk.setKillSwitch': ({ on, reason }) => ({
      ...risk.setKillSwitch(requireAccount(), on, reason, 'user'),
      reconciled: reconciler.reconciled(),
    }),
    'risk.resetDailyLoss': ({ reason }) => ({
      ...risk.resetDailyLoss(requireAccount(), reason),
      reconciled: reconciler.reconciled(),
    }),
    'risk.armLive': ({ confirmation }) => {
      const paper = d.gateway().current().paper
      if (paper === null)
        throw new RpcError(
          'UNAVAILABLE',
          'Whether this account is paper or live is not known yet; wait for the session, then arm.',
        )
      return { ...risk.armLive(requireAccount(), confirmation, paper), reconciled: reconciler.reconciled() }
    },
    'risk.disarmLive': () => ({ ...risk.disarmLive(requireAccount()), reconciled: reconciler.reconciled() }),
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

  return {
    orders,
    /** The gateway changed (another URL): listen to the new broker's order stream. */
    onConnection: () => orders.reattach(),
    reconciler,
    risk,
    approvals,
    handlers,
    stop() {
      offStatus()
      stopRecheck()
      approvals.stop()
      orders.stop()
    },
  }
}

export type Trading = ReturnType<typeof createTrading>
