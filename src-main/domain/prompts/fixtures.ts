import type { PromptContext } from '../../contract/prompts'

export function sampleContext(): PromptContext {
  return {
    now: '2026-11-23T14:30:00Z',
    symbol: 'AAPL',
    exchange: 'NASDAQ',
    currency: 'USD',
    tick_size: 0.01,
    conid: 265598,
    as_of: '2026-11-20',
    timeframe: '1D+1W',
    price: {
      last_close: 190.4,
      day_low: 188.9,
      day_high: 191.2,
      range20_low: 182.4,
      range20_high: 195.1,
      change_pct: 0.42,
    },
    trend: 'bullish',
    d: {
      sma20: 188.1,
      sma50: 185.3,
      sma200: 176.9,
      bb_lower: 183.2,
      bb_mid: 188.1,
      bb_upper: 193,
      supertrend: 184.6,
      supertrend_dir: 1,
      rsi: 57.3,
      macd: 1.21,
      macd_signal: 0.98,
      macd_hist: 0.23,
      atr: 3.02,
      atr_pct: 1.59,
      stoch_k: 71.2,
      stoch_d: 66.8,
      adx: 24.5,
      obv_slope20: 120000,
      volume: 52_000_000,
      volume_avg20: 48_000_000,
    },
    w: { sma10: 186.2, sma20: 181.4, sma50: 172.8, rsi: 61.2, macd_hist: 0.8, atr: 7.1, adx: 28.3, supertrend_dir: 1 },
    levels: { support: [185, 182.4], resistance: [195.1, 199.6] },
    confirmation: {
      supertrend: 'bull',
      price_vs_sma20: 'bull',
      macd: 'bull',
      rsi: 'bull',
      bull_count: 4,
      bear_count: 0,
      direction: 'bull',
    },
    position: { side: 'flat', qty: 0, avg_price: null, upl_pct: null, stop: null },
    risk: {
      max_risk_pct: 1,
      min_r: 1.5,
      max_stop_atr: 4,
      min_confidence: 0.55,
      allow_short: false,
      allow_pyramiding: false,
    },
    strategy: { name: 'AAPL swing (demo)', parameters: { timeframe: '1D+1W' } },
    previous_analyses: [{ date: '2026-11-13', action: 'HOLD', r_multiple: null, outcome: null }],
    charts: { n_daily: 252, n_weekly: 104 },
    bars: Array.from({ length: 20 }, (_, i) => ({
      date: `2026-10-${String(24 + (i % 7)).padStart(2, '0')}`,
      o: 188 + i * 0.1,
      h: 189 + i * 0.1,
      l: 187 + i * 0.1,
      c: 188.5 + i * 0.1,
      v: 50_000_000,
    })),
    daily_analysis: null,
    weekly_analysis: null,
  }
}

/** The sample for consolidation prompts: the same facts plus the two text analyses they combine. */
export function sampleConsolidationContext(): PromptContext {
  return {
    ...sampleContext(),
    daily_analysis:
      'Close 190.40 above SMA20 188.10, SMA50 185.30 and SMA200 176.90; SuperTrend up at 184.60. ' +
      'MACD 1.21 above signal 0.98, RSI14 57.3. Volume 52M vs 48M average. 4 of 4 votes bullish. ' +
      'Nearest support 185.00, resistance 195.10.\nDaily bias: bullish',
    weekly_analysis:
      'Higher highs and higher lows over 12 months. Close above the 10, 20 and 50-week averages ' +
      '(186.20, 181.40, 172.80), in bullish order. Weekly RSI 61.2. Agrees with the daily ' +
      'picture. Invalidated below 182.40.\nWeekly bias: bullish',
  }
}
