import { afterEach, describe, expect, it } from 'vitest'
import type { Quote } from '../../contract/models'
import { startSimGateway, type SimGateway, type SimGatewayOptions } from '../../sim'
import { createCpapiConnection } from './connection'
import { GatewayHttpError, OutcomeUnknownError } from './errors'
import { manualTimers, until } from './fake-gateway.test-util'
import { CpapiHttp } from './http'
import { CPAPI_LIMITS, Pacer, type PacerClock } from './pacer'

// The CPAPI client against the real SimGateway over HTTPS and WSS on loopback, certificate pinned.
// Time is virtual on both sides; nothing sleeps.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function sim(opts: SimGatewayOptions = {}) {
  const s = await startSimGateway({ seed: 3, clock: 'virtual', rateLimit: { enabled: false }, ...opts })
  cleanups.push(() => s.close())
  return s
}

/** Client time follows the simulator's virtual clock; a sleep advances both. */
function clockOf(s: SimGateway): PacerClock {
  return { now: () => s.control.now(), sleep: async (ms) => s.control.advance(ms) }
}

function http(s: SimGateway) {
  const h = new CpapiHttp({
    baseUrl: s.origin,
    ca: s.cert,
    pacer: new Pacer(clockOf(s), CPAPI_LIMITS),
    clock: clockOf(s),
  })
  cleanups.push(() => h.close())
  return h
}

async function connect(s: SimGateway, timers = manualTimers()) {
  const c = createCpapiConnection({
    url: s.origin,
    displayUrl: 'sim',
    ca: s.cert,
    fingerprint: s.fingerprint,
    loginUrl: `${s.origin}/`,
    now: () => s.control.now(),
    clock: clockOf(s),
    timers,
    preferredAccount: () => null,
  })
  cleanups.push(() => c.stop())
  await c.keeper.check()
  return { c, timers }
}

describe('CPAPI client: no order POST is ever retried (RELIABILITY.md §1 invariant 4)', () => {
  const ORDER = '/iserver/account/DU1234567/orders'
  const order = {
    orders: [{ conid: 265598, orderType: 'LMT', side: 'BUY', quantity: 1, price: 100, tif: 'DAY', cOID: 'T-1' }],
  }

  it.each([
    ['a 500', { status: 500, body: { error: 'internal' } }],
    ['a 503', { status: 503, body: { error: 'timeout' } }],
    ['a reset before the answer', { drop: 'beforeResponse' as const }],
    ['an answer lost after the order was applied', { drop: 'afterCommit' as const }],
  ])('%s gives OutcomeUnknownError and exactly one POST', async (_name, fault) => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    s.control.fault({ method: 'POST', path: '/iserver/account/{accountId}/orders', times: 5, ...fault })
    await expect(http(s).post(ORDER, { body: order })).rejects.toBeInstanceOf(OutcomeUnknownError)
    expect(
      s.control.journal().filter((j) => j.method === 'POST' && j.template === '/iserver/account/{accountId}/orders'),
    ).toHaveLength(1)
  })

  it('a definitive 4xx is a plain rejection with IBKR’s message, not an unknown outcome', async () => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    s.control.fault({
      method: 'POST',
      path: '/iserver/account/{accountId}/orders',
      status: 400,
      body: { error: 'Order couldn’t be submitted: Local order ID=T-1 is already registered.' },
    })
    const e = await http(s)
      .post(ORDER, { body: order })
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(GatewayHttpError)
    expect((e as GatewayHttpError).message).toContain('already registered')
  })

  it('reads retry 5xx with backoff, a bounded number of times', async () => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    s.control.fault({ method: 'GET', path: '/iserver/contract/{id}/info', times: 2, status: 503 })
    const info = await http(s).get<{ symbol: string }>('/iserver/contract/265598/info')
    expect(info.symbol).toBe('AAPL')
    s.control.fault({ method: 'GET', path: '/iserver/contract/{id}/info', times: 5, status: 503 })
    await expect(http(s).get('/iserver/contract/265598/info')).rejects.toMatchObject({ status: 503 })
    expect(s.control.journal().filter((j) => j.template === '/iserver/contract/{id}/info')).toHaveLength(3 + 3)
  })
})

