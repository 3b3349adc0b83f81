import { describe, expect, it } from 'vitest'
import { AAPL, ACCT, lastPrice, order, simHarness, type Json } from './orders.test-util'

const { ready, closers } = simHarness()

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
