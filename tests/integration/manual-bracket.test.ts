import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrderTicket } from '../../src-main/broker/broker'
import { manualTimers, until } from '../../src-main/broker/ibkr/fake-gateway.test-util'
import type { HostFrame } from '../../src-main/contract/wire'
import { DEFAULT_RISK_CAPS } from '../../src-main/domain/runs/risk'
import { createTrading } from '../../src-main/engine/trading'
import { createDispatcher } from '../../src-main/rpc/dispatcher'
import { createEventBus } from '../../src-main/rpc/event-bus'
import { openStore } from '../../src-main/store/db'
import { eventsOf, getOrder, listOrders } from '../../src-main/store/orders-repo'
import { spyHandlers } from '../fixtures/handlers'
import { fillsLedger, startSimBroker } from '../fixtures/sim-broker'

// F13 brackets from the manual ticket, end to end below the UI: `orders.preview` / `orders.place`
// through the real dispatcher (zod validation first), the trading core, the CPAPI broker and the
// SimGateway over HTTPS on a virtual clock. A limit order with a stop loss and a take profit is one
// POST of three orders (children naming the parent's cOID, IBKR.md §3.6), stored as three linked
// intents; a wrong-side stop is refused before anything is stored or sent; a plain order is unchanged.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const ACCOUNT = 'DU1234567'
const AAPL = 265598
const ORDERS = '/iserver/account/{accountId}/orders'
const WHATIF = '/iserver/account/{accountId}/orders/whatif'
const round = (x: number) => Math.round(x * 100) / 100

async function setup() {
  const { sim, broker, close } = await startSimBroker(23)
  cleanups.push(close)
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-manual-bracket-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  cleanups.push(() => store.close())
  const core = {
    db: store.db,
    lineageDb: store.lineageDb,
    bus: createEventBus({ validate: true }),
    now: sim.control.now,
    timers: manualTimers(),
    broker: () => broker,
    gateway: () => broker.connection,
  }
  const trading = createTrading({
    ...core,
    portfolio: fillsLedger(),
    caps: () => DEFAULT_RISK_CAPS,
    symbolOf: () => 'AAPL',
  })
  cleanups.push(() => trading.stop())
  await until(() => trading.reconciler.reconciled(), 'the first reconciliation')
  // The app's dispatcher over the real handlers: every input is validated before a handler runs.
  const rpc = createDispatcher(
    spyHandlers({
      'orders.place': trading.handlers['orders.place'],
      'orders.preview': trading.handlers['orders.preview'],
    }).handlers,
    { validateOutputs: true },
  )
  let id = 0
  const call = (m: 'orders.place' | 'orders.preview', p: unknown): Promise<HostFrame> => rpc.dispatch(++id, m, p)
  const ok = async <T>(m: 'orders.place' | 'orders.preview', p: unknown): Promise<T> => {
    const f = await call(m, p)
    if (f.t !== 'ok') throw new Error(`${m}: ${JSON.stringify(f)}`)
    return f.r as T
  }
  const sent = (template: string) => sim.control.journal().filter((j) => j.method === 'POST' && j.template === template)
  const bodyOrders = (template: string) =>
    sent(template).map((j) => (j.body as { orders: (OrderTicket & { acctId: string })[] }).orders)
  const [q] = await broker.snapshot([AAPL], ['31'])
  const last = q!.values['31']!
  return { sim, store, trading, call, ok, sent, bodyOrders, last }
}

type Placed = {
  gate: { allowed: boolean }
  orders: {
    id: string
    clientOrderId: string
    leg: string
    parentId: string | null
    status: string
    side: string
    orderType: string
    tif: string
    limitPrice: number | null
    auxPrice: number | null
    origin: string
  }[]
}
type Previewed = { gate: { allowed: boolean }; whatIf: object | null; whatIfError: string | null }

