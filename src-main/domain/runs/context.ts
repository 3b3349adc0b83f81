import type { Bar } from '../../contract/models'
import { PromptContext } from '../../contract/prompts'
import type { StrategyInput } from '../../contract/strategies'
import { barRows, type Analysis } from './analysis'

// The one prompt context (LLM.md §8), built from the run's recorded bars and analysis. The result
// is parsed with the contract's schema, so a template can only ever see what the contract lists.

export interface ContextInput {
  now: number
  instrument: { symbol: string; exchange: string; currency: string; tickSize: number; conid: number }
  asOf: string
  daily: readonly Bar[]
  analysis: Analysis
  strategy: { name: string; config: StrategyInput }
  position: PromptContext['position']
  previous: PromptContext['previous_analyses']
  charts: { nDaily: number; nWeekly: number }
}

const TREND: Record<string, string> = {
  bull4: 'strong_bullish',
  bull: 'bullish',
  bear4: 'strong_bearish',
  bear: 'bearish',
}

export function trendLabel(c: Analysis['confirmation']): string {
  if (c.direction === 'bull') return TREND[c.bull_count === 4 ? 'bull4' : 'bull']!
  if (c.direction === 'bear') return TREND[c.bear_count === 4 ? 'bear4' : 'bear']!
  return 'neutral'
}

export function buildPromptContext(i: ContextInput): PromptContext {
  const last = i.daily.at(-1)!
  const prev = i.daily.at(-2)
  const last20 = i.daily.slice(-20)
  const c = i.analysis.confirmation
  const s = i.strategy.config
  return PromptContext.parse({
    now: new Date(i.now).toISOString(),
    symbol: i.instrument.symbol,
    exchange: i.instrument.exchange,
    currency: i.instrument.currency,
    tick_size: i.instrument.tickSize,
    conid: i.instrument.conid,
    as_of: i.asOf,
    timeframe: s.timeframes,
    price: {
      last_close: last.c,
      day_low: last.l,
      day_high: last.h,
      range20_low: Math.min(...last20.map((b) => b.l)),
      range20_high: Math.max(...last20.map((b) => b.h)),
      change_pct: prev ? ((last.c - prev.c) / prev.c) * 100 : null,
    },
    trend: trendLabel(c),
    d: i.analysis.d,
    w: i.analysis.w,
    levels: i.analysis.levels,
    confirmation: {
      supertrend: c.supertrend,
      price_vs_sma20: c.price_vs_sma20,
      macd: c.macd,
      rsi: c.rsi,
      bull_count: c.bull_count,
      bear_count: c.bear_count,
      direction: c.direction,
    },
    position: i.position,
    risk: {
      max_risk_pct: s.risk.riskPct * 100,
      min_r: s.risk.minR,
      max_stop_atr: 4,
      min_confidence: s.risk.minConfidence,
      allow_short: s.risk.allowShort,
      allow_pyramiding: s.risk.allowPyramiding,
    },
    strategy: {
      name: i.strategy.name,
      parameters: { timeframes: s.timeframes, combination: s.risk.combination, market_hours: s.marketHours },
    },
    previous_analyses: i.previous.slice(0, 5),
    charts: { n_daily: i.charts.nDaily, n_weekly: i.charts.nWeekly },
    bars: barRows(i.daily, 20),
    daily_analysis: null,
    weekly_analysis: null,
  })
}
