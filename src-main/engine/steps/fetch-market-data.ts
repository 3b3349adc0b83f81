import type { Bar, BarSize, InstrumentDetails } from '../../contract/models'
import type { BarsDescription, FetchMarketDataOutput } from '../../contract/steps'
import type { StrategyInput } from '../../contract/strategies'
import type { Broker, Position } from '../../broker/broker'
import { defaultIncrement } from '../../domain/prices'
import { nyDate, prepareBars } from '../../domain/runs/market-data'
import { StepFailure, type StepIo } from './types'

// Step 3, fetch_market_data: instrument, daily (and weekly) bars, quote and position, read from a
// `MarketDataSource`. The live run passes `liveMarketData` (market service + broker); the
// evaluation lab passes a source that answers as of a past date, with `now` set to that date.

export interface MarketDataSource {
  details(conid: number): Promise<InstrumentDetails>
  history(req: { conid: number; bar: BarSize; period: string; outsideRth: boolean }): Promise<Bar[]>
  /** Last, bid and ask (IBKR fields 31, 84, 86), null where not known. */
  quote(conid: number): Promise<{ last: number | null; bid: number | null; ask: number | null }>
  positions(account: string): Promise<Position[]>
  /** The contract's price increment at `price` (IBKR info-and-rules); absent: IBKR's US stock default. */
  increment?(conid: number, price: number): Promise<number>
}

/** The live source: instrument details and bars through the market service, quote and positions from the broker. */
export function liveMarketData(
  market: Pick<MarketDataSource, 'details' | 'history'>,
  broker: () => Pick<Broker, 'snapshot' | 'positions' | 'priceIncrement'>,
): MarketDataSource {
  return {
    details: (conid) => market.details(conid),
    history: (req) => market.history(req),
    async quote(conid) {
      const q = await broker().snapshot([conid], ['31', '84', '86'])
      return { last: q[0]?.values['31'] ?? null, bid: q[0]?.values['84'] ?? null, ask: q[0]?.values['86'] ?? null }
    },
    positions: (account) => broker().positions(account),
    increment: (conid, price) => broker().priceIncrement(conid, price),
  }
}

export interface FetchMarketDataInput {
  config: Pick<StrategyInput, 'conid' | 'symbol' | 'timeframes'>
  account: string
  /** The run's clock: bars still forming at this time are dropped, and the quote is stamped with it. */
  now: () => number
}

export type FetchMarketDataResult = FetchMarketDataOutput & { _daily: Bar[]; _weekly: Bar[] | null }

export function fetchMarketDataInput(cfg: Pick<StrategyInput, 'conid' | 'symbol' | 'timeframes'>) {
  return {
    conid: cfg.conid,
    symbol: cfg.symbol,
    daily: { bar: '1d', period: '2y' },
    weekly: cfg.timeframes !== '1D' ? { bar: '1w', period: '3y' } : null,
  }
}

export async function fetchMarketData(
  i: FetchMarketDataInput,
  source: MarketDataSource,
  io: StepIo,
): Promise<FetchMarketDataResult> {
  const cfg = i.config
  const withWeekly = cfg.timeframes !== '1D'
  const [details, dailyRaw, weeklyRaw, quote, positions] = await Promise.all([
    source.details(cfg.conid),
    source.history({ conid: cfg.conid, bar: '1d', period: '2y', outsideRth: false }),
    withWeekly
      ? source.history({ conid: cfg.conid, bar: '1w', period: '3y', outsideRth: false })
      : Promise.resolve(null),
    source.quote(cfg.conid),
    source.positions(i.account),
  ])
  const prepared = prepareBars(dailyRaw, weeklyRaw, i.now())
  const barsSha256 = io.artifact(
    () => Buffer.from(JSON.stringify({ daily: prepared.daily, weekly: prepared.weekly })),
    'bars',
    'application/json',
  )
  const pos = positions.find((p) => p.conid === cfg.conid && p.position !== 0)
  // Every price of the run is built on the contract's own increment (info-and-rules).
  const reference = quote.last ?? prepared.daily.at(-1)?.c ?? 0
  const increment = source.increment ? await source.increment(cfg.conid, reference) : defaultIncrement(reference)
  const out: FetchMarketDataOutput = {
    instrument: {
      conid: details.conid,
      symbol: details.symbol,
      exchange: details.exchange,
      currency: details.currency,
      source: details.source,
      increment,
    },
    barsSha256,
    asOf: prepared.asOf,
    droppedFormingBar: prepared.droppedForming,
    daily: describeBars(prepared.daily),
    weekly: prepared.weekly ? describeBars(prepared.weekly) : null,
    quote: { last: quote.last, bid: quote.bid, ask: quote.ask, at: i.now() },
    position: pos
      ? { qty: pos.position, avgCost: pos.avgCost, marketPrice: pos.marketPrice, unrealizedPnl: pos.unrealizedPnl }
      : { qty: 0, avgCost: null, marketPrice: null, unrealizedPnl: null },
    problems: prepared.problems,
  }
  if (prepared.problems.length > 0)
    throw new StepFailure(`${prepared.problems[0]!.code}: ${prepared.problems.map((p) => p.message).join('; ')}`, out)
  return { ...out, _daily: prepared.daily, _weekly: prepared.weekly }
}

export function describeBars(bars: readonly Bar[]): BarsDescription {
  return {
    count: bars.length,
    first: bars.length ? nyDate(bars[0]!.t) : null,
    last: bars.length ? nyDate(bars.at(-1)!.t) : null,
    lastClose: bars.at(-1)?.c ?? null,
  }
}
