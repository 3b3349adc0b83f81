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
  /** The order's quantity as it would stand (after a modify: the new quantity). */
  qty: number
  /** Already filled (a modify): the rest is what can still change the position. */
  filledQty?: number
  /** Limit (or stop) price used for the notional. */
  price: number
  /** Reduces the existing position (an exit, a stop or target leg, a sell of shares held). */
  reducing: boolean
  marketHours: 'rth_only' | 'any'
  allowShort: boolean
  /** Signed position in this instrument for this account. */
  positionQty: number
  /** A protective child of a parent still working: the parent's unfilled quantity it will protect. */
  parentRemaining?: number
  /** A limit price that is checked against a fresh quote (entries and exits; not bracket stops and targets). */
  collared: boolean
  /** A new submission (counts for the order rate) or a change to a working order. */
  kind: 'submit' | 'modify'
}

/** The exposure around the order, before it (a modified order's own share already taken out). */
export interface GateExposure {
  /** Notional of positions and working entries in this instrument. */
  symbol: number
  /** Notional of this strategy's positions and working entries; null for a manual order. */
  strategy: number | null
  /** Gross notional across the account, or null when a mark is missing (then the rule refuses). */
  gross: number | null
  /** Instruments with a position now, and whether this order opens one more. */
  openPositions: number
  opensNew: boolean
  netLiquidation: number | null
  /** A losing streak at or beyond the limit pauses new entries (when the trader asked for it). */
  losingStreak: number
}

export interface GateLimits {
  maxOrderNotional: number
  maxSymbolNotional: number
  maxStrategyNotional: number
  maxGrossExposurePct: number
  maxOpenPositions: number
  priceCollarPct: number
  maxQuoteAgeMs: number
  losingStreak: number
  pauseOnLosingStreak: boolean
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
  limits: GateLimits
  exposure: GateExposure
  /** The freshest quote for the instrument: last price and its age. */
  quote: { last: number | null; ageMs: number | null }
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

const money = (n: number) => n.toFixed(2)
const pct = (n: number) => `${(n * 100).toFixed(2)} %`

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
  const remaining = o.qty - (o.filledQty ?? 0)
  const notional = o.qty * o.price
  const added = remaining * o.price
  const L = s.limits
  const x = s.exposure
  if (increasing) {
    add(
      'order_notional',
      notional <= L.maxOrderNotional,
      money(notional),
      `≤ ${money(L.maxOrderNotional)}`,
      'Notional of one order',
    )
    add(
      'symbol_notional',
      x.symbol + added <= L.maxSymbolNotional,
      `${money(x.symbol)} + ${money(added)} = ${money(x.symbol + added)}`,
      `≤ ${money(L.maxSymbolNotional)}`,
      'Positions and working entries in this instrument, after this order',
    )
    if (x.strategy !== null)
      add(
        'strategy_notional',
        x.strategy + added <= L.maxStrategyNotional,
        `${money(x.strategy)} + ${money(added)} = ${money(x.strategy + added)}`,
        `≤ ${money(L.maxStrategyNotional)}`,
        'This strategy’s positions and working entries, after this order',
      )
    const nlv = x.netLiquidation
    const cap = nlv !== null && nlv > 0 ? L.maxGrossExposurePct * nlv : null
    add(
      'gross_exposure',
      x.gross !== null && cap !== null && x.gross + added <= cap,
      x.gross === null ? 'unknown (a position has no mark)' : `${money(x.gross + added)}`,
      cap === null ? 'net liquidation unknown' : `≤ ${money(cap)} (${pct(L.maxGrossExposurePct)} of ${money(nlv!)})`,
      'Gross exposure after this order',
    )
    add(
      'open_positions',
      !x.opensNew || x.openPositions < L.maxOpenPositions,
      String(x.openPositions + (x.opensNew ? 1 : 0)),
      `≤ ${L.maxOpenPositions}`,
      'Open positions after this order',
    )
    if (L.pauseOnLosingStreak)
      add(
        'losing_streak',
        x.losingStreak < L.losingStreak,
        `${x.losingStreak} losses in a row`,
        `< ${L.losingStreak}`,
        'New entries pause after a losing streak until you loosen or reset the limit',
      )
  }
  if (o.side === 'SELL' && !o.allowShort) {
    const held = Math.max(0, o.positionQty) + (o.parentRemaining ?? 0)
    add(
      'long_only',
      remaining <= held,
      `${remaining} vs ${held} held`,
      '≤ shares held',
      'A sell never exceeds the shares held unless shorting is allowed',
    )
  }
  if (o.collared) {
    const q = s.quote
    const fresh = q.last !== null && q.last > 0 && q.ageMs !== null && q.ageMs <= L.maxQuoteAgeMs
    add(
      'fresh_quote',
      fresh,
      q.last === null ? 'no quote' : `${q.last} (${q.ageMs ?? '—'} ms old)`,
      `≤ ${L.maxQuoteAgeMs} ms old`,
      'A limit price is checked against a fresh quote; without one nothing is sent',
    )
    if (fresh) {
      const off = Math.abs(o.price / q.last! - 1)
      add(
        'price_collar',
        off <= L.priceCollarPct + 1e-9,
        `${o.price} is ${pct(off)} from ${q.last}`,
        `≤ ${pct(L.priceCollarPct)}`,
        'A limit price stays near the market',
      )
    }
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
