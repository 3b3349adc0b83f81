import { z } from 'zod'

// The one variable contract for prompt templates (LLM.md §8). Every path a template may use is
// here with a description; the editor's autocomplete and the save-time check both read it.

const n = (d: string) => z.number().nullable().describe(d)
const bar = z.object({ date: z.string(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number() })

export const PromptContext = z.object({
  now: z.string().describe('Current time, ISO 8601 UTC'),
  symbol: z.string().describe('Ticker, e.g. AAPL'),
  exchange: z.string().describe('Listing exchange'),
  currency: z.string().describe('Trading currency'),
  tick_size: z.number().describe('Minimum price increment'),
  conid: z.number().describe('IBKR contract id'),
  as_of: z.string().describe('Date of the last completed daily bar, YYYY-MM-DD'),
  timeframe: z.enum(['1D', '1W', '1D+1W']).describe('What the charts show'),
  price: z
    .object({
      last_close: z.number().describe('Last daily close'),
      day_low: n('Low of the last bar'),
      day_high: n('High of the last bar'),
      range20_low: n('Lowest low of 20 bars'),
      range20_high: n('Highest high of 20 bars'),
      change_pct: n('Last daily change, percent'),
    })
    .describe('Price facts'),
  trend: z.string().describe('Computed trend label from the indicator votes'),
  d: z
    .object({
      sma20: n('Daily SMA 20'),
      sma50: n('Daily SMA 50'),
      sma200: n('Daily SMA 200'),
      bb_lower: n('Bollinger lower band (20, 2)'),
      bb_mid: n('Bollinger middle band'),
      bb_upper: n('Bollinger upper band'),
      supertrend: n('SuperTrend (10, 3) line'),
      supertrend_dir: n('SuperTrend direction: 1 up, -1 down'),
      rsi: n('RSI 14'),
      macd: n('MACD (12, 26, 9) line'),
      macd_signal: n('MACD signal line'),
      macd_hist: n('MACD histogram'),
      atr: n('ATR 14'),
      atr_pct: n('ATR 14 as a percent of the close'),
      stoch_k: n('Stochastic slow %K (14, 3)'),
      stoch_d: n('Stochastic %D (3)'),
      adx: n('ADX 14'),
      obv_slope20: n('OBV slope over 20 bars'),
      volume: n('Last daily volume'),
      volume_avg20: n('20-day average volume'),
    })
    .describe('Daily indicators on the last bar'),
  w: z
    .object({
      sma10: n('Weekly SMA 10'),
      sma20: n('Weekly SMA 20'),
      sma50: n('Weekly SMA 50'),
      rsi: n('Weekly RSI 14'),
      macd_hist: n('Weekly MACD histogram'),
      atr: n('Weekly ATR 14'),
      adx: n('Weekly ADX 14'),
      supertrend_dir: n('Weekly SuperTrend direction'),
    })
    .describe('Weekly indicators'),
  levels: z
    .object({
      support: z.array(z.number()).describe('Support levels, nearest first'),
      resistance: z.array(z.number()).describe('Resistance levels, nearest first'),
    })
    .describe('Computed swing levels'),
  confirmation: z
    .object({
      supertrend: z.string(),
      price_vs_sma20: z.string(),
      macd: z.string(),
      rsi: z.string(),
      bull_count: z.number(),
      bear_count: z.number(),
      direction: z.string(),
    })
    .describe('The 3-of-4 indicator votes'),
  position: z
    .object({
      side: z.enum(['flat', 'long', 'short']),
      qty: z.number(),
      avg_price: z.number().nullable(),
      upl_pct: z.number().nullable(),
      stop: z.number().nullable(),
    })
    .describe('Current position in this instrument'),
  risk: z
    .object({
      max_risk_pct: z.number(),
      min_r: z.number(),
      max_stop_atr: z.number(),
      min_confidence: z.number(),
      allow_short: z.boolean(),
      allow_pyramiding: z.boolean(),
    })
    .describe('The strategy’s risk limits (the model never sizes)'),
  strategy: z
    .object({ name: z.string(), parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) })
    .describe('The strategy'),
  previous_analyses: z
    .array(
      z.object({
        date: z.string(),
        action: z.string(),
        r_multiple: z.number().nullable(),
        outcome: z.string().nullable(),
      }),
    )
    .describe('The last 5 signals and how they ended'),
  charts: z.object({ n_daily: z.number(), n_weekly: z.number() }).describe('Bars shown on each chart image'),
  bars: z.array(bar).describe('The last 20 daily bars'),
  daily_analysis: z.string().nullable().describe('Daily chart analysis (consolidation prompts only)'),
  weekly_analysis: z.string().nullable().describe('Weekly chart analysis (consolidation prompts only)'),
})
export type PromptContext = z.infer<typeof PromptContext>
