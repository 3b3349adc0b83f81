import type { SignalDraft } from '../../contract/signals'
import type { Bar } from '../../contract/models'
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
  tickSize: number
}

export function rulesAnalyst(req: RulesRequest): SignalDraft {
  const { confirmation: c, values } = confirmationOf(req.bars)
  const tick = (p: number) => Math.round(p / req.tickSize) * req.tickSize
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
    const sign = opensLong ? 1 : -1
    const entry = tick(values.close)
    return {
      ...base,
      action: opensLong ? 'BUY' : 'SELL',
      confidence,
      entry_type: 'limit',
      entry,
      stop_loss: tick(entry - sign * 2 * atr),
      targets: [
        { price: tick(entry + sign * 3 * atr), basis: '3×ATR' },
        { price: tick(entry + sign * 5 * atr), basis: '5×ATR' },
      ],
      time_horizon_days: 20,
      invalidation: `close ${opensLong ? 'below' : 'above'} ${tick(entry - sign * 2 * atr).toFixed(2)}`,
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
