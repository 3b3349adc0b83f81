import { afterEach, describe, expect, it } from 'vitest'
import { startSimGateway, type SimGateway, type SimGatewayOptions } from './server'
import { simCaller } from './test-client'

const sims: SimGateway[] = []
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

async function start(opts: SimGatewayOptions = {}) {
  const sim = await startSimGateway({ seed: 7, clock: 'virtual', ...opts })
  sims.push(sim)
  return { sim, ...simCaller(sim) }
}

type Json = Record<string, unknown>

describe('SimGateway: session (IBKR.md §7.10 test 1)', () => {
  it(
    'cold start: no session → login → read-only → ssodh/init → authenticated; accounts before ' +
      'snapshot; snapshot takes two calls; fields are strings',
    async () => {
      const { sim, call } = await start()
      expect(sim.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\/api$/)
      expect((await call('POST', '/tickle')).status).toBe(401)
      expect((await call('POST', '/iserver/auth/status')).status).toBe(401)

      const page = await call('GET', '/../')
      expect(page.status).toBe(404)
      sim.control.login()
      const status = (await call('POST', '/iserver/auth/status')).body as Json
      expect(status).toMatchObject({ authenticated: false, connected: true, competing: false })
      expect(await call('GET', '/iserver/accounts')).toMatchObject({
        status: 400,
        body: { error: 'Bad Request: no bridge' },
      })
      expect((await call('GET', '/portfolio/accounts')).status).toBe(200)

      const init = (await call('POST', '/iserver/auth/ssodh/init', { publish: true, compete: false })).body as Json
      expect(init).toMatchObject({ authenticated: true, competing: false, connected: true })

      expect(await call('GET', '/iserver/marketdata/snapshot?conids=265598&fields=31,84,86')).toMatchObject({
        status: 400,
        body: { error: 'Bad Request: Please query /accounts first' },
      })
      const accounts = (await call('GET', '/iserver/accounts')).body as Json
      expect(accounts).toMatchObject({ accounts: ['DU1234567'], selectedAccount: 'DU1234567', isPaper: true })

      const first = (await call('GET', '/iserver/marketdata/snapshot?conids=265598&fields=31,84,86,88')).body as Json[]
      expect(first).toEqual([{ conid: 265598, conidEx: '265598' }])
      const second = (await call('GET', '/iserver/marketdata/snapshot?conids=265598&fields=31,84,86,88')).body as Json[]
      expect(second[0]).toMatchObject({
        conid: 265598,
        '31': expect.stringMatching(/^\d+\.\d{2}$/),
        '84': expect.any(String),
        '86': expect.any(String),
        '6509': 'RpB',
      })
      expect(Number(second[0]!['84'])).toBeLessThan(Number(second[0]!['86']))
    },
  )

  it('idle: tickles keep it alive for 10 minutes; without them it drops to read-only after 5', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated' } })
    for (let i = 0; i < 10; i++) {
      sim.control.advance(60_000)
      expect((await call('POST', '/tickle')).status).toBe(200)
    }
    expect(sim.control.state()).toBe('authenticated')
    sim.control.advance(5 * 60_000 + 1000)
    expect(sim.control.state()).toBe('readOnly')
    expect((await call('GET', '/iserver/accounts')).status).toBe(400)
    await call('POST', '/iserver/auth/ssodh/init', { publish: true, compete: false })
    expect(sim.control.state()).toBe('authenticated')
  })

  it('competing: accounts empty; init needs compete:true; reauthenticate is asynchronous', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated' } })
    sim.control.compete()
    expect((await call('POST', '/iserver/auth/status')).body).toMatchObject({ authenticated: true, competing: true })
    expect((await call('GET', '/iserver/accounts')).body).toEqual({})
    const refused = (await call('POST', '/iserver/auth/ssodh/init', { publish: true, compete: false })).body as Json
    expect(refused.fail).toBe('Force compete capability must be used together with compete flag')
    expect((await call('POST', '/iserver/reauthenticate')).body).toEqual({ message: 'triggered' })
    expect(sim.control.state()).toBe('competing')
    sim.control.advance(3000)
    expect(sim.control.state()).toBe('authenticated')
  })

  it('logout and SSO expiry end the session with 401', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated', ssoTtlMs: 120_000 } })
    sim.control.advance(121_000)
    expect((await call('POST', '/tickle')).status).toBe(401)
    sim.control.login()
    expect((await call('POST', '/logout')).body).toEqual({ status: true })
    expect(sim.control.state()).toBe('noSession')
  })

  it('nightly reset: maintenance, then read-only', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated' }, startTime: Date.UTC(2026, 10, 24, 5, 59) })
    for (let i = 0; i < 2; i++) {
      sim.control.advance(60_000)
      await call('POST', '/tickle')
    }
    expect(sim.control.state()).toBe('maintenance')
    expect((await call('GET', '/iserver/accounts')).status).toBe(503)
    sim.control.advance(121_000)
    expect(sim.control.state()).toBe('readOnly')
  })
})

