import { describe, expect, it } from 'vitest'
import { AAPL, ACCT, order, simHarness, type Json } from './orders.test-util'
import { startSimGateway } from './server'
import { simCaller } from './test-client'

const { ready, sims, closers } = simHarness()

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
