import type { Bar } from '../../contract/models'
import type { MarketDataSource } from '../steps'

// The evaluation lab's market data (EVALUATION.md §1): what fetch_market_data reads as of a past close.

/** fetch_market_data's source as of t: the (mapped) bars, the quote from t's close, flat, no gateway. */
export function asOfSource(
  conid: number,
  symbol: string,
  inputs: { daily: Bar[]; weekly: Bar[] | null },
): MarketDataSource {
  const last = inputs.daily.at(-1)
  return {
    details: async () => ({
      conid,
      symbol,
      name: symbol,
      exchange: 'SMART',
      secType: 'STK',
      currency: 'USD',
      validExchanges: [],
      tradingClass: null,
      category: null,
      industry: null,
      multiplier: null,
      source: 'cache',
    }),
    history: async (req) => (req.bar === '1w' ? (inputs.weekly ?? []) : inputs.daily),
    quote: async () => ({ last: last?.c ?? null, bid: null, ask: null }),
    positions: async () => [],
  }
}
