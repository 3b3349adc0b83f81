import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { manualTimers, until } from '../../src-main/broker/ibkr/fake-gateway.test-util'
import type { OrderIntentTicket } from '../../src-main/contract/steps'
import { DEFAULT_RISK_CAPS, clientOrderId } from '../../src-main/domain/runs/risk'
import { DEFAULT_RISK_LIMITS } from '../../src-main/domain/risk/limits'
import type { GatewayConnection } from '../../src-main/engine/gateway-status'
import type { OrderIntent } from '../../src-main/engine/order-manager'
import { createTrading } from '../../src-main/engine/trading'
import { fillsLedger, startSimBroker } from '../fixtures/sim-broker'
import { createEventBus } from '../../src-main/rpc/event-bus'
import { openStore } from '../../src-main/store/db'
import { getOrder, listOrders, recentSubmits, setRiskState } from '../../src-main/store/orders-repo'

// The trading core against the real SimGateway over HTTPS (virtual clock, injected timers): the
// intent persisted before the POST, exactly one POST per client order id whatever happens, reply
// prompts by allow-list or by a person, unclear outcomes settled by reconciliation and never resent,
// and the kill switch surviving a restart (RELIABILITY.md §1; T5, T11, T14 in small).

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const ACCOUNT = 'DU1234567'
const AAPL = 265598

async function setup(
  opts: { dataDir?: string; gateway?: (g: GatewayConnection) => GatewayConnection; maxOrderNotional?: number } = {},
) {
  const { sim, clock, broker, close } = await startSimBroker(11)
  cleanups.push(close)
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ibkr-ws-trading-'))
  const store = await openStore({
    file: join(dataDir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dataDir, 'b'),
  })
  cleanups.push(() => store.close())
  const bus = createEventBus({ validate: true })
  const timers = manualTimers()
  const portfolio = fillsLedger()
  const gateway = opts.gateway ? opts.gateway(broker.connection) : broker.connection
  const trading = createTrading({
    db: store.db,
    lineageDb: store.lineageDb,
    bus,
    now: clock.now,
    timers,
    broker: () => broker,
    gateway: () => gateway,
    portfolio,
    caps: () => ({
      ...DEFAULT_RISK_CAPS,
      maxOrderNotional: opts.maxOrderNotional ?? DEFAULT_RISK_CAPS.maxOrderNotional,
    }),
    limits: () => ({
      ...DEFAULT_RISK_LIMITS,
      ...(opts.maxOrderNotional
        ? { maxOrderNotional: opts.maxOrderNotional, maxSymbolNotional: opts.maxOrderNotional * 2 }
        : {}),
    }),
    symbolOf: () => 'AAPL',
  })
  cleanups.push(() => trading.stop())
  await until(() => trading.reconciler.reconciled(), 'the first reconciliation')
  const posts = () =>
    sim.control.journal().filter((j) => j.method === 'POST' && j.template === '/iserver/account/{accountId}/orders')
  const cOIDsPosted = () =>
    posts().flatMap((p) => ((p.body as { orders: { cOID: string }[] }).orders ?? []).map((o) => o.cOID))
  return { sim, broker, store, trading, portfolio, timers, posts, cOIDsPosted, dataDir, clock, bus }
}

let seq = 0
/** A single limit buy near the market: no prompt, so the broker commits it at once. */
async function single(t: Awaited<ReturnType<typeof setup>>): Promise<OrderIntent> {
  const b = await bracket(t)
  return {
    ...b,
    tickets: [
      {
        ...b.tickets[0]!,
        leg: 'single',
        clientOrderId: b.tickets[0]!.clientOrderId.replace(/-P$/, '-X'),
        price: Math.round((b.tickets[0]!.price - 1) * 100) / 100,
      },
    ],
  }
}

