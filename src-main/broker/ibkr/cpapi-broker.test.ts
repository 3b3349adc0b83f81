import { describe, expect, it } from 'vitest'
import { GatewayHttpError, NotFoundError, OutcomeUnknownError } from './errors'
import { scriptAuthenticated, type FakeGateway } from './fake-gateway.test-util'
import { ACCOUNT, brokerHarness, ORDERS, ticket } from './cpapi-broker.test-util'

// The CPAPI Broker against a scripted gateway on loopback: order calls are sent exactly once,
// snapshots handle the preflight, portfolio reads parse IBKR's real shapes, streams merge.

const { setup } = brokerHarness()

describe('Broker order calls are never retried (RELIABILITY.md §1 invariant 4)', () => {
  it.each([
    ['a 500', (g: FakeGateway) => g.json(ORDERS, { error: 'internal' }, 500)],
    ['a 503', (g: FakeGateway) => g.json(ORDERS, { error: 'backend timeout' }, 503)],
    ['a connection reset', (g: FakeGateway) => g.on(ORDERS, (_r, res) => res.socket?.destroy())],
    ['an unparsable body', (g: FakeGateway) => g.on(ORDERS, (_r, res) => res.writeHead(200).end('<html>oops'))],
    ['a JSON answer of an unknown shape', (g: FakeGateway) => g.json(ORDERS, { surprise: true })],
    ['a timeout', (g: FakeGateway) => g.on(ORDERS, () => undefined)],
  ])('%s: OutcomeUnknownError and exactly one POST', async (_name, fault) => {
    const { g, broker } = await setup((x) => {
      scriptAuthenticated(x)
      fault(x)
    }, 300)
    await expect(broker.placeOrders(ACCOUNT, [ticket])).rejects.toBeInstanceOf(OutcomeUnknownError)
    expect(g.count(ORDERS)).toBe(1)
  })

  it('reply, modify and cancel are sent once too', async () => {
    const { g, broker } = await setup((x) => {
      scriptAuthenticated(x)
      x.json('POST /iserver/reply/abc', { error: 'x' }, 502)
      x.on(`POST /iserver/account/${ACCOUNT}/order/42`, (_r, res) => res.socket?.destroy())
      x.json(`DELETE /iserver/account/${ACCOUNT}/order/42`, { error: 'x' }, 500)
    })
    await expect(broker.reply('abc', true)).rejects.toBeInstanceOf(OutcomeUnknownError)
    await expect(broker.modifyOrder(ACCOUNT, '42', ticket)).rejects.toBeInstanceOf(OutcomeUnknownError)
    await expect(broker.cancelOrder(ACCOUNT, '42')).rejects.toBeInstanceOf(OutcomeUnknownError)
    expect([
      g.count('POST /iserver/reply/abc'),
      g.count(`POST /iserver/account/${ACCOUNT}/order/42`),
      g.count(`DELETE /iserver/account/${ACCOUNT}/order/42`),
    ]).toEqual([1, 1, 1])
  })

  it('a definitive refusal is a GatewayHttpError with IBKR’s message', async () => {
    const { broker } = await setup((x) => {
      scriptAuthenticated(x)
      x.json(ORDERS, { error: "Order couldn't be submitted: Local order ID=r1-s1-e is already registered." }, 400)
    })
    const e = await broker.placeOrders(ACCOUNT, [ticket]).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(GatewayHttpError)
    expect(e).not.toBeInstanceOf(OutcomeUnknownError)
    expect((e as Error).message).toContain('already registered')
  })

  it('a prompt is a confirmation; the reply chain ends in accepted orders; the body carries the account', async () => {
    const { g, broker } = await setup((x) => {
      scriptAuthenticated(x)
      x.json(ORDERS, [
        { id: 'u-1', isSuppressed: false, message: ['The price deviates… Are you sure?'], messageIds: ['o163'] },
      ])
      x.json('POST /iserver/reply/u-1', [{ id: 'u-2', message: ['Size limit'], messageIds: ['o383'] }])
      x.json('POST /iserver/reply/u-2', [
        { order_id: '1370093239', order_status: 'PreSubmitted', encrypt_message: '1' },
      ])
    })
    expect(await broker.placeOrders(ACCOUNT, [ticket])).toEqual({
      kind: 'confirm',
      replyId: 'u-1',
      messageIds: ['o163'],
      messages: ['The price deviates… Are you sure?'],
    })
    expect(g.seen.find((r) => `${r.method} ${r.path}` === ORDERS)?.body).toEqual({
      orders: [{ acctId: ACCOUNT, ...ticket }],
    })
    expect((await broker.reply('u-1', true)).kind).toBe('confirm')
    expect(await broker.reply('u-2', true)).toEqual({
      kind: 'accepted',
      orders: [{ orderId: '1370093239', status: 'PreSubmitted' }],
    })
    expect(g.seen.find((r) => r.path === '/iserver/reply/u-2')?.body).toEqual({ confirmed: true })
  })

  it('a bare-object success and a numeric order id are accepted', async () => {
    const { broker } = await setup((x) => {
      scriptAuthenticated(x)
      x.json(ORDERS, { order_id: 987654, order_status: 'Submitted' })
    })
    expect(await broker.placeOrders(ACCOUNT, [ticket])).toEqual({
      kind: 'accepted',
      orders: [{ orderId: '987654', status: 'Submitted' }],
    })
  })
})

