import { afterEach, describe, expect, it } from 'vitest'
import { startSimGateway, type SimGateway, type SimGatewayOptions } from './server'
import { simCaller } from './test-client'

type Json = Record<string, unknown>
const ACCT = 'DU1234567'
const AAPL = 265598
const sims: SimGateway[] = []
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
  await Promise.all(sims.splice(0).map((s) => s.close()))
})

/** An authenticated sim with accounts queried; pacing off unless a test is about pacing. */
async function ready(opts: SimGatewayOptions = {}) {
  const sim = await startSimGateway({
    seed: 11,
    clock: 'virtual',
    rateLimit: { enabled: false },
    ...opts,
    auth: { initial: 'authenticated', idleTimeoutMs: 7 * 86_400_000, dailyReset: null, ...opts.auth },
  })
  sims.push(sim)
  const caller = simCaller(sim)
  closers.push(caller.close)
  await caller.call('GET', '/iserver/accounts')
  return { sim, ...caller }
}

const order = (o: Json): Json => ({
  acctId: ACCT,
  conid: AAPL,
  side: 'BUY',
  quantity: 10,
  tif: 'DAY',
  orderType: 'MKT',
  ...o,
})

async function lastPrice(call: ReturnType<typeof simCaller>['call'], conid = AAPL): Promise<number> {
  await call('GET', `/iserver/marketdata/snapshot?conids=${conid}&fields=31,84,86`)
  const row = ((await call('GET', `/iserver/marketdata/snapshot?conids=${conid}&fields=31,84,86`)).body as Json[])[0]!
  return Number(row['31'])
}

describe('SimGateway orders: prompts and replies (§7.10 test 3)', () => {
  it('chains o354 then o163 into two replies, then succeeds; suppressed prompts never fire', async () => {
    const { call } = await ready()
    const first = await call('POST', `/iserver/account/${ACCT}/orders`, {
      orders: [order({ orderType: 'LMT', price: 500, cOID: 'p-1' })],
    })
    const [msg1] = first.body as Json[]
    expect(msg1).toMatchObject({ isSuppressed: false, messageIds: ['o354'] })
    expect(msg1!.id).toMatch(/^[0-9a-f-]{36}$/)
    const second = ((await call('POST', `/iserver/reply/${String(msg1!.id)}`, { confirmed: true })).body as Json[])[0]!
    expect(second.messageIds).toEqual(['o163'])
    expect(await call('POST', `/iserver/reply/${String(msg1!.id)}`, { confirmed: true })).toMatchObject({
      status: 400,
      body: { error: `reply id not found: '${String(msg1!.id)}'` },
    })
    const done = (await call('POST', `/iserver/reply/${String(second.id)}`, { confirmed: true })).body as Json[]
    expect(done).toEqual([
      { order_id: expect.stringMatching(/^\d{10}$/), order_status: 'Submitted', encrypt_message: '1' },
    ])

    expect((await call('POST', '/iserver/questions/suppress', { messageIds: ['o354', 'o163'] })).body).toEqual({
      status: 'submitted',
    })
    const direct = (
      await call('POST', `/iserver/account/${ACCT}/orders`, [
        order({ conid: 8314, orderType: 'LMT', price: 1, cOID: 'p-2' }),
      ])
    ).body as Json[]
    expect(direct[0]).toMatchObject({ order_status: 'Submitted' })
    await call('POST', '/iserver/questions/suppress/reset')
    const again = (
      await call('POST', `/iserver/account/${ACCT}/orders`, {
        orders: [order({ orderType: 'LMT', price: 1, cOID: 'p-3' })],
      })
    ).body as Json[]
    expect(again[0]!.messageIds).toEqual(['o163'])
  })

  it('a new submission supersedes pending reply ids; confirmed:false drops the order', async () => {
    const { call } = await ready()
    const a = (
      (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ cOID: 'r-1' })] })).body as Json[]
    )[0]!
    const b = (
      (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ conid: 8314, cOID: 'r-2' })] }))
        .body as Json[]
    )[0]!
    expect((await call('POST', `/iserver/reply/${String(a.id)}`, { confirmed: true })).status).toBe(400)
    expect(await call('POST', `/iserver/reply/${String(b.id)}`, { confirmed: false })).toMatchObject({
      status: 400,
      body: { error: 'Order not confirmed ' },
    })
    await call('GET', `/iserver/account/orders?accountId=${ACCT}`)
    expect(
      ((await call('GET', `/iserver/account/orders?accountId=${ACCT}`)).body as { orders: unknown[] }).orders,
    ).toEqual([])
  })
})

