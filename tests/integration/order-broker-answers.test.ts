import { afterEach, describe, expect, it } from 'vitest'
import { until } from '../../src-main/broker/ibkr/fake-gateway.test-util'
import { eventsOf, getOrder } from '../../src-main/store/orders-repo'
import { tradingCore } from '../fixtures/trading-core'

// Issue #10: what the broker answers, as the order manager records it. A reject is IBKR's `Inactive`
// status with the reason only in an `ntf` notification (IBKR.md §7.7): the order ends REJECTED with
// that reason. A modify's price is checked against the contract's increment before anything is sent.
// On the real SimGateway over HTTPS and WebSocket.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const MODIFY = '/iserver/account/{accountId}/order/'

describe('broker rejects (IBKR.md §7.7)', () => {
  it("an order beyond buying power ends REJECTED with the broker's reason from its ntf notice", async () => {
    const big = 1e9
    const t = await tradingCore(cleanups, {
      limits: { maxOrderNotional: big, maxSymbolNotional: big, maxStrategyNotional: big, maxGrossExposurePct: 100 },
    })
    const alerts: string[] = []
    t.bus.listen((event, data) => {
      const a = data as { title: string; message: string }
      if (event === 'alerts.raised') alerts.push(`${a.title}: ${a.message}`)
    })
    // 25,000 shares near the last price: far past the paper account's buying power (4 × net liquidation).
    const sent = t.trading.orders.submit(await t.intent({ qty: 25_000, single: true }))
    // The size and value prompts (o383, o451) are not on the allow-list: a person says yes to each.
    for (const id of ['o383', 'o451']) {
      await until(() => t.trading.orders.pendingReplies().some((q) => q.messageIds.includes(id)), id)
      t.trading.orders.answerReply(t.trading.orders.pendingReplies()[0]!.orderIds[0]!, true)
    }
    const r = await sent
    const o = getOrder(t.store.db, r.orders[0]!.id)!
    await until(() => getOrder(t.store.db, o.id)!.lastError !== null, 'the reason')
    const after = getOrder(t.store.db, o.id)!
    expect(after.status).toBe('REJECTED')
    expect(after.brokerOrderId).toMatch(/^\d+$/)
    expect(after.lastError).toBe(`Order ${after.brokerOrderId} rejected: insufficient buying power`)
    expect(alerts.some((a) => a.startsWith('Order rejected:') && a.includes('insufficient buying power'))).toBe(true)
    expect(eventsOf(t.store.db, o.id).map((e) => e.toStatus)).toContain('REJECTED')
  })
})

describe('orders.modify checks the price increment (issue #10)', () => {
  it('a price off the increment is refused naming the increment; nothing is sent or changed', async () => {
    const t = await tradingCore(cleanups)
    const r = await t.trading.orders.submit(await t.intent({ single: true, offset: -2 }))
    expect(r.gate.allowed).toBe(true)
    const order = getOrder(t.store.db, r.orders[0]!.id)!
    expect(order.status).toBe('SUBMITTED')
    t.pause()
    const before = { row: getOrder(t.store.db, order.id)!, events: eventsOf(t.store.db, order.id).length }
    const off = Number(order.limitPrice) - 0.005
    await expect(t.trading.orders.modify(order.id, { price: off })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(
        new RegExp(`^Price ${off} is not a multiple of this contract's price increment 0\\.01; use \\d+\\.\\d{2}\\. `),
      ),
    })
    expect(t.journal('POST', MODIFY)).toHaveLength(0)
    expect(getOrder(t.store.db, order.id)).toEqual(before.row)
    expect(eventsOf(t.store.db, order.id)).toHaveLength(before.events)
    // On the increment, the same change goes out.
    const on = Math.round((Number(order.limitPrice) - 0.01) * 100) / 100
    const changed = await t.trading.orders.modify(order.id, { price: on })
    expect(Number(changed.limitPrice)).toBe(on)
    expect(t.journal('POST', MODIFY)).toHaveLength(1)
  })
})
