import type {
  BrokerFigures,
  PortfolioDifference,
  PortfolioSnapshot,
  PortfolioView,
  TradeView,
} from '../contract/portfolio-api'
import type { Position } from '../broker/broker'
import {
  concentration,
  foldFills,
  microsToNumber,
  positionKey,
  toMicros,
  tradeStats,
  unrealized,
  type Micros,
} from '../domain/portfolio'
import type {
  closedTradeFigures,
  latestSnapshot,
  listPositions,
  listSnapshots,
  listTrades,
} from '../store/portfolio-repo'
import { compareWithBroker } from './portfolio-compare'

// The Portfolio page's view (F16): positions priced at the live marks, totals, the broker's
// figures beside the local ones with the differences flagged, and the closed trades' statistics.

export interface LocalFigures {
  book: ReturnType<typeof foldFills>
  realizedToday: Micros
  feesToday: Micros
  realizedTotal: Micros
  feesTotal: Micros
  unrealizedNow: Micros | null
  unrealizedAtStartOfDay: Micros | null
}

export interface PortfolioViewInput {
  account: string | null
  at: number
  broker: { figures: BrokerFigures; positions: Position[] | null }
  rows: ReturnType<typeof listPositions>
  local: LocalFigures | null
  marks: Map<number, { mark: Micros; source: 'quote' | 'broker' }>
  figures: ReturnType<typeof closedTradeFigures>
  sod: ReturnType<typeof latestSnapshot>
}

export function portfolioView(i: PortfolioViewInput): PortfolioView {
  const { account, at, broker, rows, local: l, marks: m, figures, sod } = i
  const priced = rows.map((r) => {
    const mk = m.get(r.conid) ?? null
    const basis = Math.round(r.avgCost * Math.abs(r.qty))
    const mv = mk ? r.qty * mk.mark : null
    const u = mk ? unrealized({ qty: r.qty, basis }, mk.mark) : null
    return { r, mk, mv, u, basis }
  })
  const nav = broker.figures.netLiquidation === null ? null : toMicros(broker.figures.netLiquidation)
  const conc = concentration(
    priced.map((p) => ({ marketValue: p.mv ?? 0 })),
    nav,
  )
  const stats = tradeStats(figures)
  const unrealizedTotal = priced.some((p) => p.u === null) ? null : priced.reduce((a, p) => a + (p.u ?? 0), 0)
  const localNet = new Map<number, number>()
  for (const p of priced) localNet.set(p.r.conid, (localNet.get(p.r.conid) ?? 0) + p.r.qty)
  const differences: PortfolioDifference[] =
    account && broker.positions
      ? compareWithBroker({
          rows: priced.map((p) => ({
            conid: p.r.conid,
            symbol: p.r.symbol,
            qty: p.r.qty,
            basis: p.basis,
            marketValue: p.mv,
            unrealized: p.u,
          })),
          brokerPositions: broker.positions,
          broker: broker.figures,
          realizedNetToday: l ? l.realizedToday - l.feesToday : null,
        })
      : []
  const pnlToday =
    l && l.unrealizedNow !== null && l.unrealizedAtStartOfDay !== null
      ? l.realizedToday + (l.unrealizedNow - l.unrealizedAtStartOfDay) - l.feesToday
      : null
  return {
    account,
    at,
    positions: priced.map((p, i) => ({
      account: p.r.account,
      strategyId: p.r.strategyId,
      strategyName: p.r.strategyName,
      conid: p.r.conid,
      symbol: p.r.symbol,
      qty: p.r.qty,
      avgCost: microsToNumber(p.r.avgCost),
      last: p.mk ? microsToNumber(p.mk.mark) : null,
      markSource: p.mk?.source ?? null,
      marketValue: p.mv === null ? null : microsToNumber(p.mv),
      unrealizedPnl: p.u === null ? null : microsToNumber(p.u),
      unrealizedPct: p.u === null || p.basis === 0 ? null : p.u / p.basis,
      realizedPnl: microsToNumber(p.r.realized),
      fees: microsToNumber(l?.book.positions.get(positionKey(p.r.account, p.r.strategyId, p.r.conid))?.fees ?? 0),
      shareOfGross: conc.shares[i]!.ofGross,
      shareOfNetLiquidation: conc.shares[i]!.ofNetLiquidation,
      updatedAt: p.r.updatedAt,
    })),
    totals: {
      marketValue: microsToNumber(priced.reduce((a, p) => a + (p.mv ?? 0), 0)),
      grossExposure: microsToNumber(conc.grossExposure),
      unrealizedPnl: unrealizedTotal === null ? null : microsToNumber(unrealizedTotal),
      realizedToday: microsToNumber(l?.realizedToday ?? 0),
      feesToday: microsToNumber(l?.feesToday ?? 0),
      pnlToday: pnlToday === null ? null : microsToNumber(pnlToday),
      realizedTotal: microsToNumber(l?.realizedTotal ?? 0),
      feesTotal: microsToNumber(l?.feesTotal ?? 0),
    },
    netLiquidation: broker.figures.netLiquidation,
    cash: broker.figures.cash,
    startOfDayNav: sod ? microsToNumber(sod.netLiquidation) : null,
    broker: broker.figures,
    differences,
    stats: {
      count: stats.count,
      wins: stats.wins,
      losses: stats.losses,
      winRate: stats.winRate,
      profitFactor: stats.profitFactor,
      averageR: stats.averageR,
      withR: stats.withR,
      largestWin: microsToNumber(stats.largestWin),
      largestLoss: microsToNumber(stats.largestLoss),
      realizedPnl: microsToNumber(stats.realized),
      fees: microsToNumber(stats.fees),
    },
  }
}

export function snapshotView(s: ReturnType<typeof listSnapshots>[number]): PortfolioSnapshot {
  return {
    id: s.id,
    account: s.account,
    at: s.at,
    kind: s.kind,
    netLiquidation: microsToNumber(s.netLiquidation),
    cash: microsToNumber(s.cash),
    realizedPnl: microsToNumber(s.realized),
    unrealizedPnl: microsToNumber(s.unrealized),
  }
}

export function tradeView(t: ReturnType<typeof listTrades>[number]): TradeView {
  return {
    id: t.id,
    account: t.account,
    strategyId: t.strategyId,
    strategyName: t.strategyName,
    conid: t.conid,
    symbol: t.symbol,
    runId: t.runId,
    signalId: t.signalId,
    direction: t.direction,
    qty: t.qty,
    entryPrice: microsToNumber(t.entryPrice),
    exitPrice: t.exitPrice === null ? null : microsToNumber(t.exitPrice),
    realizedPnl: t.realized === null ? null : microsToNumber(t.realized),
    fees: microsToNumber(t.fees),
    initialRisk: t.initialRisk === null ? null : microsToNumber(t.initialRisk),
    rMultiple: t.rMultiple,
    openedAt: t.openedAt,
    closedAt: t.closedAt,
  }
}