describe('SimGateway orders: validation and cOID', () => {
  it('rejects bad orders with 400 and a duplicate cOID within 24 virtual hours', async () => {
    const { sim, call } = await ready({ prompts: { o354: false }, auth: { ssoTtlMs: 7 * 86_400_000 } })
    const post = (o: Json) => call('POST', `/iserver/account/${ACCT}/orders`, { orders: [o] })
    for (const bad of [
      order({ conid: 1 }),
      order({ side: 'HOLD' }),
      order({ quantity: 0 }),
      order({ tif: 'FOK' }),
      order({ orderType: 'LMT' }),
      order({ orderType: 'STOP_LIMIT', price: 1 }),
      order({ orderType: 'TRAIL' }),
      { conid: AAPL },
    ]) {
      expect((await post(bad)).status, JSON.stringify(bad)).toBe(400)
    }
    expect((await post(order({ cOID: 'dup' }))).status).toBe(200)
    expect(await post(order({ cOID: 'dup' }))).toMatchObject({
      status: 400,
      body: { error: "Order couldn't be submitted: Local order ID=dup is already registered." },
    })
    sim.control.advance(86_400_000)
    expect((await post(order({ cOID: 'dup' }))).body).toEqual([expect.objectContaining({ order_status: 'Submitted' })])
  })

  it('needs /iserver/accounts first', async () => {
    const sim = await startSimGateway({ seed: 11, clock: 'virtual', auth: { initial: 'authenticated' } })
    sims.push(sim)
    const { call, close } = simCaller(sim)
    closers.push(close)
    expect(await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({})] })).toMatchObject({
      status: 400,
      body: { error: 'Bad Request: Please query /accounts first' },
    })
  })
})

