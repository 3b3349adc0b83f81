import type { Broker } from '../broker/broker'
import { nyDate } from '../domain/indicators/ny-time'
import type { RiskState } from './risk-state'
import type { RiskCheckRow } from '../contract/steps'
import { gate, type GateExposure, type GateOrder, type GateVerdict } from '../domain/risk/gate'
import type { RiskLimits } from '../domain/risk/limits'
import type { Db } from '../store/db'
import {
  averageCosts,
  losingStreak,
  recentMessages,
  strategyOfRun,
  strategyPositions,
  workingOrders,
} from '../store/exposure-repo'
import type { GatewayConnection } from './gateway-status'

// The one risk gate's inputs, assembled for every path that creates or changes exposure (issue #9):
// a new intent (strategy, manual, an approval at the moment it is decided) or a change to a working
// order (modify, judged as the order would stand after it). The quote is read fresh for the price
// collar; exposure comes from positions and working orders, a modified order's own share taken out.

export interface OrderGateDeps {
  db: Db
  now(): number
  gateway(): GatewayConnection
  risk(account: string): { killSwitch: boolean; dailyLossLatched: boolean }
  reconciled(): boolean
  /**
   * The reconciliation cycle in flight, if any (start-up, a reconnect): an order that comes while the
   * broker view is being loaded waits for it rather than being refused ("reconciled: no") a moment
   * before it would have passed. With no cycle running, nothing waits.
   */
  reconciling?(): Promise<unknown> | null
  liveArmed(account: string): boolean
  /** Net position per conid for the account. */
  positions(account: string): Map<number, number>
  /** Effective limits for an order of this strategy (null: manual). */
  limits(strategyId: string | null): RiskLimits
  /** A fresh quote for the collar: last price and its age in ms (null when none). */
  quote(conid: number): Promise<{ last: number | null; ageMs: number | null }>
  /** The latest known mark for a position in another instrument (null when none). */
  mark(conid: number): number | null
  netLiquidation(account: string): Promise<number | null>
  /** A losing streak reached its alert level (pause off): tell the trader once. */
  onLosingStreak?(strategyId: string, streak: number): void
}

/** One leg of an order as the gate sees it, after the change. */
export interface GateLeg {
  account: string
  mode: 'paper' | 'live' | 'dry-run'
  runId: string | null
  leg: 'single' | 'parent' | 'stop' | 'target'
  conid: number
  side: 'BUY' | 'SELL'
  orderType: string
  qty: number
  filledQty: number
  price: number
  marketHours: 'rth_only' | 'any'
  allowShort: boolean
  kind: 'submit' | 'modify'
  /** A modify: the order being changed (its current share of exposure is taken out). */
  orderId?: string
  parentId?: string | null
  /** A modify of a working order that only shrinks it (same price, smaller quantity). */
  shrinking?: boolean
}

