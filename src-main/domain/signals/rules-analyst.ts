import type { SignalDraft } from '../../contract/signals'
import type { Bar } from '../../contract/models'
import { formatPrice, fromTicks, toTicks } from '../prices'
import { confirmationOf } from './confirmation'

// The offline rules analyst (LLM.md §9): deterministic, from the indicator votes, labelled
// "Rules-based (no language model)". It fills the same SignalDraft, which goes through the same
// validator as any model's answer.

export const RULES_PROVIDER = {
  provider: 'rules',
  model: 'rules-v1',
  label: 'Rules-based (no language model)',
} as const

export interface RulesRequest {
  symbol: string
  asOf: string
  timeframes: SignalDraft['timeframes']
  bars: readonly Bar[]
  position: 'flat' | 'long' | 'short'
  allowShort: boolean
  /** The instrument's price increment (IBKR's contract rules). */
  tickSize: number
  /** The strategy's minimum reward/risk (V7); the analyst aims comfortably above it. Default 1.5. */
  minR?: number
  /** The strategy's minimum profit margin to the first target (V8), 0 = off. Default 0.05. */
  minProfitMargin?: number
  /** The latest traded price, when known: the limit is set just through it so it can fill now. */
  lastPrice?: number | null
}

/** How far above the strategy's minimum R the first target is placed. */
const R_HEADROOM = 1.35
/** Furthest a target may lie from the entry, in daily ATRs (V9 allows 8). */
const MAX_REACH_ATR = 7
const STRUCTURE_BARS = 60

export function rulesAnalyst(req: RulesRequest): SignalDraft {
  const { confirmation: c, values } = confirmationOf(req.bars)
  const votes =
    `SuperTrend ${c.supertrend}, close vs SMA20 ${c.price_vs_sma20}, MACD vs signal ${c.macd}, ` +
    `RSI14 vs 50 ${c.rsi} (${c.bull_count} bull, ${c.bear_count} bear)`
  const base: SignalDraft = {
    schema_version: '1',
    symbol: req.symbol,
    as_of: req.asOf,
    timeframes: req.timeframes,
    action: 'HOLD',
    confidence: 0.5,
    trend:
      c.direction === 'bull'
        ? c.bull_count === 4
          ? 'strong_bullish'
          : 'bullish'
        : c.direction === 'bear'
          ? c.bear_count === 4
            ? 'strong_bearish'
            : 'bearish'
          : 'neutral',
    entry_type: null,
    entry: null,
    entry_zone: null,
    stop_loss: null,
    targets: [],
    time_horizon_days: null,
    invalidation: 'a change in the indicator votes',
    key_levels: { support: [], resistance: [] },
    evidence: [{ source: 'indicators', observation: votes }],
    risks: ['Mechanical rules: no chart reading, no news.'],
    reasoning: `Rules, not a language model. Votes: ${votes}.`,
  }
  const atr = values.atr
  const opensLong = c.bull_count >= 3 && req.position === 'flat'
  const opensShort = c.bear_count >= 3 && req.position === 'flat' && req.allowShort
  const exitsLong = c.bear_count >= 3 && req.position === 'long'
  const exitsShort = c.bull_count >= 3 && req.position === 'short'
  const confidence = Math.max(c.bull_count, c.bear_count) === 4 ? 0.7 : 0.6
  if ((opensLong || opensShort) && atr !== null && atr > 0) {
    const levels = openingLevels(req, opensLong ? 1 : -1, atr, values.close)
    if (typeof levels === 'string')
      return { ...base, reasoning: `${base.reasoning} No trade: ${levels}.`, invalidation: base.invalidation }
    return {
      ...base,
      action: opensLong ? 'BUY' : 'SELL',
      confidence,
      entry_type: 'limit',
      entry: levels.entry,
      stop_loss: levels.stop,
      targets: levels.targets,
      time_horizon_days: 20,
      key_levels: levels.keyLevels,
      invalidation: `close ${opensLong ? 'below' : 'above'} ${formatPrice(levels.stop, req.tickSize)}`,
      reasoning: `${base.reasoning} ${levels.why}`,
    }
  }
  if (exitsLong || exitsShort)
    return {
      ...base,
      action: exitsLong ? 'SELL' : 'BUY',
      confidence,
      reasoning: `${base.reasoning} Exit the ${req.position} position.`,
    }
  return base
}