describe('Broker reads', () => {
  it('snapshot: repeats through the preflight, matches rows on conid, parses prefixes and separators', async () => {
    let calls = 0
    const { g, broker, clock } = await setup((x) => {
      scriptAuthenticated(x)
      x.on('GET /iserver/marketdata/snapshot', (_r, res) => {
        calls++
        const rows =
          calls === 1
            ? [
                { conid: 265598, conidEx: '265598' },
                { conid: 8314, conidEx: '8314' },
              ]
            : [
                { '31': 'H140.10', conid: 8314, conidEx: '8314' },
                {
                  '31': 'C168.42',
                  '84': '168.41',
                  '88': '1,300',
                  '87': '1.2M',
                  '6509': 'RpB',
                  _updated: 1712596911593,
                  conid: 265598,
                  conidEx: '265598',
                },
              ]
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows))
      })
    })
    const [aapl, ibm] = await broker.snapshot([265598, 8314], ['31', '84', '88', '87', '6509'])
    expect(g.count('GET /iserver/marketdata/snapshot')).toBe(2)
    expect(clock.slept).toContain(250)
    expect(aapl).toMatchObject({
      conid: 265598,
      closed: true,
      halted: false,
      updatedAt: 1712596911593,
      values: { '31': 168.42, '84': 168.41, '88': 1300, '87': 1_200_000 },
    })
    expect(aapl!.raw['6509']).toBe('RpB')
    expect(ibm).toMatchObject({ conid: 8314, halted: true, values: { '31': 140.1 } })
    expect(g.seen.find((r) => r.path === '/iserver/marketdata/snapshot')?.query.get('conids')).toBe('265598,8314')
  })

  it('snapshot: gives up after a bounded number of calls when fields never arrive', async () => {
    const { g, broker } = await setup((x) => {
      scriptAuthenticated(x)
      x.json('GET /iserver/marketdata/snapshot', [{ conid: 265598, conidEx: '265598' }])
    })
    const [row] = await broker.snapshot([265598], ['31'])
    expect(g.count('GET /iserver/marketdata/snapshot')).toBe(5)
    expect(row).toMatchObject({ conid: 265598, values: {} })
  })

  it(
    'live orders, status, trades, positions, ledger, summary, PnL: ' + 'IBKR’s shapes, numbers from strings',
    async () => {
      const { g, broker } = await setup((x) => {
        scriptAuthenticated(x)
        x.json('GET /iserver/account/orders', {
          orders: [
            {
              acct: ACCOUNT,
              conid: 265598,
              orderId: 1370093239,
              ticker: 'AAPL',
              side: 'BUY',
              orderType: 'Limit',
              origOrderType: 'LIMIT',
              status: 'Submitted',
              totalSize: 100,
              filledQuantity: '40',
              remainingQuantity: 60,
              price: '457.00',
              avgPrice: '456.9',
              timeInForce: 'CLOSE',
              order_ref: 'r1-s1-e',
              sizeAndFills: '40/100',
              bgColor: '#000',
            },
            { acct: 'DU999', conid: 8314, orderId: 7, side: 'SELL', status: 'Filled' },
          ],
          snapshot: true,
        })
        x.json('GET /iserver/account/order/status/1370093239', {
          order_id: 1370093239,
          conid: 265598,
          symbol: 'AAPL',
          side: 'B',
          size: '60.0',
          total_size: '100.0',
          cum_fill: '40.0',
          order_status: 'Submitted',
          limit_price: '457.00',
          average_price: '456.90',
          order_not_editable: false,
          cannot_cancel_order: false,
        })
        x.json('GET /iserver/account/trades', [
          {
            execution_id: '0000e0d5.6576fd38.01.01',
            symbol: 'AAPL',
            side: 'B',
            size: 40,
            price: '456.90',
            order_ref: 'r1-s1-e',
            commission: '1.00',
            trade_time_r: 1702000000000,
            account: ACCOUNT,
            conid: '265598',
            net_amount: 18276,
          },
        ])
        x.json(`GET /portfolio/${ACCOUNT}/positions/0`, [
          {
            acctId: ACCOUNT,
            conid: 265598,
            contractDesc: 'AAPL',
            position: 40,
            mktPrice: 457.1,
            mktValue: 18284,
            currency: 'USD',
            avgCost: 456.925,
            unrealizedPnl: 7,
            realizedPnl: 0,
            strike: '0',
            assetClass: 'STK',
          },
        ])
        x.json(`GET /portfolio/${ACCOUNT}/ledger`, {
          BASE: {
            cashbalance: 981724.0,
            netliquidationvalue: '1,000,008.00',
            stockmarketvalue: 18284,
            unrealizedpnl: 7,
            realizedpnl: 0,
            currency: 'BASE',
            key: 'LedgerList',
          },
        })
        x.json(`GET /portfolio/${ACCOUNT}/summary`, {
          netliquidation: { amount: 1000008, currency: 'USD', isNull: false, timestamp: 1, value: null },
          accountcode: { amount: 0, isNull: false, value: ACCOUNT },
          buyingpower: { amount: null, isNull: true },
        })
        x.json('GET /iserver/account/pnl/partitioned', {
          upnl: { [`${ACCOUNT}.Core`]: { rowType: 1, dpl: -12.5, nl: 1000008, upl: 7, el: 1, mv: 18284 } },
        })
      })
      const orders = await broker.liveOrders({ accountId: ACCOUNT, force: true })
      expect(orders).toEqual([
        {
          orderId: '1370093239',
          cOID: 'r1-s1-e',
          account: ACCOUNT,
          conid: 265598,
          symbol: 'AAPL',
          side: 'BUY',
          orderType: 'LIMIT',
          status: 'Submitted',
          totalSize: 100,
          filledQuantity: 40,
          remainingQuantity: 60,
          price: 457,
          avgPrice: 456.9,
          timeInForce: 'CLOSE',
        },
      ])
      expect(g.seen.filter((r) => r.path === '/iserver/account/orders').map((r) => r.query.get('force'))).toEqual([
        null,
        'true',
        null,
      ]) // keeper's preflight, force, a plain read
      expect(await broker.orderStatus('1370093239')).toMatchObject({
        orderId: '1370093239',
        totalSize: 100,
        filled: 40,
        limitPrice: 457,
        editable: true,
        cancellable: true,
      })
      expect(await broker.trades({ accountId: ACCOUNT, days: 2 })).toEqual([
        {
          executionId: '0000e0d5.6576fd38.01.01',
          orderId: null,
          cOID: 'r1-s1-e',
          conid: 265598,
          symbol: 'AAPL',
          side: 'B',
          size: 40,
          price: 456.9,
          commission: 1,
          tradeTime: 1702000000000,
          account: ACCOUNT,
        },
      ])
      expect(await broker.positions(ACCOUNT)).toMatchObject([
        { conid: 265598, symbol: 'AAPL', position: 40, avgCost: 456.925 },
      ])
      expect(await broker.ledger(ACCOUNT)).toEqual([
        {
          currency: 'BASE',
          cashBalance: 981724,
          netLiquidation: 1000008,
          stockMarketValue: 18284,
          unrealizedPnl: 7,
          realizedPnl: 0,
        },
      ])
      expect(await broker.summary(ACCOUNT)).toEqual({ netliquidation: 1000008, accountcode: 0, buyingpower: null })
      expect(await broker.pnl()).toEqual([
        { key: `${ACCOUNT}.Core`, dailyPnl: -12.5, unrealizedPnl: 7, netLiquidation: 1000008, marketValue: 18284 },
      ])
    },
  )

  it('a 404 is a NotFoundError; reads retry 5xx a bounded number of times', async () => {
    const { g, broker } = await setup((x) => {
      scriptAuthenticated(x)
      x.json('GET /iserver/account/order/status/1', { error: 'x' }, 500)
    })
    await expect(broker.orderStatus('2')).rejects.toBeInstanceOf(NotFoundError)
    await expect(broker.orderStatus('1')).rejects.toMatchObject({ status: 500 })
    expect(g.count('GET /iserver/account/order/status/1')).toBe(3)
  })
})