async function bracket(
  t: Awaited<ReturnType<typeof setup>>,
  opts: { entryOffset?: number; qty?: number } = {},
): Promise<OrderIntent> {
  const [q] = await t.broker.snapshot([AAPL], ['31'])
  const last = q!.values['31']!
  const entry = Math.round((last + (opts.entryOffset ?? 0.05)) * 100) / 100
  const day = ++seq
  const id = (leg: OrderIntentTicket['leg']) => clientOrderId('sTEST', '2026-11-25', day, leg)
  const qty = opts.qty ?? 10
  return {
    runId: null,
    signalId: null,
    origin: 'manual',
    mode: 'paper',
    account: ACCOUNT,
    marketHours: 'any',
    allowShort: false,
    tickets: [
      {
        clientOrderId: id('parent'),
        leg: 'parent',
        parentClientOrderId: null,
        conid: AAPL,
        side: 'BUY',
        orderType: 'LMT',
        tif: 'DAY',
        qty,
        price: entry,
        outsideRth: false,
      },
      {
        clientOrderId: id('stop'),
        leg: 'stop',
        parentClientOrderId: id('parent'),
        conid: AAPL,
        side: 'SELL',
        orderType: 'STP',
        tif: 'GTC',
        qty,
        price: Math.round(entry * 0.97 * 100) / 100,
        outsideRth: false,
      },
      {
        clientOrderId: id('target'),
        leg: 'target',
        parentClientOrderId: id('parent'),
        conid: AAPL,
        side: 'SELL',
        orderType: 'LMT',
        tif: 'GTC',
        qty,
        price: Math.round(entry * 1.05 * 100) / 100,
        outsideRth: false,
      },
    ],
  }
}

