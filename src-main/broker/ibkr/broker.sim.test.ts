import { afterEach, describe, expect, it } from 'vitest'
import { startSimGateway, type SimGateway } from '../../sim'
import type { BrokerEvent, MarketFields, OrderAnswer } from '../broker'
import { createCpapiBroker } from './cpapi-broker'
import { manualTimers, until } from './fake-gateway.test-util'
import type { PacerClock } from './pacer'

// The CPAPI Broker end to end against the real SimGateway over HTTPS/WSS, certificate pinned:
// session, search, snapshot preflight, history, a streamed smd update, and an order through
// the reply chain into the portfolio reads. Time is the simulator's virtual clock.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const ACCOUNT = 'DU1234567'

async function brokerOnSim() {
  const sim = await startSimGateway({
    seed: 5,
    clock: 'virtual',
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
  return { sim, broker }
}

async function confirmAll(
  broker: Awaited<ReturnType<typeof brokerOnSim>>['broker'],
  first: OrderAnswer,
): Promise<OrderAnswer> {
  let a = first
  for (let i = 0; i < 10 && a.kind === 'confirm'; i++) a = await broker.reply(a.replyId, true)
  return a
}

async function tick(sim: SimGateway, ms: number) {
  sim.control.advance(ms)
  await new Promise((r) => setImmediate(r))
}

describe('CPAPI Broker against the simulator', () => {
  it(
    'session and reference data: accounts, search AAPL → 265598, snapshot through the ' +
      'preflight, a year of daily bars',
    async () => {
      const { sim, broker } = await brokerOnSim()
      expect(broker.status()).toMatchObject({ state: 'authenticated', account: ACCOUNT, paper: true })
      expect((await broker.accounts()).map((a) => a.id)).toEqual([ACCOUNT])
      const [aapl] = await broker.searchSymbols('AAPL')
      expect(aapl).toMatchObject({ conid: 265598, symbol: 'AAPL', exchange: 'NASDAQ' })
      expect((await broker.contractDetails(265598)).currency).toBe('USD')
      const [q] = await broker.snapshot([265598], ['31', '84', '86', '88', '6509'])
      expect(q!.values['84']).toBeGreaterThan(0)
      expect(q!.values['86']).toBeGreaterThan(q!.values['84']!)
      expect(
        sim.control.journal().filter((j) => j.template === '/iserver/marketdata/snapshot').length,
      ).toBeGreaterThanOrEqual(2)
      const { bars } = await broker.history({ conid: 265598, bar: '1d', period: '1y', outsideRth: false })
      expect(bars.length).toBeGreaterThanOrEqual(250)
    },
  )

  it('streams merged smd state after the clock advances, and order updates on sor', async () => {
    const { sim, broker } = await brokerOnSim()
    const fields: MarketFields[] = []
    const events: BrokerEvent[] = []
    broker.onEvent((e) => events.push(e))
    broker.subscribeMarketData(265598, ['31', '84', '86', '7295'], (f) => fields.push(f))
    for (let i = 0; i < 50 && fields.length < 2; i++) await tick(sim, 1000)
    await until(() => fields.length >= 2, 'smd pushes')
    expect(fields.at(-1)!.values['31']).toBeGreaterThan(0)
    expect(Object.keys(fields.at(-1)!.values)).toEqual(expect.arrayContaining(['31', '84', '86']))

    const px = fields.at(-1)!.values['86']!
    const placed = await confirmAll(
      broker,
      await broker.placeOrders(ACCOUNT, [
        {
          conid: 265598,
          cOID: 'sim-b-1',
          orderType: 'LMT',
          side: 'BUY',
          quantity: 10,
          tif: 'DAY',
          price: Math.round(px * 1.01 * 100) / 100,
        },
      ]),
    )
    expect(placed.kind).toBe('accepted')
    for (
      let i = 0;
      i < 50 && !events.some((e) => e.type === 'orders' && e.orders.some((o) => o.status === 'Filled'));
      i++
    )
      await tick(sim, 1000)
    expect(events.some((e) => e.type === 'orders' && e.orders.some((o) => o.status === 'Filled'))).toBe(true)

    await tick(sim, 6000)
    const live = await broker.liveOrders({ accountId: ACCOUNT })
    expect(live.find((o) => o.cOID === 'sim-b-1')).toMatchObject({
      conid: 265598,
      status: 'Filled',
      filledQuantity: 10,
    })
    await tick(sim, 6000)
    const trades = await broker.trades({ accountId: ACCOUNT })
    expect(trades.filter((t) => t.cOID === 'sim-b-1').reduce((n, t) => n + t.size, 0)).toBe(10)
    expect((await broker.positions(ACCOUNT)).find((p) => p.conid === 265598)?.position).toBe(10)
    expect((await broker.ledger(ACCOUNT)).length).toBeGreaterThan(0)
    expect(Object.keys(await broker.summary(ACCOUNT))).toEqual(expect.arrayContaining(['netliquidation']))
    await tick(sim, 6000)
    expect(Array.isArray(await broker.pnl())).toBe(true)
  })

  it('a duplicate cOID is a definitive refusal, not an unknown outcome', async () => {
    const { broker } = await brokerOnSim()
    const order = {
      conid: 265598,
      cOID: 'dup-1',
      orderType: 'LMT' as const,
      side: 'BUY' as const,
      quantity: 1,
      tif: 'DAY' as const,
      price: 1,
    }
    await confirmAll(broker, await broker.placeOrders(ACCOUNT, [order]))
    await expect(broker.placeOrders(ACCOUNT, [order])).rejects.toMatchObject({
      name: 'GatewayHttpError',
      message: expect.stringContaining('already registered'),
    })
  })
})
