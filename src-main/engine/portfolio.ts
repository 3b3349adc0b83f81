import type { Broker, Execution } from '../broker/broker'
import type {
  FillFilter,
  FillView,
  PortfolioSnapshot,
  PortfolioView,
  SnapshotKind,
  TradeFilter,
  TradeView,
} from '../contract/portfolio-api'
import {
  dailyLoss,
  foldFills,
  microsToNumber,
  toMicros,
  unrealized,
  type DailyLoss,
  type Micros,
} from '../domain/portfolio'
import { nyDate, nyWallClock } from '../domain/indicators/ny-time'
import { nyseRegularHours, nyseSession } from '../domain/schedule/nyse'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import {
  closedTradeFigures,
  ingestExecutions,
  recomputeMissing,
  insertSnapshot,
  latestSnapshot,
  listPositions,
  listSnapshots,
  listFills,
  listTrades,
  loadFills,
  type IngestResult,
  type NewExecution,
} from '../store/portfolio-repo'
import type { Timers } from '../timers'
import { EMPTY_BROKER, executionRow, readBrokerFigures, sideOf } from './portfolio-broker'
import { portfolioView, snapshotView, tradeView } from './portfolio-view'

// The portfolio service (F16): broker executions into the fills ledger (idempotent by execution
// id), positions and trades kept from it, today's P&L for the daily loss limit, the page's view
// (local figures beside the broker's, differences flagged), and the snapshot job on the injected
// timers: start_of_day once per New York day, intraday every 15 min in regular hours, close once
// per trading day after 16:10 New York.

export interface PortfolioDeps {
  db: Db
  bus: EventBus
  now: () => number
  timers: Timers
  broker: () => Broker
  /** The selected account, or null while none is known. */
  account: () => string | null
  /** Live marks; conids without a quote are left out. */
  quotes: (conids: number[]) => { conid: number; last: number | null }[]
  /** Keep these conids streamed (open positions), when the host can. */
  watch?: (conids: number[]) => void
  onError?: (where: string, err: unknown) => void
  /** Snapshot job period (default 60 s). */
  tickMs?: number
}