describe('trading core on the simulator', () => {
  it(
    'a bracket: intent first, allow-listed prompts answered, three legs working, the entry ' +
      'fills; one POST per client order id',
    async () => {
      const t = await setup()
      const intent = await bracket(t)
      const r = await t.trading.orders.submit(intent)
      expect(r.gate.allowed).toBe(true)
      expect(r.orders.map((o) => [o.leg, o.status])).toEqual([
        ['parent', 'SUBMITTED'],
        ['stop', 'SUBMITTED'],
        ['target', 'SUBMITTED'],
      ])
      expect(r.orders.every((o) => o.brokerOrderId)).toBe(true)
      expect(t.cOIDsPosted()).toEqual(intent.tickets.map((x) => x.clientOrderId))
      // A bracket is one submission for the order-rate caps, not three.
      expect(recentSubmits(t.store.db, ACCOUNT, 0)).toHaveLength(1)
      // The entry is marketable: the simulator fills it as time passes; polling reads it back.
      t.sim.control.advance(60_000)
      await t.trading.orders.refresh()
      const parent = getOrder(t.store.db, r.orders[0]!.id)!
      expect(parent.status).toBe('FILLED')
      expect(parent.filledQty).toBe(10)
      // Submitting the same intent again is refused before any request.
      await expect(t.trading.orders.submit(intent)).rejects.toMatchObject({ code: 'CONFLICT' })
      expect(t.posts()).toHaveLength(1)
    },
  )

  it(
    'accepted but the response is lost: UNKNOWN, never resent, ' + 'settled from the broker by client order id',
    async () => {
      const t = await setup()
      t.sim.control.fault({ method: 'POST', path: '/iserver/account/{accountId}/orders', drop: 'afterCommit' })
      const intent = await single(t)
      const r = await t.trading.orders.submit(intent)
      expect(t.posts().map((p) => p.status)).toEqual(['dropped'])
      // UNKNOWN, unless the order stream already reported it by its client order id.
      expect(['UNKNOWN', 'SUBMITTED']).toContain(r.orders[0]!.status)
      await t.trading.reconciler.reconcile()
      const after = r.orders.map((o) => getOrder(t.store.db, o.id)!)
      expect(after.map((o) => o.status)).toEqual(['SUBMITTED'])
      expect(after.every((o) => o.brokerOrderId)).toBe(true)
      expect(t.posts()).toHaveLength(1)
    },
  )

  it('lost before the broker saw it: UNKNOWN, then NOT_PLACED after three reads without it; never resent', async () => {
    const t = await setup()
    t.sim.control.fault({ method: 'POST', path: '/iserver/account/{accountId}/orders', drop: 'beforeResponse' })
    const r = await t.trading.orders.submit(await bracket(t))
    expect(r.orders.every((o) => o.status === 'UNKNOWN')).toBe(true)
    for (let i = 0; i < 2; i++) await t.trading.reconciler.reconcile()
    expect(getOrder(t.store.db, r.orders[0]!.id)!.status).toBe('UNKNOWN')
    await t.trading.reconciler.reconcile()
    expect(r.orders.map((o) => getOrder(t.store.db, o.id)!.status)).toEqual(['NOT_PLACED', 'NOT_PLACED', 'NOT_PLACED'])
    expect(t.posts()).toHaveLength(1)
  })

  it('a prompt outside the allow-list waits for a person: "no" places nothing, "yes" places it', async () => {
    const t = await setup({ maxOrderNotional: 1_000_000 })
    // An order above $100,000 makes the simulator ask (o451: total value limit), which is not on the allow-list.
    const first = t.trading.orders.submit(await bracket(t, { qty: 450 }))
    await until(() => t.trading.orders.pendingReplies().length === 1, 'the question')
    const q = t.trading.orders.pendingReplies()[0]!
    expect(q.messageIds).toEqual(['o451'])
    expect(listOrders(t.store.db, { status: ['AWAITING_REPLY'], limit: 10 })).toHaveLength(0) // recorded when answered
    t.trading.orders.answerReply(q.orderIds[0]!, false)
    expect((await first).orders.map((o) => o.status)).toEqual(['NOT_PLACED', 'NOT_PLACED', 'NOT_PLACED'])

    t.sim.control.advance(3_000) // the order-rate cap allows one submission per 2 s
    const second = t.trading.orders.submit(await bracket(t, { qty: 450 }))
    await until(() => t.trading.orders.pendingReplies().length === 1, 'the second question')
    t.trading.orders.answerReply(t.trading.orders.pendingReplies()[0]!.orderIds[0]!, true)
    expect((await second).orders.map((o) => o.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED'])
    expect(t.posts()).toHaveLength(2)
  })

  it(
    'the session drops between the risk check and the send (T11): ' + 'nothing is sent, the orders are NOT_PLACED',
    async () => {
      let expired = false
      const t = await setup({
        gateway: (g) => ({ ...g, current: () => (expired ? { ...g.current(), state: 'expired' } : g.current()) }),
      })
      const intent = await bracket(t)
      // The session expires right after the intent is recorded (after the risk gate, before the POST).
      const off = t.bus.listen((ev, data) => {
        if (ev === 'db.changed' && (data as { tables: string[] }).tables.includes('orders')) expired = true
      })
      const r = await t.trading.orders.submit(intent)
      off()
      expect(r.orders.map((o) => [o.status, o.lastError])).toEqual([
        ['NOT_PLACED', 'session expired before sending'],
        ['NOT_PLACED', 'session expired before sending'],
        ['NOT_PLACED', 'session expired before sending'],
      ])
      expect(t.posts()).toHaveLength(0)
    },
  )

  it('the kill switch survives a restart (T14): entries refused, exits allowed, until a person resets it', async () => {
    const t = await setup()
    t.trading.risk.setKillSwitch(ACCOUNT, true, 'test', 'user')
    const refused = await t.trading.orders.submit(await bracket(t))
    expect(refused.gate.allowed).toBe(false)
    expect(refused.gate.reason).toMatch(/^kill_switch/)
    expect(t.posts()).toHaveLength(0)
    t.trading.stop()
    // A new trading core on the same database (the app restarted).
    const again = createTrading({
      db: t.store.db,
      lineageDb: t.store.lineageDb,
      bus: createEventBus(),
      now: t.clock.now,
      timers: manualTimers(),
      broker: () => t.broker,
      gateway: () => t.broker.connection,
      portfolio: t.portfolio,
      caps: () => DEFAULT_RISK_CAPS,
      symbolOf: () => 'AAPL',
    })
    cleanups.push(() => again.stop())
    await until(() => again.reconciler.reconciled(), 'reconciliation after the restart')
    expect(again.risk.flags(ACCOUNT).killSwitch).toBe(true)
    expect((await again.orders.submit(await bracket(t))).gate.reason).toMatch(/^kill_switch/)
    expect(() => again.risk.setKillSwitch(ACCOUNT, false, '', 'user')).toThrow(/Say why/)
    // A reducing order (selling shares held) still goes out while the switch is on.
    t.portfolio.ingest([
      {
        executionId: 'held-1',
        orderId: null,
        cOID: null,
        conid: AAPL,
        symbol: 'AAPL',
        side: 'B',
        size: 10,
        price: 200,
        commission: 1,
        tradeTime: 0,
        account: ACCOUNT,
      },
    ])
    const exit = await single(t)
    const sell = {
      ...exit,
      tickets: [
        { ...exit.tickets[0]!, side: 'SELL' as const, price: Math.round((exit.tickets[0]!.price + 2) * 100) / 100 },
      ],
    }
    expect((await again.orders.submit(sell)).gate.allowed).toBe(true)
    t.sim.control.advance(3_000)
    again.risk.setKillSwitch(ACCOUNT, false, 'checked the positions', 'user')
    expect((await again.orders.submit(await bracket(t))).gate.allowed).toBe(true)
    expect(t.posts()).toHaveLength(2)
  })

  it(
    'a kill switch latched by a process that died before cancelling: the next reconciliation ' +
      'cancels the working entry',
    async () => {
      const t = await setup()
      const placed = await t.trading.orders.submit(await bracket(t, { entryOffset: -5 }))
      expect(placed.orders.map((o) => o.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED'])
      t.trading.stop()
      // The latch committed; the cancels that follow it never ran (RELIABILITY.md T6, during the kill-switch latch).
      setRiskState(t.store.db, ACCOUNT, { killSwitch: true, killReason: 'test', killAt: t.clock.now() }, t.clock.now())
      const again = createTrading({
        db: t.store.db,
        lineageDb: t.store.lineageDb,
        bus: createEventBus(),
        now: t.clock.now,
        timers: manualTimers(),
        broker: () => t.broker,
        gateway: () => t.broker.connection,
        portfolio: t.portfolio,
        caps: () => DEFAULT_RISK_CAPS,
        symbolOf: () => 'AAPL',
      })
      cleanups.push(() => again.stop())
      const parent = placed.orders.find((o) => o.leg === 'parent')!
      await until(
        () =>
          getOrder(t.store.db, parent.id)!.status === 'PENDING_CANCEL' ||
          getOrder(t.store.db, parent.id)!.status === 'CANCELLED',
        'the entry cancelled after the restart',
      )
      expect(t.sim.control.journal().filter((j) => j.method === 'DELETE')).toHaveLength(1)
    },
  )

  it('the daily loss limit latches below 3 % of start-of-day NAV and holds until a person resets it', async () => {
    const t = await setup()
    t.trading.risk.startOfDay(ACCOUNT, 1_000_000)
    expect(t.trading.risk.checkDailyLoss(ACCOUNT, -29_000)).toBe(false)
    expect(t.trading.risk.checkDailyLoss(ACCOUNT, -31_000)).toBe(true)
    // A recovery later in the day does not unlatch it.
    expect(t.trading.risk.checkDailyLoss(ACCOUNT, 5_000)).toBe(true)
    const refused = await t.trading.orders.submit(await bracket(t))
    expect(refused.gate.reason).toMatch(/^daily_loss/)
    expect(() => t.trading.risk.resetDailyLoss(ACCOUNT, '')).toThrow(/Say why/)
    t.trading.risk.resetDailyLoss(ACCOUNT, 'reviewed the losing trades')
    expect((await t.trading.orders.submit(await bracket(t))).gate.allowed).toBe(true)
  })

  it(
    'T11 at size: the session expires after the intent (100 times) or while a prompt is ' +
      'pending (100 times): no order reaches the broker',
    async () => {
      let flip: 'after-intent' | 'after-post' | null = null
      let expired = false
      let postsAtStart = 0
      const t = await setup({
        gateway: (g) => ({
          ...g,
          current: () => {
            // "after-post": expired as soon as the gateway has received this submission's POST.
            if (flip === 'after-post' && t0Posts() > postsAtStart) expired = true
            return expired ? { ...g.current(), state: 'expired' } : g.current()
          },
        }),
      })
      const t0Posts = () => t.posts().length
      const off = t.bus.listen((ev, data) => {
        if (flip === 'after-intent' && ev === 'db.changed' && (data as { tables: string[] }).tables.includes('orders'))
          expired = true
      })
      const coids: string[] = []
      for (const mode of ['after-intent', 'after-post'] as const) {
        for (let i = 0; i < 100; i++) {
          const intent = await bracket(t)
          coids.push(...intent.tickets.map((x) => x.clientOrderId))
          flip = mode
          expired = false
          postsAtStart = t0Posts()
          const r = await t.trading.orders.submit(intent)
          flip = null
          expired = false
          expect([mode, i, r.gate.reason, ...r.orders.map((o) => o.status)]).toEqual([
            mode,
            i,
            null,
            'NOT_PLACED',
            'NOT_PLACED',
            'NOT_PLACED',
          ])
          t.sim.control.advance(3_000) // within the order-rate caps (one submission per 2 s, 20 a minute)
        }
      }
      off()
      // After-intent never POSTs; after-post POSTed once and never confirmed the prompt.
      expect(t.posts()).toHaveLength(100)
      const replies = t.sim.control
        .journal()
        .filter((j) => j.method === 'POST' && j.template.startsWith('/iserver/reply'))
      expect(replies).toHaveLength(0)
      const live = await t.broker.liveOrders({ accountId: ACCOUNT, force: true })
      expect(live.filter((l) => l.cOID && coids.includes(l.cOID))).toEqual([])
    },
    120_000,
  )
})