export function createOrderGate(d: OrderGateDeps) {
  async function check(o: GateLeg): Promise<GateVerdict> {
    if (!d.reconciled()) await d.reconciling?.()?.catch(() => undefined)
    const strategyId = strategyOfRun(d.db, o.runId)
    const limits = d.limits(strategyId)
    const pos = d.positions(o.account)
    const held = pos.get(o.conid) ?? 0
    const remaining = o.qty - o.filledQty
    const collared = (o.leg === 'single' || o.leg === 'parent') && o.orderType === 'LMT'
    const [quote, nlv] = await Promise.all([
      // Read for every change: the collar needs it fresh, exposure needs a mark for this instrument.
      d.quote(o.conid),
      d.netLiquidation(o.account),
    ])
    const working = workingOrders(d.db, o.account).filter((w) => w.id !== o.orderId)
    const parent = o.parentId ? working.find((w) => w.id === o.parentId) : undefined
    const parentRemaining = parent && parent.side !== o.side ? parent.qty - parent.filledQty : 0
    const exitOfChild = o.leg === 'stop' || o.leg === 'target'
    const reducing =
      o.shrinking === true ||
      (exitOfChild && parentRemaining > 0 && remaining <= parentRemaining + Math.abs(held)) ||
      ((o.leg === 'single' || exitOfChild) &&
        held !== 0 &&
        (o.side === 'SELL') === held > 0 &&
        remaining <= Math.abs(held))
    let costs: Map<number, number> | null = null
    // A live mark, else the position's average cost (never an unknown counted as zero).
    const markOf = (conid: number): number | null =>
      conid === o.conid && quote.last !== null
        ? quote.last
        : (d.mark(conid) ??
          (costs ??= averageCosts(d.db, o.account)).get(conid) ??
          (conid === o.conid ? o.price : null))
    // Entries still working: parents, and singles that add to (or open) the position.
    const entries = working.filter((w) => {
      if (w.leg === 'parent') return true
      if (w.leg !== 'single') return false
      const p = pos.get(w.conid) ?? 0
      return w.side === 'BUY' ? p >= 0 : p <= 0
    })
    const entryNotional = (ws: typeof entries) =>
      ws.reduce((s, w) => s + (w.qty - w.filledQty) * (w.price ?? markOf(w.conid) ?? 0), 0)
    const symbolMark = markOf(o.conid) ?? o.price
    let gross: number | null = entryNotional(entries)
    for (const [conid, qty] of pos) {
      if (qty === 0) continue
      const m = markOf(conid)
      gross = m === null || gross === null ? null : gross + Math.abs(qty) * m
    }
    let strategy: number | null = null
    if (strategyId) {
      strategy = entryNotional(entries.filter((w) => w.strategyId === strategyId))
      for (const [conid, qty] of strategyPositions(d.db, o.account, strategyId))
        strategy += Math.abs(qty) * (markOf(conid) ?? 0)
    }
    const streak = strategyId ? losingStreak(d.db, o.account, strategyId) : 0
    if (strategyId && streak >= limits.losingStreak && !limits.pauseOnLosingStreak)
      d.onLosingStreak?.(strategyId, streak)
    const exposure: GateExposure = {
      symbol: Math.abs(held) * symbolMark + entryNotional(entries.filter((w) => w.conid === o.conid)),
      strategy,
      gross,
      openPositions: [...pos.values()].filter((q) => q !== 0).length,
      opensNew: !reducing && held === 0 && !entries.some((w) => w.conid === o.conid),
      netLiquidation: nlv,
      losingStreak: streak,
    }
    const order: GateOrder = {
      side: o.side,
      qty: o.qty,
      filledQty: o.filledQty,
      price: o.price,
      reducing,
      marketHours: o.marketHours,
      allowShort: o.allowShort,
      positionQty: held,
      parentRemaining,
      collared,
      kind: o.kind,
    }
    const status = d.gateway().current()
    const since = d.now() - 86_400_000
    const verdict = gate(order, {
      now: d.now(),
      session: { state: status.state, competing: status.state === 'competing' },
      reconciled: d.reconciled(),
      ...d.risk(o.account),
      recentSubmits: recentMessages(d.db, o.account, since),
      rate: { perTwoSeconds: limits.ratePerTwoSeconds, perMinute: limits.ratePerMinute, perDay: limits.ratePerDay },
      limits: {
        maxOrderNotional: limits.maxOrderNotional,
        maxSymbolNotional: limits.maxSymbolNotional,
        maxStrategyNotional: limits.maxStrategyNotional,
        maxGrossExposurePct: limits.maxGrossExposurePct,
        maxOpenPositions: limits.maxOpenPositions,
        priceCollarPct: limits.priceCollarPct,
        maxQuoteAgeMs: limits.maxQuoteAgeSec * 1000,
        losingStreak: limits.losingStreak,
        pauseOnLosingStreak: limits.pauseOnLosingStreak,
      },
      exposure,
      quote,
    })
    return withAccountRules(verdict, o, status)
  }

  function withAccountRules(
    verdict: GateVerdict,
    o: GateLeg,
    status: ReturnType<GatewayConnection['current']>,
  ): GateVerdict {
    const extra: RiskCheckRow[] = []
    if (status.account !== o.account)
      extra.push({
        rule: 'account',
        passed: false,
        value: status.account ?? 'none',
        limit: o.account,
        message: 'The gateway must have the intent’s account selected',
      })
    if (o.mode === 'paper' && !status.paper)
      extra.push({
        rule: 'paper_account',
        passed: false,
        value: 'live account',
        limit: 'paper account',
        message: 'A paper strategy never sends to a live account',
      })
    if (o.mode === 'live' && (status.paper || !d.liveArmed(o.account)))
      extra.push({
        rule: 'live_armed',
        passed: false,
        value: status.paper ? 'paper account' : 'not armed',
        limit: 'armed live account',
        message: 'Live orders need live trading armed for this account',
      })
    if (o.mode === 'dry-run')
      extra.push({
        rule: 'mode',
        passed: false,
        value: 'dry-run',
        limit: 'paper or live',
        message: 'A dry-run order is never sent',
      })
    if (extra.length === 0) return verdict
    const checks = [...verdict.checks, ...extra]
    const failed = checks.find((c) => !c.passed)!
    return {
      allowed: false,
      checks,
      reason: `${failed.rule}: ${failed.message} (${failed.value}, needs ${failed.limit})`,
    }
  }

  return { check }
}

export type OrderGate = ReturnType<typeof createOrderGate>

/**
 * The collar's quote: a snapshot read from the gateway now (its age is the read's duration on our
 * clock, since the gateway's `_updated` runs on its own); a prior close (`C`) or a halt (`H`) is no
 * fresh quote.
 */
export function freshQuote(broker: () => Broker, now: () => number) {
  return async (conid: number): Promise<{ last: number | null; ageMs: number | null }> => {
    const asked = now()
    const [q] = await broker()
      .snapshot([conid], ['31'])
      .catch(() => [])
    const last = q && !q.closed && !q.halted ? (q.values['31'] ?? null) : null
    return { last, ageMs: last === null ? null : Math.max(0, now() - asked) }
  }
}

/** Net liquidation for the exposure cap: the day's start figure, read from the broker once a day. */
export function startOfDayNav(risk: RiskState, broker: () => Broker, now: () => number) {
  return async (acct: string): Promise<number | null> => {
    const known = risk.view(acct)
    if (known.startOfDayNav !== null && known.tradingDate === nyDate(now())) return known.startOfDayNav
    const s = await broker()
      .summary(acct)
      .catch(() => null)
    const nav = typeof s?.netliquidation === 'number' ? s.netliquidation : null
    if (nav !== null && nav > 0) risk.startOfDay(acct, nav)
    return nav ?? known.startOfDayNav
  }
}
