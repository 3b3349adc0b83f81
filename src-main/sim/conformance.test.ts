import { afterEach, describe, expect, it } from 'vitest'
import { startSimGateway, type SimGateway, type SimGatewayOptions } from './server'
import { simCaller } from './test-client'

// CPAPI conformance: the simulator spoken to ONLY through documented Client Portal paths and
// payload shapes (IBKR.md §3), with a raw HTTPS caller (undici) and a raw WebSocket (ws), never our
// own client, so the simulator cannot drift toward what our client happens to accept. The texts
// asserted are IBKR's own, as third-party clients match them.

type Json = Record<string, unknown>
const ACCT = 'DU1234567'
const AAPL = 265598
const SPY = 756733
const sims: SimGateway[] = []
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

async function gateway(opts: SimGatewayOptions = {}) {
  const sim = await startSimGateway({
    seed: 3,
    clock: 'virtual',
    rateLimit: { enabled: false },
    ...opts,
    auth: { initial: 'authenticated', idleTimeoutMs: 7 * 86_400_000, dailyReset: null },
  })
  sims.push(sim)
  const caller = simCaller(sim)
  closers.push(caller.close)
  return { sim, ...caller }
}

const limit = (o: Json): Json => ({
  acctId: ACCT,
  conid: AAPL,
  orderType: 'LMT',
  side: 'BUY',
  quantity: 10,
  tif: 'DAY',
  ...o,
})

