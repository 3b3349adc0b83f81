import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrderAnswer, OrderTicket } from '../../src-main/broker/broker'
import { createCpapiBroker } from '../../src-main/broker/ibkr/cpapi-broker'
import { manualTimers } from '../../src-main/broker/ibkr/fake-gateway.test-util'
import type { PacerClock } from '../../src-main/broker/ibkr/pacer'
import { PortfolioView } from '../../src-main/contract/portfolio-api'
import { createPortfolioService, nyDayStart } from '../../src-main/engine/portfolio'
import { createEventBus } from '../../src-main/rpc/event-bus'
import { startSimGateway } from '../../src-main/sim'
import { openStore, type Db } from '../../src-main/store/db'
import { orders, positions, runs, signals, strategies, trades } from '../../src-main/store/schema'

// The portfolio against the real SimGateway (virtual clock, injected timers): a bracket order placed
// through the CPAPI broker fills its parent, the price drops through the stop, and the ingested
// broker executions give the simulator's own position, and a closed trade whose realized P&L after
// fees matches the simulator's books; the trade links to its run and signal, R is computed from the
// signal's levels, and the signal gets its outcome. Ingesting again changes nothing.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const ACCOUNT = 'DU1234567'
const AAPL = 265598
const round2 = (n: number) => Math.round(n * 100) / 100

async function setup() {
  const sim = await startSimGateway({
    seed: 21,
    clock: 'virtual',
    calendar: 'always-open',
    rateLimit: { enabled: false },
    auth: { initial: 'authenticated', idleTimeoutMs: 86_400_000 },
  })
  cleanups.push(() => sim.close())
  const clock: PacerClock = { now: () => sim.control.now(), sleep: async (ms) => sim.control.advance(ms) }
  const broker = createCpapiBroker({
    url: sim.origin,
    displayUrl: 'sim',
    ca: sim.cert,
    fingerprint: sim.fingerprint,
    loginUrl: `${sim.origin}/`,
    now: clock.now,
    clock,
    timers: manualTimers(),
    preferredAccount: () => null,
  })
  cleanups.push(() => broker.stop())
  await broker.start()
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-portfolio-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  cleanups.push(() => store.close())
  const bus = createEventBus({ validate: true })
  const events: string[] = []
  bus.listen((e) => events.push(e))
  const timers = manualTimers()
  const errors: unknown[] = []
  const portfolio = createPortfolioService({
    db: store.db,
    bus,
    now: clock.now,
    timers,
    broker: () => broker,
    account: () => ACCOUNT,
    quotes: () => [],
    onError: (_w, e) => errors.push(e),
  })
  cleanups.push(() => portfolio.stop())
  return { sim, broker, db: store.db, portfolio, events, timers, errors, clock }
}

async function confirmAll(broker: ReturnType<typeof createCpapiBroker>, first: OrderAnswer): Promise<OrderAnswer> {
  let a = first
  for (let i = 0; i < 10 && a.kind === 'confirm'; i++) a = await broker.reply(a.replyId, true)
  return a
}

/**
 * A strategy, its run and BUY signal, and the three order intents of a bracket, as the executor and order manager write
 * them.
 */
