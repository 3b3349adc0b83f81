import type { SignalDraft } from '../../contract/signals'
import type { ValidationContext } from './validate'

/** A sound BUY for AAPL around 190 with ATR 3: passes every rule under `context()`. */
export function goodDraft(over: Partial<SignalDraft> = {}): SignalDraft {
  return {
    schema_version: '1',
    symbol: 'AAPL',
    as_of: '2026-11-20',
    timeframes: '1D+1W',
    action: 'BUY',
    confidence: 0.7,
    trend: 'bullish',
    entry_type: 'limit',
    entry: 190,
    entry_zone: { low: 189, high: 191 },
    stop_loss: 185,
    targets: [
      { price: 200, basis: 'resistance 200.00' },
      { price: 205, basis: '5×ATR' },
    ],
    time_horizon_days: 30,
    invalidation: 'daily close below 185',
    key_levels: { support: [185, 180], resistance: [200, 205] },
    evidence: [{ source: 'daily_chart', observation: 'higher lows since October' }],
    risks: ['earnings in three weeks'],
    reasoning: 'Uptrend intact; pullback to the 20-day average held.',
    ...over,
  }
}

export function context(over: Partial<ValidationContext> = {}): ValidationContext {
  return {
    symbol: 'AAPL',
    asOf: '2026-11-20',
    timeframes: '1D+1W',
    lastClose: 190.4,
    atr: 3,
    weeklyAtr: 7,
    tickSize: 0.01,
    barsLow: 160,
    barsHigh: 210,
    position: 'flat',
    policy: {
      minR: 1.5,
      minProfitMargin: 0.05,
      minConfidence: 0.55,
      allowShort: false,
      allowPyramiding: false,
      combination: 'llm_only',
    },
    confirmation: { bull: 3, bear: 1 },
    ...over,
  }
}
