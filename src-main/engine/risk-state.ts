import { crashPoint } from '../crash-points'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { getRiskState, setRiskState, type RiskStateRow } from '../store/orders-repo'
import { nyDate } from '../domain/indicators/ny-time'
import { auditLog } from '../store/schema'

// The kill switch and the daily loss limit (F12, RELIABILITY.md §1 invariant 8): latched in the
// database, so they survive restarts; while either is on only risk-reducing orders and cancels go
// out; they reset only through an explicit, confirmed action (audited). Live arming (invariant 9)
// is in memory on purpose: it ends when the app exits.

export interface RiskView {
  account: string
  killSwitch: boolean
  killReason: string | null
  killAt: number | null
  dailyLossLatched: boolean
  tradingDate: string | null
  startOfDayNav: number | null
  dailyLossLimitPct: number
  liveArmed: boolean
}

export const DAILY_LOSS_LIMIT_PCT = 0.03

export function createRiskState(d: {
  db: Db
  bus: EventBus
  now(): number
  alert(level: 'info' | 'warning' | 'error', title: string, message: string): void
  onKill?(account: string): void
  /** The daily loss limit as a share of start-of-day NAV (the trader's setting). */
  dailyLossPct?(): number
}) {
  const lossPct = () => d.dailyLossPct?.() ?? DAILY_LOSS_LIMIT_PCT
  const armed = new Set<string>()
  const changed = () => {
    d.bus.emit('db.changed', { tables: ['risk_state'] })
  }
  const audit = (action: string, details: unknown) =>
    d.db
      .insert(auditLog)
      .values({ at: d.now(), actor: 'user', action, details: details ?? {} })
      .run()

  function view(account: string): RiskView {
    const r: RiskStateRow | null = getRiskState(d.db, account)
    return {
      account,
      killSwitch: r?.killSwitch ?? false,
      killReason: r?.killReason ?? null,
      killAt: r?.killAt ?? null,
      dailyLossLatched: r?.dailyLossLatched ?? false,
      tradingDate: r?.tradingDate ?? null,
      startOfDayNav: r?.startOfDayNav ? Number(r.startOfDayNav) : null,
      dailyLossLimitPct: lossPct(),
      liveArmed: armed.has(account),
    }
  }

  return {
    view,
    flags(account: string) {
      const v = view(account)
      return { killSwitch: v.killSwitch, dailyLossLatched: v.dailyLossLatched }
    },
    setKillSwitch(account: string, on: boolean, reason: string, actor: 'user' | 'system'): RiskView {
      if (!on && actor === 'user' && reason.trim().length < 3)
        throw new RpcError('BAD_INPUT', 'Say why the kill switch may be reset (at least 3 characters)')
      // The latch and its audit row commit together; cancelling entry orders follows (and is redone
      // after the next reconciliation if a crash cuts it short).
      const before = view(account)
      d.db.transaction(() => {
        setRiskState(
          d.db,
          account,
          on
            ? { killSwitch: true, killReason: reason, killAt: d.now() }
            : { killSwitch: false, killReason: null, killAt: null },
          d.now(),
        )
        if (actor === 'user')
          audit(on ? 'risk.killSwitch.on' : 'risk.killSwitch.off', {
            account,
            reason,
            before: { killSwitch: before.killSwitch, killReason: before.killReason },
            after: { killSwitch: on, killReason: on ? reason : null },
          })
      })
      crashPoint('during-kill-switch-latch')
      d.alert(
        on ? 'error' : 'info',
        on ? 'Kill switch on' : 'Kill switch reset',
        on
          ? `${account}: ${reason}. Only orders that reduce a position go out.`
          : `${account}: trading allowed again (${reason}).`,
      )
      if (on) d.onKill?.(account)
      changed()
      return view(account)
    },
    /** Start of a trading day: remember NAV; a new day does not reset a latch (a person does). */
    startOfDay(account: string, nav: number): void {
      const today = nyDate(d.now())
      const r = getRiskState(d.db, account)
      if (r?.tradingDate === today) return
      setRiskState(d.db, account, { tradingDate: today, startOfDayNav: String(nav) }, d.now())
      changed()
    },
    /** Check today's loss (realized + unrealized − fees) against the limit; latch once breached. */
    checkDailyLoss(account: string, pnlToday: number): boolean {
      const v = view(account)
      if (v.dailyLossLatched || v.startOfDayNav === null || v.startOfDayNav <= 0) return v.dailyLossLatched
      if (pnlToday < -lossPct() * v.startOfDayNav) {
        setRiskState(d.db, account, { dailyLossLatched: true }, d.now())
        d.alert(
          'error',
          'Daily loss limit reached',
          `${account}: ${pnlToday.toFixed(2)} today, beyond ${(lossPct() * 100).toFixed(1)} % of ` +
            `${v.startOfDayNav.toFixed(2)}. Only orders that reduce a position go out until you reset it.`,
        )
        changed()
        return true
      }
      return false
    },
    resetDailyLoss(account: string, reason: string): RiskView {
      if (reason.trim().length < 3)
        throw new RpcError('BAD_INPUT', 'Say why the loss limit may be reset (at least 3 characters)')
      const before = view(account).dailyLossLatched
      setRiskState(d.db, account, { dailyLossLatched: false }, d.now())
      audit('risk.dailyLoss.reset', {
        account,
        reason,
        before: { dailyLossLatched: before },
        after: { dailyLossLatched: false },
      })
      changed()
      return view(account)
    },
    armLive(account: string, confirmation: string, paper: boolean): RiskView {
      if (paper) throw new RpcError('CONFLICT', `${account} is a paper account; there is nothing to arm.`)
      if (confirmation !== `ARM ${account}`)
        throw new RpcError('BAD_INPUT', `Type exactly "ARM ${account}" to arm live trading for this account`)
      audit('risk.armLive', { account, before: { liveArmed: armed.has(account) }, after: { liveArmed: true } })
      armed.add(account)
      d.alert(
        'warning',
        'Live trading armed',
        `${account}: live strategies may send real orders until you disarm or the app exits.`,
      )
      changed()
      return view(account)
    },
    disarmLive(account: string): RiskView {
      audit('risk.disarmLive', { account, before: { liveArmed: armed.has(account) }, after: { liveArmed: false } })
      armed.delete(account)
      changed()
      return view(account)
    },
    liveArmed: (account: string) => armed.has(account),
  }
}

export type RiskState = ReturnType<typeof createRiskState>