function seedIntents(db: Db, at: number, px: { entry: number; stop: number; target: number }) {
  db.insert(strategies)
    .values({
      id: 'st-1',
      key: 'PF1',
      name: 'Portfolio test',
      mode: 'paper',
      approval: 'auto',
      active: true,
      config: {},
      revision: 1,
      createdAt: at,
      updatedAt: at,
    })
    .run()
  db.insert(runs)
    .values({
      id: 'run-1',
      strategyId: 'st-1',
      trigger: 'manual',
      status: 'succeeded',
      startedAt: at,
      appVersion: 'test',
    })
    .run()
  db.insert(signals)
    .values({
      id: 'sig-1',
      runId: 'run-1',
      strategyId: 'st-1',
      conid: AAPL,
      symbol: 'AAPL',
      action: 'BUY',
      confidence: 0.7,
      entry: String(px.entry),
      stop: String(px.stop),
      targets: [px.target],
      rewardRisk: 2,
      status: 'accepted',
      provider: 'rules',
      model: 'rules',
      payload: {},
      createdAt: at,
    })
    .run()
  const base = {
    runId: 'run-1',
    signalId: 'sig-1',
    origin: 'strategy',
    mode: 'paper',
    account: ACCOUNT,
    conid: AAPL,
    tif: 'GTC',
    outsideRth: false,
    status: 'SUBMITTED',
    filledQty: 0,
    createdAt: at,
    updatedAt: at,
  } as const
  db.insert(orders)
    .values([
      {
        ...base,
        id: 'o-p',
        clientOrderId: 'PF1-20261123-1-P',
        parentId: null,
        leg: 'parent',
        side: 'BUY',
        orderType: 'LMT',
        qty: 100,
        limitPrice: String(px.entry),
        tif: 'DAY',
      },
      {
        ...base,
        id: 'o-t',
        clientOrderId: 'PF1-20261123-1-T',
        parentId: 'o-p',
        leg: 'target',
        side: 'SELL',
        orderType: 'LMT',
        qty: 100,
        limitPrice: String(px.target),
      },
      {
        ...base,
        id: 'o-s',
        clientOrderId: 'PF1-20261123-1-S',
        parentId: 'o-p',
        leg: 'stop',
        side: 'SELL',
        orderType: 'STP',
        qty: 100,
        auxPrice: String(px.stop),
      },
    ])
    .run()
}

