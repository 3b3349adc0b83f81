import type { StrategyInput } from '../contract/strategies'
import { StrategyInput as StrategyInputSchema } from '../contract/strategies'
import type { MarketService } from './market'
import type { StrategyService } from './strategies'

// Demo mode's strategies (PRODUCT.md "Embedded default"): one dry-run, and one paper strategy with
// automatic approval and the `llm_only` policy, so a sound signal becomes a bracket order in the
// simulator. Seeded once, on the first start with the simulator.

/** The demo strategies' indicators (also what the indicators bench computes per date). */
export const DEMO_INDICATORS = [
  { id: 'st', type: 'supertrend' },
  { id: 'sma20', type: 'sma', params: { period: 20 } },
  { id: 'sma50', type: 'sma', params: { period: 50 } },
  { id: 'sma200', type: 'sma', params: { period: 200 } },
  { id: 'bb', type: 'bb' },
  { id: 'macd', type: 'macd' },
  { id: 'rsi', type: 'rsi' },
  { id: 'atr', type: 'atr' },
]

export const DEMO_STRATEGIES: StrategyInput[] = [
  StrategyInputSchema.parse({
    name: 'AAPL daily swing (demo, dry run)',
    conid: 265598,
    symbol: 'AAPL',
    indicators: DEMO_INDICATORS,
    schedule: { cron: '35 9 * * 1-5', tz: 'America/New_York' },
    mode: 'dry-run',
    approval: 'ask',
  }),
  StrategyInputSchema.parse({
    name: 'SPY trend (demo, paper, automatic)',
    conid: 756733,
    symbol: 'SPY',
    indicators: DEMO_INDICATORS,
    schedule: { cron: '0 10 * * 1-5', tz: 'America/New_York' },
    marketHours: 'any',
    mode: 'paper',
    approval: 'auto',
    risk: { combination: 'llm_only' },
  }),
]

export async function seedDemoStrategies(strategies: StrategyService, market: MarketService): Promise<number> {
  if (strategies.list().length > 0) return 0
  // The instruments must be known before a strategy may use them: looked up together (the start-up
  // waits for them), and nothing is seeded unless both are found (a later start tries again).
  await Promise.all(DEMO_STRATEGIES.map((s) => market.details(s.conid)))
  for (const s of DEMO_STRATEGIES) {
    const created = strategies.create(s)
    strategies.setActive(created.id, true)
  }
  return DEMO_STRATEGIES.length
}