describe('SimGateway orders: matching and the books', () => {
  it(
    'a MKT order of many touch sizes fills over several ticks; trades, position, ledger and ' +
      'PnL follow (§7.10 test 5)',
    async () => {
      const { sim, call, socket } = await ready({ prompts: { o354: false, o383: false, o451: false } })
      const session = ((await call('POST', '/tickle')).body as Json).session as string
      const ws = await socket(session)
      closers.push(async () => void ws.ws.close())
      await ws.next((m) => m.topic === 'sts')
      ws.ws.send('sor+{}')
      expect(await ws.next((m) => m.topic === 'sor')).toEqual({ topic: 'sor', args: [] })
      ws.ws.send('str+{}')
      const cashBefore = ((await call('GET', `/portfolio/${ACCT}/ledger`)).body as { USD: { cashbalance: number } }).USD
        .cashbalance
      const placed = (
        (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ quantity: 6000, cOID: 'big-1' })] }))
          .body as Json[]
      )[0]!
      const orderId = Number(placed.order_id)
      sim.control.advance(10_000)
      const status = (await call('GET', `/iserver/account/order/status/${orderId}`)).body as Json
      expect(status).toMatchObject({
        order_id: orderId,
        order_status: 'Filled',
        cum_fill: '6000',
        total_size: '6000',
        side: 'B',
        order_type: 'MARKET',
        order_ref: 'big-1',
      })
      const trades = (await call('GET', '/iserver/account/trades?days=1')).body as Json[]
      expect(trades.length).toBeGreaterThanOrEqual(2)
      expect(trades.reduce((a, t) => a + (t.size as number), 0)).toBe(6000)
      expect(trades[0]).toMatchObject({
        side: 'B',
        order_ref: 'big-1',
        price: expect.stringMatching(/^\d+\.\d{2}$/),
        commission: expect.any(String),
        trade_time: expect.stringMatching(/^\d{8}-\d{2}:\d{2}:\d{2}$/),
      })
      ws.ws.send('ech+hb') // answered in order on the same socket: every push sent so far has arrived
      await ws.next((m) => m.raw === 'ech+hb')
      const partials = ws.messages
        .filter((m) => (m as Json).topic === 'sor')
        .map((m) => (m as { args: Json[] }).args[0]!)
      expect(
        partials.filter(
          (p) => p.sizeAndFills !== undefined && p.sizeAndFills !== '6000/6000' && p.sizeAndFills !== '0/6000',
        ).length,
      ).toBeGreaterThanOrEqual(1)
      expect(partials.every((p) => p.orderId === orderId && p.acct === ACCT)).toBe(true)
      expect(ws.messages.filter((m) => (m as Json).topic === 'str').length).toBe(trades.length)

      const positions = (await call('GET', `/portfolio/${ACCT}/positions/0`)).body as Json[]
      expect(positions).toEqual([
        expect.objectContaining({ acctId: ACCT, conid: AAPL, position: 6000, ticker: 'AAPL' }),
      ])
      const notional = trades.reduce((a, t) => a + (t.size as number) * Number(t.price) + Number(t.commission), 0)
      const cashAfter = ((await call('GET', `/portfolio/${ACCT}/ledger`)).body as { USD: { cashbalance: number } }).USD
        .cashbalance
      expect(cashAfter).toBeCloseTo(cashBefore - notional, 1)
      expect((await call('GET', '/iserver/account/pnl/partitioned')).body).toEqual({ upnl: {} })
      const pnl = (await call('GET', '/iserver/account/pnl/partitioned')).body as { upnl: Record<string, Json> }
      expect(pnl.upnl[`${ACCT}.Core`]).toMatchObject({
        rowType: 1,
        dpl: expect.any(Number),
        upl: expect.any(Number),
        mv: expect.any(Number),
      })
      const summary = (await call('GET', `/portfolio/${ACCT}/summary`)).body as Record<string, Json>
      expect(summary.netliquidation).toMatchObject({ currency: 'USD', isNull: false })
    },
  )

  it(
    'bracket: parent fills, children go Submitted, a price drop triggers the stop and cancels ' +
      'the target (§7.10 test 6)',
    async () => {
      const { sim, call } = await ready({ prompts: { o354: false, o163: false, o10331: false } })
      const last = await lastPrice(call)
      const placed = (
        await call('POST', `/iserver/account/${ACCT}/orders`, {
          orders: [
            order({ cOID: 'b-e', orderType: 'LMT', price: +(last * 1.01).toFixed(2), quantity: 100 }),
            order({
              cOID: 'b-tp',
              parentId: 'b-e',
              orderType: 'LMT',
              price: +(last * 1.2).toFixed(2),
              side: 'SELL',
              quantity: 100,
              tif: 'GTC',
            }),
            order({
              cOID: 'b-sl',
              parentId: 'b-e',
              orderType: 'STP',
              price: +(last * 0.9).toFixed(2),
              side: 'SELL',
              quantity: 100,
              tif: 'GTC',
            }),
          ],
        })
      ).body as Json[]
      expect(placed.map((p) => p.order_status)).toEqual(['Submitted', 'PreSubmitted', 'PreSubmitted'])
      const [parent, tp, sl] = placed.map((p) => Number(p.order_id)) as [number, number, number]
      const st = async (id: number) =>
        ((await call('GET', `/iserver/account/order/status/${id}`)).body as Json).order_status
      sim.control.advance(1000)
      expect(await st(parent)).toBe('Filled')
      sim.control.advance(1000)
      expect(await st(tp)).toBe('Submitted')
      expect(await st(sl)).toBe('PreSubmitted')
      sim.control.setPrice(AAPL, { jumpTo: +(last * 0.85).toFixed(2) })
      sim.control.advance(2000)
      expect(await st(sl)).toBe('Filled')
      expect(await st(tp)).toBe('Cancelled')
      expect((await call('GET', `/portfolio/${ACCT}/positions/0`)).body).toEqual([])
    },
  )

  it('modify, cancel (answered at once, Cancelled next tick), cancel-all, IOC and DAY expiry', async () => {
    const { sim, call } = await ready({ prompts: { o354: false, o163: false } })
    const post = async (o: Json) =>
      Number(((await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [o] })).body as Json[])[0]!.order_id)
    const st = async (id: number) => (await call('GET', `/iserver/account/order/status/${id}`)).body as Json
    const resting = await post(order({ orderType: 'LMT', price: 1, cOID: 'm-1' }))
    expect(
      await call('POST', `/iserver/account/${ACCT}/order/${resting}`, { conid: AAPL, side: 'BUY', quantity: 20 }),
    ).toMatchObject({ status: 400 })
    const modified = await call(
      'POST',
      `/iserver/account/${ACCT}/order/${resting}`,
      order({ orderType: 'LMT', price: 2, quantity: 20 }),
    )
    expect(modified.body).toEqual([{ order_id: String(resting), order_status: 'Submitted', encrypt_message: '1' }])
    expect(await st(resting)).toMatchObject({ total_size: '20', limit_price: '2.00' })
    expect((await call('DELETE', `/iserver/account/${ACCT}/order/${resting}`)).body).toEqual({
      msg: 'Request was submitted',
      order_id: resting,
      conid: AAPL,
      account: ACCT,
    })
    expect((await st(resting)).order_status).toBe('PendingCancel')
    sim.control.advance(1000)
    expect((await st(resting)).order_status).toBe('Cancelled')
    expect(
      await call('POST', `/iserver/account/${ACCT}/order/${resting}`, order({ orderType: 'LMT', price: 2 })),
    ).toMatchObject({ status: 400, body: { error: `OrderID ${resting} doesn't exist` } })

    const ioc = await post(order({ orderType: 'LMT', price: 1, tif: 'IOC' }))
    const day = await post(order({ orderType: 'LMT', price: 1, tif: 'DAY' }))
    const gtc = await post(order({ orderType: 'LMT', price: 1, tif: 'GTC' }))
    sim.control.advance(1000)
    expect((await st(ioc)).order_status).toBe('Cancelled')
    sim.control.advance(7 * 3_600_000)
    expect((await st(day)).order_status).toBe('Cancelled')
    expect((await st(gtc)).order_status).toBe('PreSubmitted')
    expect((await call('DELETE', `/iserver/account/${ACCT}/order/-1`)).body).toMatchObject({
      msg: 'Request was submitted',
    })
    sim.control.advance(1000)
    expect((await st(gtc)).order_status).toBe('Cancelled')
  })

  it('what-if answers amounts without placing anything', async () => {
    const { call } = await ready()
    const w = (
      await call('POST', `/iserver/account/${ACCT}/orders/whatif`, {
        orders: [order({ orderType: 'LMT', price: 100, quantity: 10 })],
      })
    ).body as Json
    expect(w).toMatchObject({
      amount: { amount: '1,000.00 USD', commission: '1.00 USD', total: '1,001.00 USD' },
      warn: null,
      error: null,
    })
    expect(w.initial).toMatchObject({ change: '250.00' })
  })
})

