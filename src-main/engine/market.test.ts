import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCpapiConnection } from '../broker/ibkr/connection'
import type { Quote } from '../contract/models'
import { createEventBus } from '../rpc/event-bus'
import { startSimGateway } from '../sim'
import { openStore } from '../store/db'
import { createMarketService } from './market'
import type { Timers } from '../timers'

// The market service on the real simulator and a real SQLite file: live first, the cache only
// as a labelled fallback, quotes conflated per instrument, streams leased by the pages showing them.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function manualIntervals(): Timers & { tick(ms: number): void } {
  const timers: { fn: () => void; ms: number; due: number }[] = []
  let now = 0
  const every = (fn: () => void, ms: number) => {
    const t = { fn, ms, due: now + ms }
    timers.push(t)
    return () => void timers.splice(timers.indexOf(t), 1)
  }
  return {
    every,
    after: () => () => {},
    tick(ms) {
      now += ms
      for (const t of timers) {
        while (t.due <= now) {
          t.due += t.ms
          t.fn()
        }
      }
    },
  }
}

async function setup() {
  const sim = await startSimGateway({
    seed: 5,
    clock: 'virtual',
    rateLimit: { enabled: false },
    auth: { initial: 'authenticated', idleTimeoutMs: 86_400_000 },
  })
  cleanups.push(() => sim.close())
  const conn = createCpapiConnection({
    url: sim.origin,
    displayUrl: 'sim',
    ca: sim.cert,
    fingerprint: sim.fingerprint,
    loginUrl: null,
    now: () => sim.control.now(),
    clock: { now: () => sim.control.now(), sleep: async (ms) => sim.control.advance(ms) },
    timers: { every: () => () => {}, after: () => () => {} },
    preferredAccount: () => null,
  })
  cleanups.push(() => conn.stop())
  await conn.keeper.check()
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-market-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  cleanups.push(() => store.close())
  const bus = createEventBus({ validate: true })
  const ticks: Quote[] = []
  bus.listen((ev, d) => ev === 'market.tick' && ticks.push(d as Quote))
  const timers = manualIntervals()
  let source = conn.market()
  const market = createMarketService({
    db: store.db,
    bus,
    now: () => sim.control.now(),
    timers,
    source: () => source,
    conflateMs: 100,
    leaseMs: 60_000,
  })
  cleanups.push(() => market.stop())
  return { sim, conn, market, ticks, timers, store, setSource: (s: typeof source) => (source = s) }
}

describe('market service', () => {
  it('searches live, remembers conids, and falls back to the cache, labelled, when the gateway is down', async () => {
    const { sim, market } = await setup()
    const live = await market.search('AAPL')
    expect(live[0]).toMatchObject({ conid: 265598, source: 'live' })
    await sim.control.killGateway()
    const cached = await market.search('aap')
    expect(cached).toEqual([
      {
        conid: 265598,
        symbol: 'AAPL',
        name: 'APPLE INC',
        exchange: 'NASDAQ',
        secType: 'STK',
        currency: 'USD',
        source: 'cache',
      },
    ])
    await expect(market.search('MSFT')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('nothing matching is cached'),
    })
  })

  it('keeps a watchlist in SQLite and streams its instruments', async () => {
    const { market, store, conn } = await setup()
    const list = await market.addToWatchlist(756733)
    expect(list.map((w) => w.symbol)).toEqual(['SPY'])
    expect(store.sqlite.prepare('SELECT conid FROM watchlist').all()).toEqual([{ conid: 756733 }])
    await market.addToWatchlist(265598)
    expect(market.watchlist().map((w) => w.symbol)).toEqual(['SPY', 'AAPL'])
    expect(market.removeFromWatchlist(756733).map((w) => w.symbol)).toEqual(['AAPL'])
    await expect(market.addToWatchlist(1)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(conn.stream).toBeDefined()
  })

  it('conflates quotes: at most one market.tick per instrument per interval, carrying the newest', async () => {
    const { sim, market, ticks, timers } = await setup()
    market.watch([265598])
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setImmediate(r))
    }
    await until(() => market.quotes([265598]).length > 0)
    for (let i = 0; i < 20; i++) {
      sim.control.advance(1000)
      await new Promise((r) => setImmediate(r))
    }
    await until(() => false)
    expect(ticks).toHaveLength(0)
    timers.tick(100)
    expect(ticks).toHaveLength(1)
    expect(ticks[0]).toEqual(market.quotes([265598])[0])
    timers.tick(100)
    expect(ticks).toHaveLength(1)
  })

  it('says what to do when no gateway is connected', async () => {
    const { market, setSource } = await setup()
    setSource(null)
    await expect(market.history({ conid: 265598, bar: '1d', period: '1y', outsideRth: false })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('Check the connection badge'),
    })
  })
})
