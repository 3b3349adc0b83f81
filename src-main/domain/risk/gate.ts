import type { RiskCheckRow } from '../../contract/steps'
import { nyWallClock } from '../indicators/ny-time'
import { nyseRegularHours } from '../schedule/nyse'

// The risk gate (F12, RELIABILITY.md §1 invariants 5–11): the last check before any order leaves,
// applied by the order manager to every order, manual ones included. Pure: the state comes in as
// data from the DB and broker snapshots, never from the renderer or a model.

export interface OrderRate {
  perTwoSeconds: number
  perMinute: number
  perDay: number
}
export const DEFAULT_ORDER_RATE: OrderRate = { perTwoSeconds: 1, perMinute: 20, perDay: 200 }

export interface GateOrder {
  side: 'BUY' | 'SELL'
  qty: number
  /** Limit (or stop) price used for the notional. */
  price: number
  /** Reduces the existing position (an exit, a stop or target leg, a sell of shares held). */
  reducing: boolean
  marketHours: 'rth_only' | 'any'
  allowShort: boolean
  /** Signed position in this instrument for this account. */
  positionQty: number
}

export interface GateState {
  now: number
  session: { state: string; competing: boolean }
  /** Reconciliation has finished since the last (re)connect and found nothing that blocks trading. */
  reconciled: boolean
  killSwitch: boolean
  dailyLossLatched: boolean
  /** Submission times (ms) of this account's recent orders, for the rate caps. */
  recentSubmits: readonly number[]
  rate: OrderRate
  maxOrderNotional: number
}

export interface GateVerdict {
  allowed: boolean
  checks: RiskCheckRow[]
  reason: string | null
}

/** ±5 min around IBKR's nightly reset at 01:00 New York (IBKR.md §2.6), and Saturday-evening maintenance. */
export function inResetWindow(t: number): boolean {
  const local = new Date(nyWallClock(t))
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes()
  const aroundReset = minute >= 55 && minute < 65
  const saturdayEvening = local.getUTCDay() === 6 && local.getUTCHours() >= 18
  return aroundReset || saturdayEvening
}

export function gate(o: GateOrder, s: GateState): GateVerdict {
  const checks: RiskCheckRow[] = []
  const add = (rule: string, passed: boolean, value: string, limit: string, message: string) =>
    void checks.push({ rule, passed, value, limit, message })
  const increasing = !o.reducing

  add(
    'session',
    s.session.state === 'authenticated' && !s.session.competing,
    s.session.competing ? 'competing' : s.session.state,
    'authenticated',
    'Orders go out only on an authenticated, non-competing session',
  )
  add(
    'reconciled',
    s.reconciled,
    s.reconciled ? 'yes' : 'no',
    'yes',
    'The broker view is loaded and matched since the last connect',
  )
  add(
    'reset_window',
    !inResetWindow(s.now),
    inResetWindow(s.now) ? 'inside' : 'outside',
    'outside',
    'No submits around the nightly reset or during weekend maintenance',
  )
  if (increasing) {
    add(
      'kill_switch',
      !s.killSwitch,
      s.killSwitch ? 'on' : 'off',
      'off',
      'While the kill switch is on, only orders that reduce a position go out',
    )
    add(
      'daily_loss',
      !s.dailyLossLatched,
      s.dailyLossLatched ? 'latched' : 'ok',
      'ok',
      'After the daily loss limit, only orders that reduce a position go out',
    )
  }
  if (o.marketHours === 'rth_only') {
    const h = nyseRegularHours(s.now)
    add(
      'market_hours',
      h.open,
      h.open ? 'open' : `closed (${h.reason})`,
      'regular hours',
      'This strategy trades in regular hours only',
    )
  }
  add(
    'quantity',
    Number.isSafeInteger(o.qty) && o.qty > 0,
    String(o.qty),
    '> 0 whole shares',
    'Quantities are positive whole numbers',
  )
  if (increasing)
    add(
      'order_notional',
      o.qty * o.price <= s.maxOrderNotional,
      (o.qty * o.price).toFixed(2),
      `≤ ${s.maxOrderNotional}`,
      'Notional of one order',
    )
  if (o.side === 'SELL' && !o.allowShort) {
    const held = Math.max(0, o.positionQty)
    add(
      'long_only',
      o.qty <= held,
      `${o.qty} vs ${held} held`,
      '≤ shares held',
      'A sell never exceeds the shares held unless shorting is allowed',
    )
  }
  const within = (ms: number) => s.recentSubmits.filter((t) => s.now - t < ms).length
  add(
    'rate_2s',
    within(2_000) < s.rate.perTwoSeconds,
    String(within(2_000)),
    `< ${s.rate.perTwoSeconds} per 2 s`,
    'Order rate',
  )
  add(
    'rate_minute',
    within(60_000) < s.rate.perMinute,
    String(within(60_000)),
    `< ${s.rate.perMinute} per minute`,
    'Order rate',
  )
  add(
    'rate_day',
    within(86_400_000) < s.rate.perDay,
    String(within(86_400_000)),
    `< ${s.rate.perDay} per day`,
    'Order rate',
  )
  const failed = checks.find((c) => !c.passed)
  return {
    allowed: !failed,
    checks,
    reason: failed ? `${failed.rule}: ${failed.message} (${failed.value}, needs ${failed.limit})` : null,
  }
}