describe('SimGateway: reference data', () => {
  it('finds real tickers with their real conids, never just [0]', async () => {
    const { call } = await start({ auth: { initial: 'authenticated' } })
    await call('GET', '/iserver/accounts')
    const aapl = (await call('GET', '/iserver/secdef/search?symbol=AAPL')).body as Json[]
    expect(aapl[0]).toMatchObject({ conid: '265598', symbol: 'AAPL', description: 'NASDAQ', companyName: 'APPLE INC' })
    const spy = (await call('GET', '/iserver/secdef/search?symbol=SPY')).body as Json[]
    expect(spy[0]).toMatchObject({ conid: '756733', description: 'ARCA' })
    expect((await call('GET', '/trsrv/stocks?symbols=IBM,MSFT')).body).toMatchObject({
      IBM: [{ contracts: [{ conid: 8314, isUS: true }] }],
      MSFT: [{ contracts: [{ conid: 272093 }] }],
    })
    const info = (await call('GET', '/iserver/contract/272093/info')).body as Json
    expect(info).toMatchObject({ con_id: 272093, symbol: 'MSFT', company_name: 'MICROSOFT CORP', currency: 'USD' })
    expect((await call('GET', '/iserver/contract/1/info')).status).toBe(400)
  })
})

describe('SimGateway: prices and history', () => {
  it('serves IBKR period/bar grammar and rejects bad input', async () => {
    const { call } = await start({ auth: { initial: 'authenticated' } })
    await call('GET', '/iserver/accounts')
    const daily = (await call('GET', '/iserver/marketdata/history?conid=265598&period=2y&bar=1d')).body as {
      data: { t: number; o: number; h: number; l: number; c: number; v: number }[]
      barLength: number
      symbol: string
    }
    expect(daily.symbol).toBe('AAPL')
    expect(daily.barLength).toBe(86_400)
    expect(daily.data.length).toBeGreaterThanOrEqual(500)
    for (const b of daily.data) {
      expect(b.h).toBeGreaterThanOrEqual(Math.max(b.o, b.c))
      expect(b.l).toBeLessThanOrEqual(Math.min(b.o, b.c))
      expect(b.v).toBeGreaterThan(0)
    }
    const weekly = (await call('GET', '/iserver/marketdata/history?conid=265598&period=2y&bar=1w')).body as {
      data: unknown[]
    }
    expect(weekly.data.length).toBeGreaterThanOrEqual(100)
    const fiveMin = (await call('GET', '/iserver/marketdata/history?conid=265598&period=1d&bar=5mins')).body as {
      data: { t: number }[]
    }
    expect(fiveMin.data.length).toBeGreaterThan(0)
    expect(fiveMin.data[1]!.t - fiveMin.data[0]!.t).toBe(300_000)
    for (const bad of ['period=2y&bar=7min', 'period=31min&bar=1min', 'period=16y&bar=1d', 'period=x&bar=1d']) {
      expect((await call('GET', `/iserver/marketdata/history?conid=265598&${bad}`)).status, bad).toBe(400)
    }
  })

  it('agrees: the last bar of history closes at the snapshot price', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated', idleTimeoutMs: 86_400_000 } })
    await call('GET', '/iserver/accounts')
    sim.control.advance(37 * 60_000 + 15_000)
    await call('GET', '/iserver/marketdata/snapshot?conids=265598&fields=31')
    const snap = ((await call('GET', '/iserver/marketdata/snapshot?conids=265598&fields=31')).body as Json[])[0]!
    const bars = (
      (await call('GET', '/iserver/marketdata/history?conid=265598&period=1d&bar=1min')).body as {
        data: { c: number }[]
      }
    ).data
    expect(bars.at(-1)!.c.toFixed(2)).toBe(snap['31'])
    const daily = (
      (await call('GET', '/iserver/marketdata/history?conid=265598&period=1m&bar=1d')).body as { data: { c: number }[] }
    ).data
    expect(daily.at(-1)!.c.toFixed(2)).toBe(snap['31'])
  })

  it('is deterministic: same seed and requests give byte-identical answers', async () => {
    const a = await start({ auth: { initial: 'authenticated' } })
    const b = await start({ auth: { initial: 'authenticated' } })
    for (const c of [a, b]) await c.call('GET', '/iserver/accounts')
    const q = '/iserver/marketdata/history?conid=756733&period=6m&bar=1d'
    expect((await a.call('GET', q)).text).toBe((await b.call('GET', q)).text)
    const other = await start({ seed: 8, auth: { initial: 'authenticated' } })
    await other.call('GET', '/iserver/accounts')
    expect((await other.call('GET', q)).text).not.toBe((await a.call('GET', q)).text)
  })
})

