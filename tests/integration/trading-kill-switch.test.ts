import { afterEach, describe, expect, it } from 'vitest'
import { manualTimers, until } from '../../src-main/broker/ibkr/fake-gateway.test-util'
import { DEFAULT_RISK_CAPS } from '../../src-main/domain/runs/risk'
import { createTrading } from '../../src-main/engine/trading'
import { createEventBus } from '../../src-main/rpc/event-bus'
import { getOrder, setRiskState } from '../../src-main/store/orders-repo'
import { AAPL, ACCOUNT, bracket, cleanups, setup, single } from '../fixtures/trading-sim'

// The trading core's latches against the real SimGateway over HTTPS (continued from trading.test.ts):
// the kill switch surviving a restart and re-cancelling after a crash (T14), and the daily loss limit.

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('trading core on the simulator', () => {
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
})