describe('CPAPI conformance of the simulator (raw HTTP and WebSocket)', () => {
  it('session, accounts, snapshot preflight with string fields, history envelope, contract rules', async () => {
    const { call } = await gateway()
    const tickle = (await call('POST', '/tickle')).body as Json
    expect(typeof tickle.session).toBe('string')
    expect(((tickle.iserver as Json).authStatus as Json).authenticated).toBe(true)
    expect((await call('POST', '/iserver/auth/status')).body).toMatchObject({ authenticated: true, connected: true })
    expect((await call('GET', '/iserver/accounts')).body).toMatchObject({ accounts: [ACCT], selectedAccount: ACCT })
    const path = `/iserver/marketdata/snapshot?conids=${AAPL}&fields=31,84,86,6509`
    const first = ((await call('GET', path)).body as Json[])[0]!
    expect(first).toMatchObject({ conid: AAPL })
    const row = ((await call('GET', path)).body as Json[])[0]!
    for (const f of ['31', '84', '86']) expect(typeof row[f]).toBe('string')
    expect(row['6509']).toMatch(/R/)
    const hist = (await call('GET', `/iserver/marketdata/history?conid=${AAPL}&period=1y&bar=1d`)).body as Json
    const data = hist.data as { t: number; o: number; h: number; l: number; c: number; v: number }[]
    expect(data.length).toBeGreaterThan(200)
    expect(Object.keys(data[0]!).sort()).toEqual(['c', 'h', 'l', 'o', 't', 'v'])
    const info = (await call('GET', `/iserver/contract/${AAPL}/info-and-rules?isBuy=true`)).body as Json
    expect(info).toMatchObject({ con_id: AAPL, symbol: 'AAPL', rules: { increment: 0.01 } })
    expect((info.rules as Json).incrementRules).toEqual([
      { lowerEdge: 0, increment: 0.0001 },
      { lowerEdge: 1, increment: 0.01 },
    ])
  })

  it("reply prompts carry IBKR's own texts and ids; the chain ends in the success array", async () => {
    const { call } = await gateway({ prompts: { o354: true, o163: true, o451: true, o10331: true } })
    await call('GET', '/iserver/accounts')
    const snap = `/iserver/marketdata/snapshot?conids=${SPY}&fields=31`
    await call('GET', snap)
    const last = Number(((await call('GET', snap)).body as Json[])[0]!['31'])
    // o354: AAPL has had no market data in this session.
    const a = (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [limit({ price: 1, cOID: 'c-1' })] }))
      .body as Json[]
    expect(a[0]).toMatchObject({ isSuppressed: false, messageIds: ['o354'] })
    expect(String(a[0]!.id)).toMatch(/^[0-9a-f-]{36}$/)
    expect((a[0]!.message as string[])[0]).toContain(
      'You are submitting an order without market data. We strongly recommend against this as it may ' +
        'result in erroneous and unexpected trades.',
    )
    const b = (await call('POST', `/iserver/reply/${String(a[0]!.id)}`, { confirmed: true })).body as Json[]
    expect(b[0]!.messageIds).toEqual(['o163'])
    expect((b[0]!.message as string[])[0]).toMatch(
      new RegExp(
        '^The following order "BUY 10 AAPL NASDAQ\\.NMS @ 1" price exceeds the Percentage constraint of 3%\\.\\n' +
          'Are you sure you want to submit this order\\?$',
      ),
    )
    const done = (await call('POST', `/iserver/reply/${String(b[0]!.id)}`, { confirmed: true })).body as Json[]
    expect(done[0]).toMatchObject({ order_status: expect.stringMatching(/^(PreSubmitted|Submitted)$/) })
    expect(typeof done[0]!.order_id).toBe('string')

    // o451: the value estimate above 100,000 USD, with IBKR's sentence (not o403's).
    const big = (
      await call('POST', `/iserver/account/${ACCT}/orders`, {
        orders: [limit({ conid: SPY, quantity: Math.ceil(120_000 / last), price: Number(last.toFixed(2)) })],
      })
    ).body as Json[]
    expect(big[0]!.messageIds).toEqual(['o451'])
    const text = (big[0]!.message as string[])[0]!
    expect(text).toMatch(/value estimate of [\d,]+\.\d\d USD exceeds the Total Value Limit of 100,000 USD\./)
    expect(text).not.toContain('trigger and fill immediately')

    // o403: a stop already through the market.
    const stop = (
      await call('POST', `/iserver/account/${ACCT}/orders`, {
        orders: [limit({ conid: SPY, orderType: 'STP', side: 'SELL', price: Number((last * 1.05).toFixed(2)) })],
      })
    ).body as Json[]
    expect(stop[0]!.messageIds).toEqual(['o403'])
    expect((stop[0]!.message as string[])[0]).toBe(
      'This order will most likely trigger and fill immediately.\nAre you sure you want to submit this order?',
    )

    // A price off the increment is refused as IBKR refuses it.
    const off = await call('POST', `/iserver/account/${ACCT}/orders`, {
      orders: [limit({ conid: SPY, price: 500.005 })],
    })
    expect(off.status).toBe(400)
    expect((off.body as Json).error).toMatch(/does not conform to the minimum price variation/)
  })

  it('o10151 on a market order: market order risks, the confirmation sentence, one message id', async () => {
    const { call } = await gateway({ prompts: { o354: false, o10151: true } })
    await call('GET', '/iserver/accounts')
    const mkt = (
      await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [limit({ orderType: 'MKT', cOID: 'm-1' })] })
    ).body as Json[]
    expect(mkt[0]).toMatchObject({ isSuppressed: false, messageIds: ['o10151'] })
    const text = (mkt[0]!.message as string[])[0]!
    expect(text).toMatch(/^You are about to submit a market order\. .*risks associated with market orders/)
    expect(text).not.toMatch(/Market Order Confirmation/)
    expect(text.endsWith('\nAre you sure you want to submit this order?')).toBe(true)
    // Suppressed for the session, it no longer asks.
    expect((await call('POST', '/iserver/questions/suppress', { messageIds: ['o10151'] })).body).toEqual({
      status: 'submitted',
    })
    const direct = (
      await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [limit({ orderType: 'MKT', cOID: 'm-2' })] })
    ).body as Json[]
    expect(direct[0]).toHaveProperty('order_id')
  })

  it('a reject: 200 with order_status Inactive, sor PendingSubmit → Inactive, the reason on ntf', async () => {
    const { call, socket } = await gateway({ prompts: { o354: false, o163: false, o383: false, o451: false } })
    await call('GET', '/iserver/accounts')
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const ws = await socket(session)
    closers.push(async () => void ws.ws.close())
    await ws.next((m) => m.topic === 'sts')
    ws.ws.send('sor+{}')
    await ws.next((m) => m.topic === 'sor')
    // Far beyond the paper account's buying power (4 × net liquidation).
    const res = await call('POST', `/iserver/account/${ACCT}/orders`, {
      orders: [limit({ quantity: 100_000, price: 200, cOID: 'rej-1' })],
    })
    expect(res.status).toBe(200)
    const ack = (res.body as Json[])[0]!
    expect(ack).toMatchObject({ order_status: 'Inactive', encrypt_message: '1' })
    const orderId = String(ack.order_id)
    const states: string[] = []
    while (!states.includes('Inactive')) {
      const m = await ws.next((x) => x.topic === 'sor' && (x.args as Json[]).some((r) => String(r.orderId) === orderId))
      states.push(...(m.args as Json[]).map((r) => String(r.status)))
    }
    expect(states).toEqual(['PendingSubmit', 'Inactive'])
    const ntf = (await ws.next((m) => m.topic === 'ntf')).args as Json
    expect(ntf).toMatchObject({ title: 'Order rejected' })
    expect(String(ntf.text)).toContain(orderId)
    expect(String(ntf.text)).toContain('insufficient buying power')
    const status = (await call('GET', `/iserver/account/order/status/${orderId}`)).body as Json
    expect(status).toMatchObject({ order_status: 'Inactive', order_not_editable: true, cannot_cancel_order: true })
    const path = `/iserver/account/orders?accountId=${ACCT}`
    await call('GET', path)
    const rows = ((await call('GET', path)).body as Json).orders as Json[]
    expect(rows.find((r) => r.order_ref === 'rej-1')).toMatchObject({ status: 'Inactive', filledQuantity: 0 })
    // An Inactive order is not working: cancel and modify answer as for a finished order.
    const cancel = await call('DELETE', `/iserver/account/${ACCT}/order/${orderId}`)
    expect(cancel).toMatchObject({ status: 400, body: { error: `OrderID ${orderId} doesn't exist` } })
  })

  it('trailing slashes route and pace as the canonical path; account summary and portfolio2', async () => {
    const { call } = await gateway({ rateLimit: { enabled: true }, prompts: { o354: false, o163: false } })
    await call('GET', '/iserver/accounts')
    const trades = await call('GET', '/iserver/account/trades/')
    expect(trades.status).toBe(200)
    expect(Array.isArray(trades.body)).toBe(true)
    // The same 1-per-5-s window as /iserver/account/trades: the canonical call right after is paced.
    expect((await call('GET', '/iserver/account/trades')).status).toBe(429)
    const summary = (await call('GET', `/iserver/account/${ACCT}/summary`)).body as Json
    for (const k of ['buyingPower', 'availableFunds', 'netLiquidationValue', 'totalCashValue', 'cashBalances'])
      expect(summary).toHaveProperty(k)
    expect(typeof summary.netLiquidationValue).toBe('number')
    expect(Array.isArray((await call('GET', `/portfolio2/${ACCT}/positions`)).body)).toBe(true)
    expect((await call('GET', `/portfolio/${ACCT}/summary/`)).body).toHaveProperty('netliquidation')
  })

  it('WebSocket: bare and +{} topics; a new order streams PendingSubmit first; live-order filters', async () => {
    const { sim, call, socket } = await gateway({ prompts: { o354: false, o163: false } })
    await call('GET', '/iserver/accounts')
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const ws = await socket(session)
    closers.push(async () => void ws.ws.close())
    await ws.next((m) => m.topic === 'sts')
    ws.ws.send('sor')
    await ws.next((m) => m.topic === 'sor')
    ws.ws.send('spl+{}')
    await ws.next((m) => m.topic === 'spl')
    ws.ws.send('str')
    ws.ws.send('xyz+{}')
    expect((await ws.next((m) => typeof m.error === 'string')).error).toMatch(/^Topic unknown: xyz/)
    const snap = `/iserver/marketdata/snapshot?conids=${SPY}&fields=31`
    await call('GET', snap)
    const last = Number(((await call('GET', snap)).body as Json[])[0]!['31'])
    await call('POST', `/iserver/account/${ACCT}/orders`, {
      orders: [limit({ conid: SPY, price: Number((last * 0.9).toFixed(2)), cOID: 'ws-1' })],
    })
    const states: string[] = []
    for (let i = 0; i < 2; i++) {
      const m = await ws.next((x) => x.topic === 'sor' && (x.args as Json[]).some((r) => typeof r.status === 'string'))
      states.push(...(m.args as Json[]).map((r) => String(r.status)))
    }
    expect(states[0]).toBe('PendingSubmit')
    expect(states[1]).toMatch(/^(PreSubmitted|Submitted)$/)
    // Live orders: {orders, snapshot}; `filters` selects by status, case-insensitively.
    const live = async (filters: string) => {
      const path = `/iserver/account/orders?accountId=${ACCT}&filters=${filters}`
      await call('GET', path)
      return (((await call('GET', path)).body as Json).orders as Json[]).map((o) => o.order_ref)
    }
    expect(await live('Filled')).not.toContain('ws-1')
    expect(await live('presubmitted,submitted')).toContain('ws-1')
    sim.control.advance(1000)
  })

  it('setPrice moves the bars; NYSE holidays have no session and half days close at 13:00', async () => {
    // Wednesday 2026-11-25 15:00 New York, the day before Thanksgiving.
    const { sim, call } = await gateway({ startTime: Date.UTC(2026, 10, 25, 20, 0) })
    await call('GET', '/iserver/accounts')
    sim.control.setPrice(SPY, { jumpTo: 600 })
    sim.control.advance(120_000)
    const bars = ((await call('GET', `/iserver/marketdata/history?conid=${SPY}&period=5min&bar=1min`)).body as Json)
      .data as { c: number }[]
    expect(Math.abs(bars.at(-1)!.c / 600 - 1)).toBeLessThan(0.01)
    // Friday 2026-11-27 17:00 New York: Thanksgiving has no bar, the half day has 210 minutes.
    const friday = await gateway({ startTime: Date.UTC(2026, 10, 27, 22, 0) })
    await friday.call('GET', '/iserver/accounts')
    const daily = (
      (await friday.call('GET', `/iserver/marketdata/history?conid=${AAPL}&period=1w&bar=1d`)).body as Json
    ).data as { t: number }[]
    const days = daily.map((b) => new Date(b.t).toISOString().slice(0, 10))
    expect(days).not.toContain('2026-11-26')
    expect(days).toContain('2026-11-27')
    const minutes = (
      (await friday.call('GET', `/iserver/marketdata/history?conid=${AAPL}&period=1d&bar=1min`)).body as Json
    ).data as unknown[]
    expect(minutes).toHaveLength(210)
  })

  it('daily volume is heavy-tailed and rises with the size of the move', async () => {
    const { call } = await gateway()
    await call('GET', '/iserver/accounts')
    const data = ((await call('GET', `/iserver/marketdata/history?conid=${AAPL}&period=2y&bar=1d`)).body as Json)
      .data as { c: number; v: number }[]
    const vols = data.slice(1, -1).map((b) => b.v)
    const moves = data.slice(1, -1).map((b, i) => Math.abs(Math.log(b.c / data[i]!.c)))
    const mean = vols.reduce((a, b) => a + b, 0) / vols.length
    const sd = Math.sqrt(vols.reduce((a, b) => a + (b - mean) ** 2, 0) / vols.length)
    expect(sd / mean).toBeGreaterThan(0.3)
    expect(Math.max(...vols) / mean).toBeGreaterThan(2.5)
    const mm = moves.reduce((a, b) => a + b, 0) / moves.length
    const cov = vols.reduce((a, v, i) => a + (v - mean) * (moves[i]! - mm), 0) / vols.length
    const sdm = Math.sqrt(moves.reduce((a, b) => a + (b - mm) ** 2, 0) / moves.length)
    expect(cov / (sd * sdm)).toBeGreaterThan(0.3)
  })
})
