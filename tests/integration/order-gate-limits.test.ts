import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { auditLog, runs, strategies, trades } from '../../src-main/store/schema'
import { AAPL, ACCOUNT, tradingCore } from '../fixtures/trading-core'

// Issue #9, the order path (continued from order-gate.test.ts): the limits a trader sets, and live
// arming with the paper-strategy-on-live-account guard. Each refusal names the rule and the numbers
// and sends nothing. On the real SimGateway over HTTPS.

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

type Core = Awaited<ReturnType<typeof tradingCore>>
type H = Core['trading']['handlers']

/** The handlers as the RPC layer calls them: a synchronous throw becomes a rejected promise. */
function asyncHandlers(t: Core) {
  return new Proxy(t.trading.handlers, {
    get: (target, k) => async (input: unknown) => (target[k as keyof H] as (i: unknown) => unknown)(input),
  }) as { [K in keyof H]: (i: Parameters<H[K]>[0]) => Promise<Awaited<ReturnType<H[K]>>> }
}

describe('limits a trader sets (issue #9 item 2)', () => {
  it(
    'tightening applies at once; loosening needs the typed phrase checked ' +
      'in main; both audited with before and after',
    async () => {
      const t = await tradingCore(cleanups)
      const h = asyncHandlers(t)
      const limits = (await h['risk.getLimits']({})).limits
      await h['risk.setLimits']({ limits: { ...limits, maxOrderNotional: 1_000 } })
      const refused = await t.trading.orders.submit(await t.intent({ qty: 10 }))
      expect(refused.gate.reason).toMatch(/^order_notional: Notional of one order \(\d+\.\d\d, needs ≤ 1000\.00\)$/)
      await expect(h['risk.setLimits']({ limits: { ...limits, maxOrderNotional: 60_000 } })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message:
          'This loosens maxOrderNotional 1000 → 60000. Type exactly "LOOSEN ' +
          'maxOrderNotional" to confirm; nothing was changed.',
      })
      expect((await h['risk.getLimits']({})).limits.maxOrderNotional).toBe(1_000)
      await h['risk.setLimits']({
        limits: { ...limits, maxOrderNotional: 60_000 },
        confirmation: 'LOOSEN maxOrderNotional',
      })
      expect((await t.trading.orders.submit(await t.intent({ qty: 10 }))).gate.allowed).toBe(true)
      const audit = t.store.db
        .select()
        .from(auditLog)
        .all()
        .filter((a) => a.action.startsWith('risk.limits'))
      expect(audit.map((a) => [a.action, a.details])).toEqual([
        [
          'risk.limits.tighten',
          { before: { maxOrderNotional: 50_000 }, after: { maxOrderNotional: 1_000 }, loosened: [] },
        ],
        [
          'risk.limits.loosen',
          { before: { maxOrderNotional: 1_000 }, after: { maxOrderNotional: 60_000 }, loosened: ['maxOrderNotional'] },
        ],
      ])
    },
  )

  it(
    'a strategy override only tightens: its orders are judged on the ' + 'stricter limit, manual ones are not',
    async () => {
      const t = await tradingCore(cleanups, {
        strategyRisk: (id) => (id === 'st1' ? { allowShort: false, limits: { maxOrderNotional: 500 } } : null),
      })
      const now = t.clock.now()
      t.store.db
        .insert(strategies)
        .values({
          id: 'st1',
          key: 'sst1',
          name: 'S',
          mode: 'paper',
          approval: 'auto',
          active: true,
          config: {},
          revision: 1,
          createdAt: now,
          updatedAt: now,
        })
        .run()
      t.store.db
        .insert(runs)
        .values({
          id: 'run-s',
          strategyId: 'st1',
          trigger: 'manual',
          status: 'running',
          startedAt: now,
          appVersion: 't',
        })
        .run()
      const i = await t.intent({ qty: 10 })
      const r = await t.trading.orders.submit({ ...i, runId: 'run-s', origin: 'strategy' })
      expect(r.gate.reason).toMatch(/^order_notional: .*needs ≤ 500\.00\)$/)
      expect((await t.trading.orders.submit(await t.intent({ qty: 10 }))).gate.allowed).toBe(true)
      expect(t.store.db.select().from(runs).where(eq(runs.id, 'run-s')).get()!.strategyId).toBe('st1')
    },
  )

  it('a losing streak alerts, and pauses new entries of that strategy when the trader asked for it', async () => {
    let pause = false
    const t = await tradingCore(cleanups, {
      strategyRisk: () => ({ allowShort: false, limits: null }),
      limitsFn: () => ({ pauseOnLosingStreak: pause }),
    })
    const now = t.clock.now()
    t.store.db
      .insert(strategies)
      .values({
        id: 'st2',
        key: 'sst2',
        name: 'S2',
        mode: 'paper',
        approval: 'auto',
        active: true,
        config: {},
        revision: 1,
        createdAt: now,
        updatedAt: now,
      })
      .run()
    t.store.db
      .insert(runs)
      .values({ id: 'run-2', strategyId: 'st2', trigger: 'manual', status: 'running', startedAt: now, appVersion: 't' })
      .run()
    for (let i = 0; i < 3; i++)
      t.store.db
        .insert(trades)
        .values({
          id: `tr${i}`,
          account: ACCOUNT,
          strategyId: 'st2',
          conid: AAPL,
          direction: 'long',
          qty: 1,
          entryPrice: '100',
          exitPrice: '99',
          realizedPnl: '-1',
          fees: '0',
          openedAt: now - 10_000 + i,
          closedAt: now - 5_000 + i,
        })
        .run()
    const alerts: string[] = []
    t.bus.listen((ev, data) => void (ev === 'alerts.raised' && alerts.push((data as { title: string }).title)))
    const strategyIntent = async () => ({
      ...(await t.intent({ qty: 1 })),
      runId: 'run-2',
      origin: 'strategy' as const,
    })
    expect((await t.trading.orders.submit(await strategyIntent())).gate.allowed).toBe(true)
    expect(alerts).toContain('Losing streak')
    pause = true
    t.pause()
    expect((await t.trading.orders.submit(await strategyIntent())).gate.reason).toBe(
      'losing_streak: New entries pause after a losing streak until you loosen or reset the limit ' +
        '(3 losses in a row, needs < 3)',
    )
    // Manual orders are not a strategy's streak.
    expect((await t.trading.orders.submit(await t.intent({ qty: 1 }))).gate.allowed).toBe(true)
  })

  it(
    'resetting the kill switch or the loss latch needs "RESET ' + '<account>" typed, checked in main and audited',
    async () => {
      const t = await tradingCore(cleanups)
      const h = asyncHandlers(t)
      await h['risk.setKillSwitch']({ on: true, reason: 'news' })
      await expect(h['risk.setKillSwitch']({ on: false, reason: 'checked' })).rejects.toThrow(
        `Type exactly "RESET ${ACCOUNT}" to reset the kill switch; nothing was changed.`,
      )
      expect(t.trading.risk.flags(ACCOUNT).killSwitch).toBe(true)
      await h['risk.setKillSwitch']({ on: false, reason: 'checked', confirmation: `RESET ${ACCOUNT}` })
      expect(t.trading.risk.flags(ACCOUNT).killSwitch).toBe(false)
      t.trading.risk.startOfDay(ACCOUNT, 1_000_000)
      t.trading.risk.checkDailyLoss(ACCOUNT, -40_000)
      await expect(h['risk.resetDailyLoss']({ reason: 'reviewed', confirmation: 'RESET' })).rejects.toThrow(/RESET DU/)
      expect(t.trading.risk.flags(ACCOUNT).dailyLossLatched).toBe(true)
      await h['risk.resetDailyLoss']({ reason: 'reviewed', confirmation: `RESET ${ACCOUNT}` })
      expect(t.trading.risk.flags(ACCOUNT).dailyLossLatched).toBe(false)
      const actions = t.store.db
        .select()
        .from(auditLog)
        .all()
        .map((a) => a.action)
      expect(actions).toEqual(['risk.killSwitch.on', 'risk.killSwitch.off', 'risk.dailyLoss.reset'])
      const off = t.store.db
        .select()
        .from(auditLog)
        .all()
        .find((a) => a.action === 'risk.killSwitch.off')!
      expect(off.details).toMatchObject({
        before: { killSwitch: true, killReason: 'news' },
        after: { killSwitch: false, killReason: null },
      })
    },
  )
})