describe('SimGateway: WebSocket', () => {
  it('authenticates by cookie, then pushes all smd fields once and only changes afterwards', async () => {
    const { sim, call, socket } = await start({ auth: { initial: 'authenticated' } })
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const s = await socket(session)
    await s.next((m) => m.topic === 'system' && m.success === 'simuser')
    s.ws.send('smd+265598+{"fields":["31","84","86","55"]}')
    const firstPush = await s.next((m) => m.topic === 'smd+265598')
    expect(Object.keys(firstPush)).toEqual(expect.arrayContaining(['31', '84', '86', '55']))
    sim.control.advance(10_000)
    const update = await s.next((m) => m.topic === 'smd+265598')
    expect(update['55']).toBeUndefined()
    expect(update['31'] ?? update['84'] ?? update['86']).toBeDefined()
    s.ws.send('ech+hb')
    await s.next((m) => m.raw === 'ech+hb')
    s.ws.send('xyz+1')
    await s.next((m) => typeof m.error === 'string' && String(m.error).startsWith('Topic unknown'))
    sim.control.compete()
    sim.control.advance(1000)
    await s.next((m) => m.topic === 'sts' && (m.args as Json).competing === true)
    s.ws.close()
  })

  it('waits for a session, accepts it as the first frame, and heartbeats', async () => {
    const { sim, call, socket } = await start({ auth: { initial: 'authenticated' } })
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const s = await socket()
    await s.next((m) => m.message === 'waiting for session')
    s.ws.send(JSON.stringify({ session }))
    await s.next((m) => m.topic === 'system' && m.success === 'simuser')
    sim.control.advance(10_000)
    await s.next((m) => m.topic === 'system' && typeof m.hb === 'number')
    s.ws.close()
  })
})

describe('SimGateway: demo mode and smd expiry', () => {
  it('demo mode starts authenticated on an always-open market, on the real clock', async () => {
    const sim = await startSimGateway({ seed: 3, demo: true, tls: false })
    sims.push(sim)
    expect(sim.cert).toBeNull()
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/api$/)
    expect(sim.control.state()).toBe('authenticated')
    expect(() => sim.control.advance(1000)).toThrow()
  })

  it('an smd subscription ends after smdExpiryMs unless re-sent', async () => {
    const { sim, call, socket } = await start({
      auth: { initial: 'authenticated', idleTimeoutMs: 86_400_000 },
      ws: { smdExpiryMs: 60_000 },
    })
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const s = await socket(session)
    await s.next((m) => m.topic === 'sts')
    s.ws.send('smd+265598+{"fields":["31"]}')
    await s.next((m) => m.topic === 'smd+265598')
    // ech+hb is answered in order on the same socket: a barrier for pushes already sent.
    const barrier = async () => {
      s.ws.send('ech+hb')
      await s.next((m) => m.raw === 'ech+hb')
    }
    sim.control.advance(30_000)
    await barrier()
    expect(s.messages.some((m) => (m as Json).topic === 'smd+265598')).toBe(true)
    sim.control.advance(31_000)
    await barrier()
    s.messages.splice(0)
    sim.control.advance(30_000)
    await barrier()
    expect(s.messages.filter((m) => (m as Json).topic === 'smd+265598')).toEqual([])
    s.ws.close()
  })
})

describe('SimGateway: pacing, faults and journal (§7.10 test 7)', () => {
  it('answers 429 past 10 requests a second, then the penalty box refuses everything', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated' }, rateLimit: { penaltyMs: 30_000 } })
    const statuses: number[] = []
    for (let i = 0; i < 14; i++) statuses.push((await call('GET', '/iserver/contract/265598/info')).status)
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429])
    sim.control.advance(2000)
    expect((await call('POST', '/tickle')).status).toBe(429)
    sim.control.advance(30_000)
    expect((await call('POST', '/tickle')).status).toBe(200)
  })

  it('injects a status fault a set number of times and records every request', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated' } })
    sim.control.fault({
      method: 'GET',
      path: '/iserver/contract/{id}/info',
      times: 2,
      status: 503,
      body: { error: 'backend timeout' },
    })
    expect((await call('GET', '/iserver/contract/8314/info')).status).toBe(503)
    expect((await call('GET', '/iserver/contract/8314/info')).status).toBe(503)
    expect((await call('GET', '/iserver/contract/8314/info')).status).toBe(200)
    expect(sim.control.journal().map((j) => [j.template, j.status])).toEqual([
      ['/iserver/contract/{id}/info', 503],
      ['/iserver/contract/{id}/info', 503],
      ['/iserver/contract/{id}/info', 200],
    ])
  })

  it('drops the connection before responding when told to', async () => {
    const { sim, call } = await start({ auth: { initial: 'authenticated' } })
    sim.control.fault({ path: '/tickle', drop: 'beforeResponse' })
    await expect(call('POST', '/tickle')).rejects.toThrow()
    expect(sim.control.journal().at(-1)!.status).toBe('dropped')
  })
})