describe('SimGateway orders: afterCommit drop (§7.10 test 4)', () => {
  it('applies the order once, drops the connection, and the order is found by cOID', async () => {
    const { sim, call } = await ready({ prompts: { o354: false } })
    sim.control.fault({ method: 'POST', path: '/iserver/account/{accountId}/orders', drop: 'afterCommit' })
    await expect(
      call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ cOID: 'ac-1' })] }),
    ).rejects.toThrow()
    const posts = sim.control
      .journal()
      .filter((j) => j.method === 'POST' && j.template === '/iserver/account/{accountId}/orders')
    expect(posts).toEqual([
      expect.objectContaining({ status: 'dropped', body: { orders: [expect.objectContaining({ cOID: 'ac-1' })] } }),
    ])
    sim.control.advance(2000)
    expect(((await call('GET', `/iserver/account/orders?accountId=${ACCT}`)).body as Json).orders).toEqual([])
    const live = ((await call('GET', `/iserver/account/orders?accountId=${ACCT}`)).body as { orders: Json[] }).orders
    expect(live).toEqual([expect.objectContaining({ order_ref: 'ac-1', status: 'Filled', sizeAndFills: '10/10' })])
    const trades = (await call('GET', '/iserver/account/trades')).body as Json[]
    expect(trades.map((t) => t.order_ref)).toEqual(['ac-1'])
  })
})

