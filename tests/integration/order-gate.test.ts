import { afterEach, describe, expect, it } from 'vitest'
import { eventsOf, getOrder } from '../../src-main/store/orders-repo'
import { runs } from '../../src-main/store/schema'
import { AAPL, ACCOUNT, tradingCore } from '../fixtures/trading-core'

// Issue #9, the order path: one risk gate for every path that creates or changes exposure, judged on
// the order as it would stand after the change, with the price collar against a fresh quote; each
// refusal names the rule and the numbers and sends nothing. On the real SimGateway over HTTPS.
// This file: modifies through the gate and the price collar; order-gate-limits.test.ts: the
// trader's limits and live arming.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const MODIFY = '/iserver/account/{accountId}/order/'
type Core = Awaited<ReturnType<typeof tradingCore>>

/** A bracket whose entry filled (the simulator matches it as time passes), then `held` shares in the ledger. */
async function filledBracket(t: Core, qty: number, held: number) {
  const r = await t.trading.orders.submit(await t.intent({ qty }))
  expect(r.gate.allowed).toBe(true)
  t.sim.control.advance(60_000)
  await t.trading.orders.refresh()
  expect(getOrder(t.store.db, r.orders[0]!.id)!.status).toBe('FILLED')
  t.hold(held)
  return r.orders
}

describe('modify passes the one gate, judged after the change (issue #9 hole 1)', () => {
  it(
    'a take-profit raised past the shares held is refused (long-only, then the kill ' +
      'switch); up to the shares held goes out even latched',
    async () => {
      const t = await tradingCore(cleanups)
      // The case at a size the simulator's value limit leaves alone: 1 → 160 with 150 held.
      const [, , target] = await filledBracket(t, 1, 150)
      t.pause()
      await expect(t.trading.orders.modify(target!.id, { qty: 160 })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message:
          'Not changed. long_only: A sell never exceeds the shares held unless shorting is allowed ' +
          '(160 vs 150 held, needs ≤ shares held)',
      })
      // 1 → 499 with 491 held: refused on its notional first, and on long-only, each with its numbers.
      t.hold(341)
      const refused = await t.trading.orders.modify(target!.id, { qty: 499 }).catch((e: unknown) => e)
      expect(refused).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/^Not changed\. order_notional: /),
      })
      expect((refused as { details: unknown[] }).details).toContainEqual({
        rule: 'long_only',
        passed: false,
        value: '499 vs 491 held',
        limit: '≤ shares held',
        message: 'A sell never exceeds the shares held unless shorting is allowed',
      })
      t.hold(-341)
      t.trading.risk.setKillSwitch(ACCOUNT, true, 'test', 'user')
      await expect(t.trading.orders.modify(target!.id, { qty: 160 })).rejects.toThrow(/^Not changed\. kill_switch: /)
      expect(t.journal('POST', MODIFY)).toHaveLength(0)
      expect(getOrder(t.store.db, target!.id)!.qty).toBe(1)
      // Protecting what is held reduces risk: it goes out under the latch, its intent committed first.
      const row = await t.trading.orders.modify(target!.id, { qty: 150 })
      expect(row.qty).toBe(150)
      expect(t.journal('POST', MODIFY)).toHaveLength(1)
      const kinds = eventsOf(t.store.db, target!.id).map((e) => e.kind)
      expect(kinds.slice(-2)).toEqual(['modify_intent', 'modified'])
      expect(kinds.filter((k) => k === 'modify_refused')).toHaveLength(3)
    },
  )

  it(
    'a BUY raised to $60k against the $50k cap is refused with the numbers; under the ' +
      'loss latch only shrinking goes out; cancel always does',
    async () => {
      const t = await tradingCore(cleanups)
      const r = await t.trading.orders.submit(await t.intent({ single: true, offset: -5 }))
      const buy = r.orders[0]!
      expect(buy.status).toBe('SUBMITTED')
      const price = Number(buy.limitPrice)
      const qty = Math.ceil(60_000 / price)
      t.pause()
      await expect(t.trading.orders.modify(buy.id, { qty })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: `Not changed. order_notional: Notional of one order (${(qty * price).toFixed(2)}, needs ≤ 50000.00)`,
      })
      t.trading.risk.startOfDay(ACCOUNT, 1_000_000)
      t.trading.risk.checkDailyLoss(ACCOUNT, -40_000)
      await expect(t.trading.orders.modify(buy.id, { qty: 20 })).rejects.toThrow(/^Not changed\. daily_loss: /)
      await expect(t.trading.orders.modify(buy.id, { price: price + 1 })).rejects.toThrow(/daily_loss/)
      expect(t.journal('POST', MODIFY)).toHaveLength(0)
      expect((await t.trading.orders.modify(buy.id, { qty: 5 })).qty).toBe(5)
      t.pause()
      expect((await t.trading.orders.cancel(buy.id)).status).toBe('PENDING_CANCEL')
      expect(t.journal('DELETE', MODIFY)).toHaveLength(1)
    },
  )

  it('a modify is a message for the order rate: a second one within 2 s is refused with the count', async () => {
    const t = await tradingCore(cleanups)
    const r = await t.trading.orders.submit(await t.intent({ single: true, offset: -5 }))
    t.pause()
    await t.trading.orders.modify(r.orders[0]!.id, { qty: 9 })
    await expect(t.trading.orders.modify(r.orders[0]!.id, { qty: 8 })).rejects.toThrow(
      'Not changed. rate_2s: Order rate (1, needs < 1 per 2 s)',
    )
  })

  it('an unclear modify is settled by reading the order back, never by sending it again', async () => {
    const t = await tradingCore(cleanups)
    const r = await t.trading.orders.submit(await t.intent({ single: true, offset: -5 }))
    const id = r.orders[0]!.id
    t.pause()
    t.sim.control.fault({ method: 'POST', path: '/iserver/account/{accountId}/order/{id}', drop: 'afterCommit' })
    await expect(t.trading.orders.modify(id, { qty: 7 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/read back from the broker: 7 at .*It was not sent again\./),
    })
    expect(t.journal('POST', MODIFY).map((j) => j.status)).toEqual(['dropped'])
    expect(
      eventsOf(t.store.db, id)
        .map((e) => e.kind)
        .slice(-3),
    ).toEqual(['modify_intent', 'modify_unknown', 'modify_read_back'])
    expect(getOrder(t.store.db, id)!.qty).toBe(7)
    // Lost before the broker saw it: the read-back shows the order unchanged.
    t.pause()
    t.sim.control.fault({
      method: 'POST',
      path: '/iserver/account/{accountId}/order/{id}',
      drop: 'beforeResponse',
    })
    await expect(t.trading.orders.modify(id, { qty: 6 })).rejects.toThrow(/read back from the broker: 7 at/)
    expect(getOrder(t.store.db, id)!.qty).toBe(7)
    expect(t.journal('POST', MODIFY)).toHaveLength(2)
  })
})

