import { afterEach, describe, expect, it } from 'vitest'
import { until } from '../../src-main/broker/ibkr/fake-gateway.test-util'
import { getOrder, listOrders, recentSubmits } from '../../src-main/store/orders-repo'
import { ACCOUNT, bracket, cleanups, setup, single } from '../fixtures/trading-sim'

// The trading core against the real SimGateway over HTTPS (virtual clock, injected timers): the
// intent persisted before the POST, exactly one POST per client order id whatever happens, reply
// prompts by allow-list or by a person, unclear outcomes settled by reconciliation and never resent,
// and the kill switch surviving a restart (RELIABILITY.md §1; T5, T11, T14 in small).
// This file: the order flow (T5, T11); trading-kill-switch.test.ts: the kill switch and the daily loss limit.

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

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

  it('an order arriving while the broker view loads waits for it; with no cycle running it is refused', async () => {
    const t = await setup()
    const [first, second] = [await single(t), await single(t)]
    // A reconnect: the reconciled flag drops, and a cycle (live orders twice, paced 1 per 5 s) starts.
    t.trading.reconciler.invalidate()
    const cycle = t.trading.reconciler.reconcile()
    const r = await t.trading.orders.submit(first)
    expect(r.gate.allowed).toBe(true)
    expect(await cycle).not.toBeNull()
    expect(t.posts()).toHaveLength(1)
    // Nothing loading: "reconciled: no" refuses at once, and nothing is sent.
    t.trading.reconciler.invalidate()
    const refused = await t.trading.orders.submit(second)
    expect(refused.gate.reason).toMatch(/^reconciled/)
    expect(t.posts()).toHaveLength(1)
  })

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