describe('CPAPI session keeper against the simulator', () => {
  it(
    'no session → unauthenticated; login → bridge started by ' + 'ssodh/init → authenticated with the paper account',
    async () => {
      const s = await sim()
      const { c } = await connect(s)
      expect(c.current()).toMatchObject({ state: 'unauthenticated', account: null, url: 'sim' })
      expect(c.current().detail).toMatch(/log in/i)
      s.control.login()
      expect(s.control.state()).toBe('readOnly')
      await c.keeper.check()
      expect(c.current()).toMatchObject({
        state: 'authenticated',
        account: 'DU1234567',
        paper: true,
        loginUrl: `${s.origin}/`,
      })
      expect(s.control.journal().map((j) => j.template)).toEqual(
        expect.arrayContaining(['/iserver/auth/ssodh/init', '/iserver/accounts', '/portfolio/accounts']),
      )
      const initAt = s.control.journal().findIndex((j) => j.template === '/iserver/accounts')
      expect(
        s.control
          .journal()
          .slice(0, initAt)
          .some((j) => j.template === '/iserver/marketdata/snapshot'),
      ).toBe(false)
      expect(await c.accounts()).toEqual([
        { id: 'DU1234567', title: 'Simulated paper account', currency: 'USD', paper: true, selected: true },
      ])
    },
  )

  it('publishes competing, maintenance and expired, and recovers after reauthentication', async () => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    const { c } = await connect(s)
    const seen: string[] = []
    c.onStatus((st) => seen.push(st.state))
    s.control.compete()
    await c.keeper.check()
    expect(c.current().state).toBe('competing')
    const reauth = c.reauthenticate()
    await until(() => s.control.journal().some((j) => j.template === '/iserver/reauthenticate'), 'reauthenticate')
    s.control.advance(3000)
    await reauth
    await c.keeper.check()
    expect(c.current().state).toBe('authenticated')
    s.control.expireSession()
    await c.keeper.check()
    expect(c.current().state).toBe('expired')
    expect(seen).toEqual(['competing', 'authenticated', 'expired'])
  })

  it('reports an unreachable gateway as offline and keeps running', async () => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    const { c } = await connect(s)
    await s.control.killGateway()
    await c.keeper.check()
    expect(c.current().state).toBe('offline')
    expect(c.current().detail).toMatch(/does not answer/)
  })
})

describe('CPAPI market data against the simulator', () => {
  it('searches real tickers, loads contract details and a year of daily history', async () => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    const { c } = await connect(s)
    const market = c.market()!
    const found = await market.search('AAPL')
    expect(found[0]).toEqual({
      conid: 265598,
      symbol: 'AAPL',
      name: 'APPLE INC',
      exchange: 'NASDAQ',
      secType: 'STK',
      currency: 'USD',
    })
    expect((await market.details(756733)).symbol).toBe('SPY')
    await expect(market.details(1)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const bars = await market.history({ conid: 265598, bar: '1d', period: '1y', outsideRth: false })
    expect(bars.length).toBeGreaterThanOrEqual(250)
    expect(bars.every((b) => b.h >= b.l && b.v > 0)).toBe(true)
  })

  it('streams quotes, and after a dropped socket reconnects and subscribes again', async () => {
    const s = await sim({ auth: { initial: 'authenticated' } })
    const { c, timers } = await connect(s)
    const quotes: Quote[] = []
    c.market()!.onQuote((q) => quotes.push(q))
    c.market()!.setStreamed([265598])
    await until(() => quotes.length > 0, 'the first quote')
    expect(quotes[0]).toMatchObject({ conid: 265598, delayed: false, closed: false })
    expect(quotes[0]!.last).toBeGreaterThan(0)
    expect(c.stream.connections).toBe(1)

    s.control.dropSockets()
    await until(() => timers.pendingAfter() === 1, 'a reconnect to be scheduled')
    timers.fireAfter()
    await until(() => c.stream.connections === 2, 'the reconnect')
    const before = quotes.length
    for (let i = 0; i < 5 && quotes.length === before; i++) {
      s.control.advance(10_000)
      await until(() => true, 'tick')
      await new Promise((r) => setImmediate(r))
    }
    await until(() => quotes.length > before, 'quotes after the reconnect')
  })
})