describe('portfolio on the simulator', () => {
  it(
    'a bracket: position after the entry fill, then a stopped-out trade with realized P&L, ' +
      'fees and R matching the broker',
    async () => {
      const { sim, broker, db, portfolio, events, errors, clock } = await setup()
      const [q] = await broker.snapshot([AAPL], ['31'])
      const last = q!.values['31']!
      const px = { entry: round2(last * 1.01), stop: round2(last * 0.9), target: round2(last * 1.2) }
      seedIntents(db, clock.now(), px)

      const tickets: OrderTicket[] = [
        {
          conid: AAPL,
          cOID: 'PF1-20261123-1-P',
          orderType: 'LMT',
          side: 'BUY',
          quantity: 100,
          tif: 'DAY',
          price: px.entry,
        },
        // Bracket children carry no cOID at IBKR (RELIABILITY.md §1 rule 3): they are found by broker order id.
        {
          conid: AAPL,
          cOID: '',
          parentId: 'PF1-20261123-1-P',
          orderType: 'LMT',
          side: 'SELL',
          quantity: 100,
          tif: 'GTC',
          price: px.target,
        },
        {
          conid: AAPL,
          cOID: '',
          parentId: 'PF1-20261123-1-P',
          orderType: 'STP',
          side: 'SELL',
          quantity: 100,
          tif: 'GTC',
          price: px.stop,
        },
      ]
      const placed = await confirmAll(broker, await broker.placeOrders(ACCOUNT, tickets))
      expect(placed.kind).toBe('accepted')
      const ids = (placed as Extract<OrderAnswer, { kind: 'accepted' }>).orders.map((o) => o.orderId)
      expect(ids).toHaveLength(3)
      // The entry fills before the order manager has recorded the children's broker ids.
      db.update(orders).set({ brokerOrderId: ids[0]! }).where(eq(orders.id, 'o-p')).run()

      sim.control.advance(1000)
      await portfolio.syncFromBroker()
      let pos = db.select().from(positions).all()
      expect(pos).toEqual([expect.objectContaining({ account: ACCOUNT, strategyId: 'st-1', conid: AAPL, qty: 100 })])
      const simPos = (await broker.positions(ACCOUNT)).find((p) => p.conid === AAPL)!
      expect(simPos.position).toBe(100)
      expect(Number(pos[0]!.avgCost)).toBeCloseTo(simPos.avgCost!, 2)
      expect(portfolio.localPositions(ACCOUNT)).toEqual(new Map([[AAPL, 100]]))
      const open = portfolio.trades({ status: 'open', limit: 10 })
      expect(open).toEqual([
        expect.objectContaining({
          direction: 'long',
          qty: 100,
          runId: 'run-1',
          signalId: 'sig-1',
          closedAt: null,
          realizedPnl: null,
        }),
      ])
      expect(events).toEqual(expect.arrayContaining(['db.changed', 'portfolio.changed']))

      // Now the order manager knows the children; the price drops through the stop.
      db.update(orders).set({ brokerOrderId: ids[1]! }).where(eq(orders.id, 'o-t')).run()
      db.update(orders).set({ brokerOrderId: ids[2]! }).where(eq(orders.id, 'o-s')).run()
      sim.control.setPrice(AAPL, { jumpTo: round2(last * 0.85) })
      sim.control.advance(2000)
      sim.control.advance(6000)
      const executions = await broker.trades({ accountId: ACCOUNT, days: 7 })
      expect(executions.reduce((n, x) => n + (x.side.startsWith('S') ? -x.size : x.size), 0)).toBe(0)
      const first = portfolio.ingest(executions)
      expect(first.closed).toHaveLength(1)
      expect(portfolio.ingest(executions)).toMatchObject({ inserted: 0, relinked: 0, closed: [] })
      await portfolio.syncFromBroker()

      pos = db.select().from(positions).all()
      expect(pos).toEqual([expect.objectContaining({ strategyId: 'st-1', qty: 0 })])
      expect((await broker.positions(ACCOUNT)).filter((p) => p.position !== 0)).toEqual([])
      const [trade] = portfolio.trades({ status: 'closed', limit: 10 })
      const buy = executions.find((x) => !x.side.startsWith('S'))!
      const sell = executions.find((x) => x.side.startsWith('S'))!
      // The live chart's fill markers: every execution at the broker's own execution time, newest first.
      const byTime = (a: { at: number; id: string }, b: { at: number; id: string }) =>
        b.at - a.at || (a.id < b.id ? -1 : 1)
      expect(
        portfolio.fills({ conid: AAPL, limit: 50 }).map((f) => ({ id: f.execId, at: f.at, side: f.side })),
      ).toEqual(
        executions
          .map((x) => ({ id: x.executionId, at: x.tradeTime!, side: x.side.startsWith('S') ? 'SELL' : 'BUY' }))
          .sort(byTime),
      )
      expect(portfolio.fills({ conid: AAPL, limit: 50 }).every((f) => f.orderId !== null)).toBe(true)
      const fees = (buy.commission ?? 0) + (sell.commission ?? 0)
      expect(trade).toMatchObject({
        direction: 'long',
        qty: 100,
        runId: 'run-1',
        signalId: 'sig-1',
        strategyId: 'st-1',
        strategyName: 'Portfolio test',
        symbol: 'AAPL',
        entryPrice: buy.price,
        exitPrice: sell.price,
      })
      expect(trade!.realizedPnl).toBeCloseTo(100 * (sell.price - buy.price), 6)
      expect(trade!.fees).toBeCloseTo(fees, 6)
      // The simulator books commissions into realized P&L; ours keeps them apart.
      const [ledger] = (await broker.ledger(ACCOUNT)).filter((l) => l.currency === 'BASE')
      expect(round2(trade!.realizedPnl! - trade!.fees)).toBeCloseTo(ledger!.realizedPnl!, 2)
      const risk = 100 * Math.abs(px.entry - px.stop)
      expect(trade!.initialRisk).toBeCloseTo(risk, 6)
      expect(trade!.rMultiple).toBeCloseTo(trade!.realizedPnl! / risk, 9)
      expect(trade!.rMultiple!).toBeLessThan(0)
      const [sig] = db.select().from(signals).where(eq(signals.id, 'sig-1')).all()
      expect(sig!.outcome).toEqual({
        tradeId: trade!.id,
        exitPrice: sell.price,
        realizedPnl: trade!.realizedPnl,
        fees: trade!.fees,
        rMultiple: trade!.rMultiple,
        closedAt: trade!.closedAt,
      })
      expect(db.select().from(trades).all()).toHaveLength(1)

      // The page's view: checked against its contract; local and broker agree.
      const view = PortfolioView.parse(await portfolio.get())
      expect(view.positions).toEqual([])
      expect(view.broker.available).toBe(true)
      expect(view.differences).toEqual([])
      expect(view.stats).toMatchObject({ count: 1, wins: 0, losses: 1, winRate: 0, profitFactor: 0, withR: 1 })
      expect(view.stats.averageR).toBeCloseTo(trade!.rMultiple!, 9)
      expect(view.totals.realizedToday).toBeCloseTo(trade!.realizedPnl!, 6)
      expect(view.totals.feesToday).toBeCloseTo(fees, 6)
      expect(view.netLiquidation).toBeGreaterThan(0)
      expect(errors).toEqual([])
    },
  )

  it(
    'flags a broker position with no local fills, and an ' + 'unattributed (manual) execution goes to strategy ""',
    async () => {
      const { sim, broker, portfolio } = await setup()
      const [q] = await broker.snapshot([AAPL], ['31'])
      const px = round2(q!.values['31']! * 1.01)
      await confirmAll(
        broker,
        await broker.placeOrders(ACCOUNT, [
          { conid: AAPL, cOID: 'manual-1', orderType: 'LMT', side: 'BUY', quantity: 7, tif: 'DAY', price: px },
        ]),
      )
      sim.control.advance(1000)
      const before = await portfolio.get()
      // The entry's commission is in the broker's realized P&L, and not yet local.
      expect(before.differences).toEqual([
        expect.objectContaining({ kind: 'position', conid: AAPL, local: 0, broker: 7, difference: -7 }),
        expect.objectContaining({ kind: 'realized', local: 0 }),
      ])
      expect(before.differences[0]!.advice).toMatch(/reconciliation/)
      await portfolio.syncFromBroker()
      const after = await portfolio.get()
      expect(after.differences).toEqual([])
      expect(after.positions).toEqual([
        expect.objectContaining({ strategyId: '', strategyName: null, qty: 7, markSource: 'broker', shareOfGross: 1 }),
      ])
      expect(after.positions[0]!.shareOfNetLiquidation).toBeGreaterThan(0)
      expect(after.positions[0]!.shareOfNetLiquidation).toBeLessThan(1)
    },
  )

  it(
    'snapshot job: start_of_day once per New York day, intraday ' + 'in regular hours, close once after 16:10',
    async () => {
      const { sim, portfolio, events } = await setup()
      // The simulator starts Monday 2026-11-23 09:30 New York.
      const dayStart = nyDayStart(sim.control.now())
      expect(await portfolio.runJob()).toBe('start_of_day')
      expect(await portfolio.runJob()).toBe('intraday')
      expect(await portfolio.runJob()).toBeNull()
      sim.control.advance(16 * 60_000)
      expect(await portfolio.runJob()).toBe('intraday')
      sim.control.advance(6 * 3_600_000 + 30 * 60_000) // 16:16 New York
      expect(await portfolio.runJob()).toBe('close')
      expect(await portfolio.runJob()).toBeNull()
      sim.control.advance(60_000)
      expect(await portfolio.runJob()).toBeNull()
      // The next New York day starts with its own start_of_day.
      sim.control.advance(8 * 3_600_000)
      expect(await portfolio.runJob()).toBe('start_of_day')
      const kinds = portfolio.snapshots(dayStart, dayStart + 86_400_000).map((s) => s.kind)
      expect(kinds).toEqual(['start_of_day', 'intraday', 'intraday', 'close'])
      expect(portfolio.snapshots(dayStart, dayStart + 86_400_000)[0]!.netLiquidation).toBeGreaterThan(0)
      expect(events.filter((e) => e === 'portfolio.changed')).toHaveLength(5)
    },
  )
})