describe('live arming and the paper-strategy-on-live-account guard', () => {
  const live = (g: Parameters<NonNullable<Parameters<typeof tradingCore>[1]>['gateway'] & object>[0]) => ({
    ...g,
    current: () => ({ ...g.current(), paper: false }),
  })

  it('a host started without --allow-live never arms, and says how to', async () => {
    const t = await tradingCore(cleanups, { gateway: live })
    expect(() => t.trading.handlers['risk.armLive']({ confirmation: `ARM ${ACCOUNT}` })).toThrow(
      /started without --allow-live.*npm run web -- --allow-live/,
    )
    expect(t.trading.risk.liveArmed(ACCOUNT)).toBe(false)
  })

  it('on a live account: a paper intent is refused; a live one only once armed with the typed phrase', async () => {
    const t = await tradingCore(cleanups, { gateway: live, allowLive: true })
    const paper = await t.trading.orders.submit(await t.intent())
    expect(paper.gate.reason).toBe(
      'paper_account: A paper strategy never sends to a live account (live account, needs paper account)',
    )
    const liveIntent = { ...(await t.intent()), mode: 'live' as const }
    expect((await t.trading.orders.submit(liveIntent)).gate.reason).toBe(
      'live_armed: Live orders need live trading armed for this account (not armed, needs armed live account)',
    )
    expect(() => t.trading.handlers['risk.armLive']({ confirmation: 'ARM' })).toThrow(`Type exactly "ARM ${ACCOUNT}"`)
    const v = t.trading.handlers['risk.armLive']({ confirmation: `ARM ${ACCOUNT}` }) as { liveArmed: boolean }
    expect(v.liveArmed).toBe(true)
    expect(
      t.store.db
        .select()
        .from(auditLog)
        .all()
        .filter((a) => a.action === 'risk.armLive')
        .map((a) => a.details),
    ).toEqual([{ account: ACCOUNT, before: { liveArmed: false }, after: { liveArmed: true } }])
    const sent = await t.trading.orders.submit({ ...(await t.intent()), mode: 'live' })
    expect(sent.gate.allowed).toBe(true)
    expect(t.journal('POST', '/iserver/account/{accountId}/orders')).toHaveLength(1)
  })

  it('on a paper account there is nothing to arm', async () => {
    const t = await tradingCore(cleanups, { allowLive: true })
    expect(() => t.trading.handlers['risk.armLive']({ confirmation: `ARM ${ACCOUNT}` })).toThrow(/paper account/)
  })
})