describe('SimGateway orders: rejects, OPG and determinism', () => {
  it('rejects an order beyond buying power as Inactive with an ntf notification', async () => {
    const { call, socket } = await ready({ prompts: { o354: false, o383: false, o451: false } })
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const ws = await socket(session)
    closers.push(async () => void ws.ws.close())
    await ws.next((m) => m.topic === 'sts')
    const placed = (
      (
        await call('POST', `/iserver/account/${ACCT}/orders`, {
          orders: [order({ quantity: 100_000, cOID: 'too-big' })],
        })
      ).body as Json[]
    )[0]!
    expect(placed.order_status).toBe('Inactive')
    const ntf = await ws.next((m) => m.topic === 'ntf')
    expect((ntf.args as Json).text).toContain('insufficient buying power')
  })

  it('p12: an advanced reject holds the order in PendingSubmit until /iserver/notification answers it', async () => {
    const { sim, call, socket } = await ready({ prompts: { o354: false } })
    const session = ((await call('POST', '/tickle')).body as Json).session as string
    const ws = await socket(session)
    closers.push(async () => void ws.ws.close())
    await ws.next((m) => m.topic === 'sts')
    sim.control.enablePrompt('p12')
    const prompt = (
      (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ cOID: 'p12-1' })] })).body as Json[]
    )[0]!
    expect(prompt).toMatchObject({
      messageId: 'p12',
      prompt: true,
      type: 'M',
      options: ['Use on this order', 'Always use', 'Do not use'],
    })
    expect((await ws.next((m) => m.topic === 'ntf')).args).toEqual(prompt)
    const id = prompt.orderId as number
    sim.control.advance(2000)
    expect(((await call('GET', `/iserver/account/order/status/${id}`)).body as Json).order_status).toBe('PendingSubmit')
    expect(
      (await call('POST', '/iserver/notification', { orderId: id, reqId: 'wrong', text: 'Always use' })).status,
    ).toBe(400)
    expect(
      (await call('POST', '/iserver/notification', { orderId: id, reqId: prompt.reqId, text: 'Always use' })).status,
    ).toBe(200)
    sim.control.advance(1000)
    expect(((await call('GET', `/iserver/account/order/status/${id}`)).body as Json).order_status).toBe('Filled')
    const next = (
      (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ cOID: 'p12-2' })] })).body as Json[]
    )[0]!
    expect(next.order_status).toBe('Submitted')
  })

  it('OPG waits for the next open, fills there, and never outside it', async () => {
    const monday1630 = Date.UTC(2026, 10, 23, 21, 30)
    const { sim, call } = await ready({ startTime: monday1630, tickMs: 10_000, prompts: { o354: false } })
    const id = Number(
      (
        (await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ tif: 'OPG', cOID: 'opg-1' })] }))
          .body as Json[]
      )[0]!.order_id,
    )
    sim.control.advance(16 * 3_600_000)
    expect(((await call('GET', `/iserver/account/order/status/${id}`)).body as Json).order_status).toBe('PreSubmitted')
    sim.control.advance(3_600_000 + 10_000)
    const done = (await call('GET', `/iserver/account/order/status/${id}`)).body as Json
    expect(done).toMatchObject({ order_status: 'Filled', cum_fill: '10' })
    const trades = (await call('GET', '/iserver/account/trades')).body as Json[]
    expect(trades[0]!.trade_time).toBe('20261124-14:30:00')
  })

  it('same seed and the same requests give byte-identical order answers, trades and books', async () => {
    const texts: string[][] = []
    for (let run = 0; run < 2; run++) {
      const { sim, call } = await ready({ prompts: { o383: false, o451: false } })
      const out: string[] = []
      const first = await call('POST', `/iserver/account/${ACCT}/orders`, {
        orders: [order({ quantity: 3000, cOID: 'det-1' })],
      })
      out.push(first.text)
      out.push(
        (await call('POST', `/iserver/reply/${String((first.body as Json[])[0]!.id)}`, { confirmed: true })).text,
      )
      sim.control.advance(5000)
      out.push((await call('GET', '/iserver/account/trades')).text)
      out.push((await call('GET', `/portfolio/${ACCT}/positions/0`)).text)
      out.push((await call('GET', `/portfolio/${ACCT}/ledger`)).text)
      texts.push(out)
    }
    expect(texts[1]).toEqual(texts[0])
    expect(JSON.parse(texts[0]![2]!)).not.toEqual([])
  })
})

describe('SimGateway portfolio: positions cache', () => {
  it('serves stale positions until invalidated when positionsCacheMs > 0', async () => {
    const { sim, call } = await ready({ positionsCacheMs: 600_000, prompts: { o354: false } })
    expect((await call('GET', `/portfolio/${ACCT}/positions/0`)).body).toEqual([])
    await call('POST', `/iserver/account/${ACCT}/orders`, { orders: [order({ cOID: 'pc-1' })] })
    sim.control.advance(2000)
    expect((await call('GET', `/portfolio/${ACCT}/positions/0`)).body).toEqual([])
    expect((await call('POST', `/portfolio/${ACCT}/positions/invalidate`)).body).toEqual({ message: 'success' })
    expect((await call('GET', `/portfolio/${ACCT}/positions/0`)).body).toEqual([
      expect.objectContaining({ conid: AAPL, position: 10 }),
    ])
  })
})