describe('the price collar on manual orders and approvals (issue #9 hole 5)', () => {
  it('a manual BUY limit at 0.8× last is refused with the numbers; a halted quote is no fresh quote', async () => {
    const t = await tradingCore(cleanups)
    const last = await t.last()
    const price = Math.round(last * 0.8 * 100) / 100
    const place = (p: number) =>
      t.trading.handlers['orders.place']({
        conid: AAPL,
        side: 'BUY',
        qty: 1,
        orderType: 'LMT',
        price: p,
        tif: 'DAY',
        outsideRth: true,
      })
    // The simulated quote keeps moving between the two reads, so the numbers are parsed and checked.
    const refused = await Promise.resolve(place(price)).then(
      () => null,
      (e: { code: string; message: string }) => e,
    )
    expect(refused?.code).toBe('FORBIDDEN')
    const m = /^Not sent\. price_collar: .*\((\S+) is (\d+\.\d\d) % from (\S+), needs ≤ 5\.00 %\)/.exec(
      refused?.message ?? '',
    )
    expect(m, refused?.message).not.toBeNull()
    expect(Number(m![1])).toBe(price)
    expect(Number(m![2])).toBeGreaterThan(19.5)
    expect(Number(m![2])).toBeLessThan(20.5)
    expect(Math.abs(Number(m![3]) / last - 1)).toBeLessThan(0.005)
    t.sim.control.setPrice(AAPL, { halt: true })
    await expect(place(last)).rejects.toThrow(/fresh_quote: .*\(no quote, needs ≤ 60000 ms old\)/)
    expect(t.journal('POST', '/iserver/account/{accountId}/orders')).toHaveLength(0)
  })

  it(
    'an approval re-runs the gate and the collar when it is decided: a ' + 'moved price is refused, expiry drops it',
    async () => {
      const t = await tradingCore(cleanups)
      t.store.db
        .insert(runs)
        .values({
          id: 'run-1',
          strategyId: null,
          trigger: 'manual',
          status: 'succeeded',
          startedAt: 0,
          appVersion: 't',
        })
        .run()
      const intent = await t.intent()
      const summary = {
        symbol: 'AAPL',
        side: 'BUY' as const,
        qty: 10,
        entry: intent.tickets[0]!.price,
        stop: null,
        target: null,
        rewardRisk: null,
        chartSha256: null,
        strategyName: 'S',
        mode: 'paper' as const,
      }
      const a = t.trading.approvals.create({ runId: 'run-1', signalId: null, strategyId: 's', intent, summary })
      const entry = intent.tickets[0]!.price
      t.sim.control.setPrice(AAPL, { jumpTo: Math.round(entry * 1.1 * 100) / 100 })
      t.sim.control.advance(1_000)
      const moved = await t.last()
      await expect(t.trading.approvals.decide(a.id, true, 'user', null)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(
          new RegExp(
            `^Not sent yet: price_collar: .*\\(${entry} is \\d+\\.\\d\\d % from ${moved}, needs ≤ 5\\.00 %\\)`,
          ),
        ),
      })
      expect(t.trading.approvals.list('pending')).toHaveLength(1)
      expect(t.journal('POST', '/iserver/account/{accountId}/orders')).toHaveLength(0)
      // Fifteen minutes without a decision: expired, and a late click changes nothing.
      t.sim.control.advance(15 * 60_000)
      t.timers.fireEvery()
      expect(t.trading.approvals.list('expired').map((x) => x.id)).toEqual([a.id])
      await expect(t.trading.approvals.decide(a.id, true, 'user', null)).rejects.toThrow(/already expired/)
      // Proposed at the market and approved in time: it goes out.
      const fresh = await t.intent()
      const b = t.trading.approvals.create({ runId: 'run-1', signalId: null, strategyId: 's', intent: fresh, summary })
      const r = await t.trading.approvals.decide(b.id, true, 'user', null)
      expect(r.result!.orders.map((o) => o.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED'])
    },
  )
})