describe('manual bracket orders (F13 ticket) on the simulator', () => {
  it(
    'a BUY LMT with a stop and a target: previewed as the whole bracket, sent as one POST of ' +
      'three orders, stored as three linked intents; the stop and target are one OCA pair',
    async () => {
      const t = await setup()
      const entry = round(t.last + 0.05) // marketable: fills on the next ticks
      const stop = round(entry * 0.97)
      const target = round(entry * 1.05)
      const input = {
        conid: AAPL,
        side: 'BUY',
        qty: 10,
        orderType: 'LMT',
        price: entry,
        tif: 'DAY',
        stopLoss: stop,
        takeProfit: target,
      }

      // The preview: the gate on the full intent, the what-if given every leg (children name the parent).
      const preview = await t.ok<Previewed>('orders.preview', input)
      expect(preview.gate.allowed).toBe(true)
      expect(preview.whatIfError).toBeNull()
      expect(preview.whatIf).not.toBeNull()
      const [whatIf] = t.bodyOrders(WHATIF)
      expect(whatIf!.map((o) => [o.orderType, o.side, o.tif, o.price, o.parentId ?? null])).toEqual([
        ['LMT', 'BUY', 'DAY', entry, null],
        ['STP', 'SELL', 'GTC', stop, whatIf![0]!.cOID],
        ['LMT', 'SELL', 'GTC', target, whatIf![0]!.cOID],
      ])
      expect(t.sent(ORDERS)).toHaveLength(0) // a preview places nothing

      const placed = await t.ok<Placed>('orders.place', input)
      expect(placed.gate.allowed).toBe(true)

      // Exactly one POST, three orders: the parent's cOID is the manual id + "-P", the children carry
      // parentId = that cOID and their own "-S" / "-T" ids; no isSingleGroup (that would put the entry
      // in the exits' OCA group): bracket children are one OCA group per parent.
      const posts = t.bodyOrders(ORDERS)
      expect(posts).toHaveLength(1)
      const [p, s, tp] = posts[0]!
      expect(posts[0]).toHaveLength(3)
      const base = p!.cOID.replace(/-P$/, '')
      expect(base).toMatch(/^m[0-9a-f]{12}$/)
      expect(p).toMatchObject({
        acctId: ACCOUNT,
        conid: AAPL,
        cOID: `${base}-P`,
        orderType: 'LMT',
        side: 'BUY',
        quantity: 10,
        tif: 'DAY',
        price: entry,
      })
      expect(p!.parentId).toBeUndefined()
      expect(s).toMatchObject({
        cOID: `${base}-S`,
        parentId: `${base}-P`,
        orderType: 'STP',
        side: 'SELL',
        quantity: 10,
        tif: 'GTC',
        price: stop,
      })
      expect(tp).toMatchObject({
        cOID: `${base}-T`,
        parentId: `${base}-P`,
        orderType: 'LMT',
        side: 'SELL',
        quantity: 10,
        tif: 'GTC',
        price: target,
      })
      expect(posts[0]!.some((o) => o.isSingleGroup)).toBe(false)

      // Three intents with the right legs and parent links, acknowledged by the broker.
      expect(
        placed.orders.map((o) => [
          o.leg,
          o.clientOrderId,
          o.side,
          o.orderType,
          o.tif,
          o.limitPrice,
          o.auxPrice,
          o.origin,
        ]),
      ).toEqual([
        ['parent', `${base}-P`, 'BUY', 'LMT', 'DAY', entry, null, 'manual'],
        ['stop', `${base}-S`, 'SELL', 'STP', 'GTC', null, stop, 'manual'],
        ['target', `${base}-T`, 'SELL', 'LMT', 'GTC', target, null, 'manual'],
      ])
      const parentRow = placed.orders[0]!.id
      expect(placed.orders.map((o) => o.parentId)).toEqual([null, parentRow, parentRow])
      expect(placed.orders.map((o) => o.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED'])
      const stored = listOrders(t.store.db, { limit: 10 })
      expect(stored).toHaveLength(3)
      expect(stored.map((o) => eventsOf(t.store.db, o.id)[0]!.kind)).toEqual(['intent', 'intent', 'intent'])

      // The bracket at work: the entry fills, then a fall through the stop fills it and cancels the target.
      t.sim.control.advance(60_000)
      await t.trading.orders.refresh()
      expect(getOrder(t.store.db, parentRow)!.status).toBe('FILLED')
      t.sim.control.setPrice(AAPL, { jumpTo: round(stop * 0.98) })
      t.sim.control.advance(60_000)
      await t.trading.orders.refresh()
      expect(placed.orders.map((o) => getOrder(t.store.db, o.id)!.status)).toEqual(['FILLED', 'FILLED', 'CANCELED'])
      expect(t.sent(ORDERS)).toHaveLength(1)
    },
  )

  it('a BUY stop above the limit is refused with a clear message; nothing is stored, previewed or sent', async () => {
    const t = await setup()
    const entry = round(t.last)
    const bad = {
      conid: AAPL,
      side: 'BUY',
      qty: 10,
      orderType: 'LMT',
      price: entry,
      stopLoss: round(entry + 1),
      takeProfit: round(entry + 5),
    }
    for (const m of ['orders.place', 'orders.preview'] as const) {
      const f = await t.call(m, bad)
      expect(f).toMatchObject({
        t: 'err',
        e: {
          code: 'BAD_INPUT',
          message:
            `stopLoss: For a BUY the stop loss must be below the limit price ${entry} (it is ` + `${round(entry + 1)})`,
        },
      })
    }
    // A stop order cannot carry exits.
    expect(
      await t.call('orders.place', {
        conid: AAPL,
        side: 'BUY',
        qty: 10,
        orderType: 'STP',
        price: entry,
        takeProfit: round(entry + 5),
      }),
    ).toMatchObject({
      t: 'err',
      e: {
        code: 'BAD_INPUT',
        message: 'takeProfit: A stop loss or take profit can only be attached to a limit (LMT) order',
      },
    })
    expect(listOrders(t.store.db, { limit: 10 })).toEqual([])
    expect(t.sent(ORDERS)).toHaveLength(0)
    expect(t.sent(WHATIF)).toHaveLength(0)
  })

  it(
    'a single LMT without a stop or target behaves as before: ' + 'one order, leg single, the plain manual id',
    async () => {
      const t = await setup()
      const price = round(t.last - 1)
      const input = { conid: AAPL, side: 'BUY', qty: 5, orderType: 'LMT', price, tif: 'DAY', outsideRth: false }
      expect((await t.ok<Previewed>('orders.preview', input)).gate.allowed).toBe(true)
      expect(t.bodyOrders(WHATIF)[0]).toHaveLength(1)
      const placed = await t.ok<Placed>('orders.place', input)
      expect(placed.orders.map((o) => [o.leg, o.parentId, o.status, o.limitPrice])).toEqual([
        ['single', null, 'SUBMITTED', price],
      ])
      expect(placed.orders[0]!.clientOrderId).toMatch(/^m[0-9a-f]{12}$/)
      const posts = t.bodyOrders(ORDERS)
      expect(posts).toHaveLength(1)
      expect(posts[0]).toHaveLength(1)
      expect(posts[0]![0]).toMatchObject({
        cOID: placed.orders[0]!.clientOrderId,
        orderType: 'LMT',
        side: 'BUY',
        quantity: 5,
        tif: 'DAY',
        price,
      })
      expect(posts[0]![0]!.parentId).toBeUndefined()
    },
  )
})
