import { z } from 'zod'
import { Conid } from './models'

// The portfolio (F16): methods and shapes. Stable names (ARCHITECTURE.md): portfolio.get,
// portfolio.snapshots; event portfolio.changed. Money crosses as numbers of currency units, computed
// from the integer ledger (never summed again on the other side).

const Money = z.number().finite()
const Time = z.number().int()
const StrategyId = z.string().max(64)

export const PortfolioPosition = z.object({
  account: z.string(),
  /** '' = not attributed to a strategy (manual or external). */
  strategyId: z.string(),
  strategyName: z.string().nullable(),
  conid: Conid,
  symbol: z.string().nullable(),
  qty: z.number().int(),
  avgCost: z.number().nullable(),
  last: z.number().nullable(),
  /** Where the mark came from: a live quote, the broker's position mark, or none. */
  markSource: z.enum(['quote', 'broker']).nullable(),
  marketValue: Money.nullable(),
  unrealizedPnl: Money.nullable(),
  /** Unrealized P&L over the cost basis, as a fraction. */
  unrealizedPct: z.number().nullable(),
  realizedPnl: Money,
  fees: Money,
  /** Share of gross exposure and of net liquidation, as fractions. */
  shareOfGross: z.number().nullable(),
  shareOfNetLiquidation: z.number().nullable(),
  updatedAt: Time,
})
export type PortfolioPosition = z.infer<typeof PortfolioPosition>

export const PortfolioDifference = z.object({
  kind: z.enum(['position', 'avg_cost', 'market_value', 'unrealized', 'realized']),
  conid: Conid.nullable(),
  symbol: z.string().nullable(),
  local: z.number().nullable(),
  broker: z.number().nullable(),
  difference: z.number(),
  /** What to do about it, in words for the user. */
  advice: z.string(),
})
export type PortfolioDifference = z.infer<typeof PortfolioDifference>

export const BrokerFigures = z.object({
  /** False when the gateway could not be read; `error` says why. */
  available: z.boolean(),
  error: z.string().nullable(),
  netLiquidation: Money.nullable(),
  cash: Money.nullable(),
  stockMarketValue: Money.nullable(),
  unrealizedPnl: Money.nullable(),
  realizedPnl: Money.nullable(),
  dailyPnl: Money.nullable(),
  positions: z.array(
    z.object({
      conid: Conid,
      symbol: z.string().nullable(),
      qty: z.number(),
      avgCost: z.number().nullable(),
      marketPrice: z.number().nullable(),
      unrealizedPnl: z.number().nullable(),
    }),
  ),
})
export type BrokerFigures = z.infer<typeof BrokerFigures>

export const PortfolioStats = z.object({
  count: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  winRate: z.number().nullable(),
  profitFactor: z.number().nullable(),
  averageR: z.number().nullable(),
  withR: z.number().int(),
  largestWin: Money,
  largestLoss: Money,
  realizedPnl: Money,
  fees: Money,
})
export type PortfolioStats = z.infer<typeof PortfolioStats>

export const PortfolioView = z.object({
  account: z.string().nullable(),
  at: Time,
  positions: z.array(PortfolioPosition),
  totals: z.object({
    marketValue: Money,
    grossExposure: Money,
    /** Null when an open position has no mark. */
    unrealizedPnl: Money.nullable(),
    realizedToday: Money,
    feesToday: Money,
    /** realized today + change in unrealized since the day's start − fees; null while unknown. */
    pnlToday: Money.nullable(),
    realizedTotal: Money,
    feesTotal: Money,
  }),
  /** Net liquidation and cash come from the broker; null while it cannot be read. */
  netLiquidation: Money.nullable(),
  cash: Money.nullable(),
  startOfDayNav: Money.nullable(),
  broker: BrokerFigures,
  differences: z.array(PortfolioDifference),
  stats: PortfolioStats,
})
export type PortfolioView = z.infer<typeof PortfolioView>

export const SnapshotKind = z.enum(['close', 'intraday', 'start_of_day'])
export type SnapshotKind = z.infer<typeof SnapshotKind>
export const PortfolioSnapshot = z.object({
  id: z.number().int(),
  account: z.string(),
  at: Time,
  kind: SnapshotKind,
  netLiquidation: Money,
  cash: Money,
  realizedPnl: Money,
  unrealizedPnl: Money,
})
export type PortfolioSnapshot = z.infer<typeof PortfolioSnapshot>

export const TradeView = z.object({
  id: z.string(),
  account: z.string(),
  strategyId: z.string(),
  strategyName: z.string().nullable(),
  conid: Conid,
  symbol: z.string().nullable(),
  runId: z.string().nullable(),
  signalId: z.string().nullable(),
  direction: z.enum(['long', 'short']),
  qty: z.number().int(),
  entryPrice: z.number(),
  exitPrice: z.number().nullable(),
  /** Gross realized P&L (fees apart); for an open trade, what its partial exits realized so far. */
  realizedPnl: Money.nullable(),
  fees: Money,
  initialRisk: Money.nullable(),
  rMultiple: z.number().nullable(),
  openedAt: Time,
  closedAt: Time.nullable(),
})
export type TradeView = z.infer<typeof TradeView>

export const TradeFilter = z
  .object({
    status: z.enum(['open', 'closed', 'all']).default('all'),
    strategyId: StrategyId.optional(),
    conid: Conid.optional(),
    from: Time.optional(),
    to: Time.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict()
export type TradeFilter = z.output<typeof TradeFilter>

/** One execution (a fill) from the ledger, at the broker's own execution time. */
export const FillView = z.object({
  execId: z.string(),
  /** Our order it belongs to, when it is one of ours. */
  orderId: z.string().nullable(),
  conid: Conid,
  side: z.enum(['BUY', 'SELL']),
  qty: z.number().int(),
  price: z.number(),
  /** When the broker executed it (its `trade_time_r`), UTC ms. */
  at: Time,
})
export type FillView = z.infer<typeof FillView>

export const FillFilter = z.object({ conid: Conid, limit: z.number().int().min(1).max(1000).default(500) }).strict()
export type FillFilter = z.output<typeof FillFilter>

const Range = z
  .object({ from: Time, to: Time })
  .strict()
  .refine((r) => r.from <= r.to, { message: '"from" must not be after "to"' })

export const portfolioMethods = {
  'portfolio.get': { input: z.object({}).strict(), output: PortfolioView },
  'portfolio.snapshots': { input: Range, output: z.array(PortfolioSnapshot) },
  'portfolio.trades': { input: TradeFilter, output: z.array(TradeView) },
  /** The executions of one instrument, newest first (the live chart's fill markers). */
  'portfolio.fills': { input: FillFilter, output: z.array(FillView) },
} as const

/** `portfolio.changed`: executions landed, positions or trades were recomputed, or a snapshot was taken. */
export const PortfolioChanged = z.object({ at: Time, account: z.string().nullable() })