interface Levels {
  entry: number
  stop: number
  targets: SignalDraft['targets']
  keyLevels: SignalDraft['key_levels']
  why: string
}

/**
 * Entry, stop and targets in whole ticks of the instrument's increment, from structure and ATR:
 * the limit just through the market (a tenth of an ATR past the last price, within V5), the stop
 * beyond the recent swing (between 1 and 2.5 ATR, at most 7.5 % of the entry: V6), the first target
 * at the nearest resistance (support when short) that pays at least the strategy's minimum R with
 * headroom and its minimum profit margin, else at that distance from ATR; the second further out.
 * A trade the rules cannot reach within 7 ATR (V9) is no trade. Returns the reason when there is none.
 */
function openingLevels(req: RulesRequest, sign: 1 | -1, atr: number, close: number): Levels | string {
  const inc = req.tickSize
  const T = (p: number, away: boolean) => toTicks(p, inc, sign > 0 === away ? 'down' : 'up')
  const P = (ticks: number) => fromTicks(ticks, inc)
  const minR = req.minR ?? 1.5
  const minMargin = req.minProfitMargin ?? 0.05
  const ref = req.lastPrice && req.lastPrice > 0 && Math.abs(req.lastPrice / close - 1) < 0.02 ? req.lastPrice : close
  const atrT = atr / inc
  const eT = toTicks(ref + sign * 0.1 * atr, inc, sign > 0 ? 'up' : 'down')
  const entry = P(eT)
  const recent = req.bars.slice(-10)
  const swing = sign > 0 ? Math.min(...recent.map((b) => b.l)) : Math.max(...recent.map((b) => b.h))
  const stopDist = Math.min(Math.max(Math.abs(entry - swing) + 0.25 * atr, atr), 2.5 * atr, 0.075 * entry)
  const sT = T(entry - sign * stopDist, true)
  const riskT = Math.abs(eT - sT)
  if (riskT < Math.max(1, 0.5 * atrT)) return 'the stop would be closer than half an ATR'
  const needT = Math.max(
    Math.ceil(riskT * minR * R_HEADROOM),
    Math.ceil((minMargin * 1.05 * entry) / inc),
    Math.ceil(2 * atrT),
  )
  const reachT = Math.floor(MAX_REACH_ATR * atrT)
  if (needT > reachT)
    return (
      `a first target paying ${(minR * R_HEADROOM).toFixed(2)} R and ${(minMargin * 100).toFixed(1)} % ` +
      `lies beyond ${MAX_REACH_ATR} ATR`
    )
  const window = req.bars.slice(-STRUCTURE_BARS)
  const extremes = window.map((b) => (sign > 0 ? b.h : b.l)).map((p) => T(p, false))
  const beyond = extremes
    .map((x) => sign * (x - eT))
    .filter((d) => d >= needT && d <= reachT)
    .sort((a, b) => a - b)
  const structural = beyond[0]
  const t1T = eT + sign * (structural ?? needT)
  const t2Dist = Math.min(Math.max(Math.abs(t1T - eT) + Math.ceil(1.5 * atrT), Math.ceil(riskT * 3)), reachT)
  const targets: SignalDraft['targets'] = [
    {
      price: P(t1T),
      basis: structural !== undefined ? `${STRUCTURE_BARS}-day swing ${sign > 0 ? 'high' : 'low'}` : 'ATR',
    },
  ]
  if (t2Dist > Math.abs(t1T - eT)) targets.push({ price: P(eT + sign * t2Dist), basis: 'ATR extension' })
  const r1 = Math.abs(t1T - eT) / riskT
  const support = sign > 0 ? [P(T(swing, true))] : []
  const resistance = sign > 0 ? [] : [P(T(swing, true))]
  return {
    entry,
    stop: P(sT),
    targets,
    keyLevels: { support, resistance },
    why:
      `Limit ${formatPrice(entry, inc)}, stop ${formatPrice(P(sT), inc)} beyond the 10-day swing, ` +
      `first target ${formatPrice(P(t1T), inc)} at ${r1.toFixed(2)} R.`,
  }
}