export interface PortfolioService {
  /**
   * Executions from the broker into the ledger; a known execution id changes nothing. Synchronous (one transaction).
   */
  ingest(executions: readonly Execution[]): IngestResult
  /** Pull the last 7 days of executions from the broker and ingest them (idempotent). */
  syncFromBroker(): Promise<void>
  /** Net position per conid for an account, across strategies. */
  localPositions(account: string): Map<number, number>
  /**
   * Today's P&L in currency units (realized + change in unrealized − fees), or null while a mark or
   * the day's start is unknown.
   */
  pnlToday(account: string): number | null
  /** Today's P&L against start-of-day NAV (RELIABILITY.md §1 rule 8), for the risk gate. */
  dailyLoss(account: string, startOfDayNav: number | null, limitFraction: number): DailyLoss | null
  get(): Promise<PortfolioView>
  snapshots(from: number, to: number): PortfolioSnapshot[]
  trades(filter: TradeFilter): TradeView[]
  /** One instrument's executions, newest first, at their execution times (the chart's fill markers). */
  fills(filter: FillFilter): FillView[]
  /** Take a snapshot now (the job calls this); false when the broker could not be read or it exists. */
  snapshot(kind: SnapshotKind): Promise<boolean>
  /** One pass of the snapshot job (the timers call it every minute); the kind taken, or null. */
  runJob(): Promise<SnapshotKind | null>
  stop(): void
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const INTRADAY_MS = 15 * 60_000
const CLOSE_AFTER_MIN = 16 * 60 + 10

/** UTC ms of 00:00 New York on the day of `t`. */
export function nyDayStart(t: number): number {
  const local = nyWallClock(t)
  const offset = t - local
  return Math.floor(local / DAY) * DAY + offset
}

export { sideOf }

export function createPortfolioService(d: PortfolioDeps): PortfolioService {
  const report = (where: string, e: unknown) => d.onError?.(where, e)
  /** Marks the broker reported with its positions (fallback when no live quote streams). */
  const brokerMarks = new Map<number, Micros>()
  let lastIntraday = 0
  let inflight: Promise<unknown> | null = null

  function toRow(x: Execution): NewExecution | null {
    const row = executionRow(x, d.account, d.now)
    if (row instanceof Error) {
      report('portfolio.ingest', row)
      return null
    }
    return row
  }

  function changed(tables: string[], account: string | null) {
    d.bus.emit('db.changed', { tables })
    d.bus.emit('portfolio.changed', { at: d.now(), account })
  }

  function ingest(batch: readonly Execution[]): IngestResult {
    const rows = batch.flatMap((x) => toRow(x) ?? [])
    const r = ingestExecutions(d.db, rows, d.now())
    if (r.inserted > 0 || r.relinked > 0) {
      changed(
        r.closed.some((t) => t.signalId)
          ? ['executions', 'positions', 'trades', 'signals']
          : ['executions', 'positions', 'trades'],
        r.groups[0]?.account ?? d.account(),
      )
      const open = listPositions(d.db, d.account(), { openOnly: true }).map((p) => p.conid)
      if (open.length > 0) d.watch?.(open)
    }
    return r
  }

  function marks(conids: number[]): Map<number, { mark: Micros; source: 'quote' | 'broker' }> {
    const m = new Map<number, { mark: Micros; source: 'quote' | 'broker' }>()
    for (const q of d.quotes(conids))
      if (q.last !== null && q.last > 0) m.set(q.conid, { mark: toMicros(q.last), source: 'quote' })
    for (const c of conids) {
      const b = brokerMarks.get(c)
      if (!m.has(c) && b !== undefined) m.set(c, { mark: b, source: 'broker' })
    }
    return m
  }

  /** Local figures of an account at `t`: today's realized and fees, unrealized now (null if a mark is missing). */
  function local(account: string) {
    const t = d.now()
    const since = nyDayStart(t)
    const fills = loadFills(d.db, account)
    const book = foldFills(fills, { since })
    let realizedToday = 0
    let feesToday = 0
    let realizedTotal = 0
    let feesTotal = 0
    const open = [...book.positions.values()].filter((p) => p.qty !== 0)
    const m = marks([...new Set(open.map((p) => p.conid))])
    let unrealizedNow: Micros | null = 0
    for (const p of book.positions.values()) {
      realizedToday += p.realizedSince
      feesToday += p.feesSince
      realizedTotal += p.realized
      feesTotal += p.fees
    }
    const perPosition = open.map((p) => {
      const mk = m.get(p.conid)
      const u = mk ? unrealized(p, mk.mark) : null
      if (u === null) unrealizedNow = null
      else if (unrealizedNow !== null) unrealizedNow += u
      return {
        strategyId: p.strategyId,
        conid: p.conid,
        qty: p.qty,
        mark: mk ? microsToNumber(mk.mark) : null,
        unrealized: u === null ? null : microsToNumber(u),
      }
    })
    // Unrealized at the day's start: 0 when flat overnight, else today's start_of_day snapshot.
    const before = foldFills(fills.filter((f) => f.at < since))
    const heldOvernight = [...before.positions.values()].some((p) => p.qty !== 0)
    const sod = latestSnapshot(d.db, account, 'start_of_day', since, t)
    const unrealizedAtStartOfDay: Micros | null = heldOvernight ? (sod ? sod.unrealized : null) : 0
    return {
      book,
      since,
      realizedToday,
      feesToday,
      realizedTotal,
      feesTotal,
      unrealizedNow: unrealizedNow as Micros | null,
      unrealizedAtStartOfDay,
      perPosition,
      sod,
    }
  }

  function dailyLossOf(account: string, startOfDayNav: number | null, limitFraction: number): DailyLoss | null {
    const l = local(account)
    if (l.unrealizedNow === null || l.unrealizedAtStartOfDay === null) return null
    return dailyLoss({
      realizedToday: l.realizedToday,
      feesToday: l.feesToday,
      unrealizedNow: l.unrealizedNow,
      unrealizedAtStartOfDay: l.unrealizedAtStartOfDay,
      startOfDayNav: startOfDayNav === null ? null : toMicros(startOfDayNav),
      limitFraction,
    })
  }

  const brokerFigures = (account: string) => readBrokerFigures(d.broker(), account, brokerMarks)

  async function get(): Promise<PortfolioView> {
    const account = d.account()
    const at = d.now()
    const broker = account
      ? await brokerFigures(account).catch((e: unknown) => ({
          figures: { ...EMPTY_BROKER, error: e instanceof Error ? e.message : String(e) },
          positions: null,
        }))
      : { figures: EMPTY_BROKER, positions: null }
    const rows = listPositions(d.db, account, { openOnly: true })
    const l = account ? local(account) : null
    const m = marks([...new Set(rows.map((r) => r.conid))])
    return portfolioView({
      account,
      at,
      broker,
      rows,
      local: l,
      marks: m,
      figures: closedTradeFigures(d.db, account),
      sod: account ? latestSnapshot(d.db, account, 'start_of_day', nyDayStart(at), at) : null,
    })
  }

  async function snapshot(kind: SnapshotKind): Promise<boolean> {
    const account = d.account()
    if (!account) return false
    const { figures } = await brokerFigures(account)
    if (figures.netLiquidation === null || figures.cash === null) {
      report(
        'portfolio.snapshot',
        new Error(
          `No ${kind} snapshot: the broker's net liquidation or cash could not be read (${figures.error ?? 'missing'})`,
        ),
      )
      return false
    }
    const l = local(account)
    const at = d.now()
    const isNew = insertSnapshot(d.db, {
      account,
      at,
      kind,
      netLiquidation: toMicros(figures.netLiquidation),
      cash: toMicros(figures.cash),
      realized: l.realizedToday - l.feesToday,
      unrealized: l.unrealizedNow ?? 0,
      payload: {
        tradingDate: nyDate(at),
        unrealizedKnown: l.unrealizedNow !== null,
        positions: l.perPosition,
        broker: figures,
      },
    })
    if (isNew) changed(['portfolio_snapshots'], account)
    return isNew
  }

  /**
   * The job: one start_of_day per New York day, intraday every 15 min in regular hours, one close after 16:10 on
   * trading days.
   */
  function due(): SnapshotKind | null {
    const account = d.account()
    if (!account) return null
    const t = d.now()
    const start = nyDayStart(t)
    if (!latestSnapshot(d.db, account, 'start_of_day', start, t)) return 'start_of_day'
    const date = nyDate(t)
    const local = new Date(nyWallClock(t))
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes()
    if (
      nyseSession(date).open &&
      minute >= CLOSE_AFTER_MIN &&
      !latestSnapshot(d.db, account, 'close', start, start + DAY + HOUR)
    )
      return 'close'
    if (nyseRegularHours(t).open && t - lastIntraday >= INTRADAY_MS) {
      const last = latestSnapshot(d.db, account, 'intraday', start, t)
      if (!last || t - last.at >= INTRADAY_MS) return 'intraday'
      lastIntraday = last.at
    }
    return null
  }

  /** One pass of the snapshot job; resolves with the kind taken, or null. One pass at a time. */
  async function runJob(): Promise<SnapshotKind | null> {
    if (inflight) return null
    const kind = due()
    if (!kind) return null
    if (kind === 'intraday') lastIntraday = d.now()
    inflight = snapshot(kind)
    try {
      return (await inflight) ? kind : null
    } catch (e) {
      report('portfolio.snapshot', e)
      return null
    } finally {
      inflight = null
    }
  }
  const tick = () => void runJob()

  recomputeMissing(d.db, d.now())
  const stopJob = d.timers.every(tick, d.tickMs ?? 60_000)
  // First look soon after start-up (the gateway may still be connecting; the job tries again).
  const stopFirst = d.timers.after(tick, 5_000)

  return {
    ingest,
    async syncFromBroker() {
      const account = d.account()
      if (!account) return
      ingest(await d.broker().trades({ accountId: account, days: 7 }))
    },
    localPositions(account) {
      const m = new Map<number, number>()
      for (const p of listPositions(d.db, account, { openOnly: true })) m.set(p.conid, (m.get(p.conid) ?? 0) + p.qty)
      return m
    },
    pnlToday(account) {
      const l = local(account)
      if (l.unrealizedNow === null || l.unrealizedAtStartOfDay === null) return null
      return microsToNumber(l.realizedToday + (l.unrealizedNow - l.unrealizedAtStartOfDay) - l.feesToday)
    },
    dailyLoss: dailyLossOf,
    get,
    snapshots(from, to) {
      return listSnapshots(d.db, d.account(), from, to).map(snapshotView)
    },
    trades(filter) {
      return listTrades(d.db, d.account(), filter).map(tradeView)
    },
    fills(filter) {
      return listFills(d.db, d.account(), filter)
    },
    snapshot,
    runJob,
    stop() {
      stopJob()
      stopFirst()
    },
  }
}
