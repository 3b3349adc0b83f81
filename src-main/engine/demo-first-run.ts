import { prepareBars } from '../domain/runs/market-data'
import { rulesAnalyst } from '../domain/signals/rules-analyst'
import type { Timers } from '../timers'
import type { MarketService } from './market'
import type { StrategyService } from './strategies'

// Demo mode's first run (PRODUCT.md "Embedded default"): on the first start of a fresh data folder
// with the simulator, the paper demo strategy runs once as soon as the order path is reconciled,
// so a newcomer sees the whole path (signal, bracket, fill, position, trade) within a minute
// instead of waiting for 10:00 New York. The simulator's path depends on the data folder's seed,
// so before that run the paper strategy is pointed at the first instrument of a short list of
// liquid names whose indicators agree on an up-trend today (SPY first); when none does, it stays
// on SPY and the run shows an honest HOLD. Its schedule stays as seeded.

/** Liquid names the paper demo may trade, in order of preference. */
export const DEMO_CANDIDATES: readonly { conid: number; symbol: string }[] = [
  { conid: 756733, symbol: 'SPY' },
  { conid: 320227571, symbol: 'QQQ' },
  { conid: 9579970, symbol: 'IWM' },
  { conid: 265598, symbol: 'AAPL' },
  { conid: 272093, symbol: 'MSFT' },
  { conid: 3691937, symbol: 'AMZN' },
  { conid: 208813719, symbol: 'GOOGL' },
  { conid: 1520593, symbol: 'JPM' },
  { conid: 8314, symbol: 'IBM' },
  { conid: 8719, symbol: 'JNJ' },
  { conid: 51529211, symbol: 'GLD' },
  { conid: 15547841, symbol: 'TLT' },
]

export interface DemoFirstRunDeps {
  strategies: StrategyService
  market: MarketService
  timers: Timers
  now: () => number
  /** True once the order path may send (session up, reconciled for the account). */
  ready: () => boolean
  start: (strategyId: string) => void
  /** Last traded price, when a quote is at hand. */
  lastPrice: (conid: number) => Promise<number | null>
  onError: (e: unknown) => void
  /** How long to wait for `ready` before giving up (default 60 s). */
  waitMs?: number
}

/** Arm the first run; returns a cancel function (for stop). */
export function armDemoFirstRun(d: DemoFirstRunDeps): () => void {
  let cancelled = false
  const startedAt = d.now()
  const stopPolling = d.timers.every(() => {
    if (cancelled) return
    if (d.now() - startedAt > (d.waitMs ?? 60_000)) return cancel()
    if (!d.ready()) return
    cancel()
    void firstRun(d).catch(d.onError)
  }, 250)
  function cancel() {
    cancelled = true
    stopPolling()
  }
  return cancel
}

async function firstRun(d: DemoFirstRunDeps): Promise<void> {
  const paper = d.strategies.list().find((s) => s.mode === 'paper' && s.approval === 'auto' && s.active)
  if (!paper) return
  const pick = await bullishCandidate(d, paper.config)
  if (pick && pick.conid !== paper.config.conid) {
    await d.market.details(pick.conid) // the instrument must be known before a strategy may use it
    d.strategies.update(paper.id, {
      ...paper.config,
      conid: pick.conid,
      symbol: pick.symbol,
      name: `${pick.symbol} trend (demo, paper, automatic)`,
    })
  }
  d.start(paper.id)
}

async function bullishCandidate(
  d: DemoFirstRunDeps,
  cfg: { risk: { minR: number; minProfitMargin: number; allowShort: boolean } },
): Promise<{ conid: number; symbol: string } | null> {
  for (const c of DEMO_CANDIDATES) {
    const bars = await d.market.history({ conid: c.conid, bar: '1d', period: '2y', outsideRth: false })
    const prepared = prepareBars(bars, null, d.now())
    if (prepared.daily.length < 60) continue
    const draft = rulesAnalyst({
      symbol: c.symbol,
      asOf: prepared.asOf,
      timeframes: '1D',
      bars: prepared.daily,
      position: 'flat',
      allowShort: cfg.risk.allowShort,
      tickSize: 0.01,
      minR: cfg.risk.minR,
      minProfitMargin: cfg.risk.minProfitMargin,
      lastPrice: await d.lastPrice(c.conid),
    })
    if (draft.action === 'BUY') return c
  }
  return null
}
