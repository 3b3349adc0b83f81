import { randomUUID } from 'node:crypto'
import type { Broker, Execution } from '../broker/broker'
import type { Alert } from '../contract/models'
import type { RiskCaps } from '../domain/runs/risk'
import { effectiveLimits, type RiskLimits, type StrategyLimitOverrides } from '../domain/risk/limits'
import { strategyOfRun } from '../store/exposure-repo'
import { createOrderGate, freshQuote, startOfDayNav } from './order-gate'
import { createRiskLimits } from './risk-limits'
import type { OrderRate } from '../domain/risk/gate'
import { nyDate } from '../domain/indicators/ny-time'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { listOrders } from '../store/orders-repo'
import type { Timers } from '../timers'
import { createApprovals } from './approvals'
import type { GatewayConnection } from './gateway-status'
import { createOrderManager } from './order-manager'
import { createTradingHandlers } from './trading-handlers'
import { createReconciler } from './reconciler'
import { createRiskState } from './risk-state'

// The trading core, assembled: risk state, order manager, reconciler and approvals, kept in step
// with the gateway session (reconcile at start-up and after every reconnect; nothing is sent
// until that succeeds), plus the RPC handlers for orders, risk and approvals (trading-handlers.ts).

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
  /** The trader's limits (Settings); without them the defaults with `caps` and `rate`. */
  limits?(): RiskLimits
  /** A strategy's shorting rule and limit overrides (which only tighten), or null when unknown. */
  strategyRisk?(strategyId: string): { allowShort: boolean; limits?: StrategyLimitOverrides | null } | null
  /** The latest known mark of an instrument (live quotes), for exposure in other instruments. */
  mark?(conid: number): number | null
  /** This host may arm live trading (the desktop app; the web host only with --allow-live). */
  allowLive?: boolean
}

export type { TradingHandlers } from './trading-handlers'

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
  const riskLimits = createRiskLimits({ db: d.db, bus: d.bus, now: d.now })
  // The trader's limits (Settings); a test or bench may fix them, or only the order rate.
  const globalLimits = (): RiskLimits =>
    d.limits
      ? d.limits()
      : {
          ...riskLimits.current(),
          ...(d.rate
            ? { ratePerTwoSeconds: d.rate.perTwoSeconds, ratePerMinute: d.rate.perMinute, ratePerDay: d.rate.perDay }
            : {}),
        }
  const risk = createRiskState({
    db: d.db,
    dailyLossPct: () => globalLimits().dailyLossPct,
    bus: d.bus,
    now: d.now,
    alert,
    onKill: (acct) => void cancelRiskIncreasing(acct),
  })
  const streakAlerted = new Map<string, number>()
  const gate = createOrderGate({
    db: d.db,
    now: d.now,
    gateway: d.gateway,
    risk: (acct) => risk.flags(acct),
    reconciled: () => reconciler.reconciled(),
    reconciling: () => reconciler.inFlight(),
    liveArmed: (acct) => risk.liveArmed(acct),
    positions: (acct) => d.portfolio.localPositions(acct),
    limits: (strategyId) => effectiveLimits(globalLimits(), strategyId ? d.strategyRisk?.(strategyId)?.limits : null),
    quote: freshQuote(d.broker, d.now),
    mark: (conid) => d.mark?.(conid) ?? null,
    netLiquidation: startOfDayNav(risk, d.broker, d.now),
    onLosingStreak: (strategyId, streak) => {
      if (streakAlerted.get(strategyId) === streak) return
      streakAlerted.set(strategyId, streak)
      alert('warning', 'Losing streak', `Strategy ${strategyId}: ${streak} losing trades in a row.`)
    },
  })
  const orders = createOrderManager({
    db: d.db,
    bus: d.bus,
    now: d.now,
    timers: d.timers,
    broker: d.broker,
    gateway: d.gateway,
    gate,
    allowShort: (o) => {
      const sid = strategyOfRun(d.db, o.runId)
      return sid ? (d.strategyRisk?.(sid)?.allowShort ?? false) : false
    },
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

  const handlers = createTradingHandlers({
    d,
    account,
    orders,
    reconciler,
    risk,
    riskLimits,
    approvals,
  })

  return {
    orders,
    /** The gateway changed (another URL): listen to the new broker's order stream. */
    onConnection: () => orders.reattach(),
    reconciler,
    risk,
    riskLimits,
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
