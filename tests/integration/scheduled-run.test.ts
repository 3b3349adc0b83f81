import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import type { PlaceOrderOutput } from '../../src-main/contract/steps'
import { buySignalReply } from '../fixtures/buy-signal'
import { startFakeOpenAI } from '../fixtures/fake-openai'
import { startTestApp, untilReconciled } from '../fixtures/test-app'

// F7 end to end (part 4's "done when"): a cron fire, delivered by an injected wall-clock timer,
// runs a paper strategy through every step to a bracket on the built-in simulator whose entry
// fills and becomes the strategy's position and trade, linked to the run; the fire is recorded
// once in the fire ledger; the same timer delivered again starts nothing. The app's clock is the
// real one moved forward to the fire time (under a minute), so the simulator's real-time quotes
// and the run agree.

let app: App
let client: RpcClient
let llm: Awaited<ReturnType<typeof startFakeOpenAI>>
let ahead = 0
const now = () => Date.now() + ahead
const timers: { fn: () => void; when: number; cancelled: boolean }[] = []

beforeAll(async () => {
  llm = await startFakeOpenAI()
  ;({ app, client } = await startTestApp({
    overrides: { llmBaseUrl: { value: llm.baseURL, source: 'flag', by: '--llm-base-url' } },
    envApiKey: 'sk-test',
    now,
    at: (fn, when) => {
      const t = { fn, when, cancelled: false }
      timers.push(t)
      return () => void (t.cancelled = true)
    },
  }))
  await untilReconciled(client)
}, 60_000)
afterAll(async () => {
  await app?.stop()
  await llm?.close()
})

/** Deliver the armed timers due at `when`, with the clock at that instant. */
function deliver(when: number): number {
  ahead = Math.max(ahead, when - Date.now())
  const due = timers.filter((t) => !t.cancelled && t.when === when)
  for (const t of due) t.fn()
  return due.length
}

describe('a scheduled run (F7) on the simulator', () => {
  it(
    'a cron fire runs the paper strategy to a filled entry, a position and a trade linked to ' +
      'the run, recorded once; a repeated delivery starts nothing',
    async () => {
      const demo = await client.call('strategies.list', {})
      for (const s of demo) await client.call('schedules.setPaused', { strategyId: s.id, paused: true })
      const spy = demo.find((s) => s.mode === 'paper' && s.approval === 'auto')!
      // Daily at the UTC minute two minutes from now: the fire is at most two minutes ahead of the real clock. UTC,
      // not New York: a New York cron between 01:00 and 03:00 is refused (daylight saving), so the test would fail
      // whenever it ran at those hours; the cron tests cover New York's calendar.
      const [hour, minute] = new Intl.DateTimeFormat('en-US', {
        timeZone: 'UTC',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      })
        .formatToParts(Date.now() + 120_000)
        .filter((p) => p.type === 'hour' || p.type === 'minute')
        .map((p) => Number(p.value))
      const every = await client.call('strategies.create', {
        ...spy.config,
        name: 'SPY daily (test)',
        schedule: { cron: `${minute} ${hour} * * *`, tz: 'UTC', missedPolicy: 'skip', graceMs: 300_000 },
        marketHours: 'any',
      })
      expect(every.mode).toBe('paper')
      if (!every.active) await client.call('strategies.setActive', { id: every.id, active: true })
      const when = every.nextFires[0]!
      expect(when - now()).toBeLessThanOrEqual(120_000)
      const armedFor = (t: number) => timers.filter((x) => !x.cancelled && x.when === t)
      await vi.waitFor(() => expect(armedFor(when)).toHaveLength(1), { timeout: 5_000, interval: 20 })
      const armed = armedFor(when)

      llm.reply(buySignalReply)
      expect(deliver(when)).toBe(1)
      await app.executor.drain()

      const runs = await client.call('runs.list', { strategyId: every.id })
      expect(runs).toHaveLength(1)
      expect(runs[0]).toMatchObject({ trigger: 'schedule', scheduledFor: when, status: 'succeeded' })
      const run = await client.call('lineage.getRun', { runId: runs[0]!.id })
      expect(run.steps.map((s) => s.step).slice(0, 9)).toEqual([
        'check_session',
        'load_strategy',
        'fetch_market_data',
        'compute_indicators',
        'render_charts',
        'llm_analysis',
        'validate_signal',
        'risk_check',
        'place_order',
      ])
      const placed = run.steps.find((s) => s.step === 'place_order')!.output as PlaceOrderOutput
      expect(placed).toMatchObject({ mode: 'paper', dryRun: false, sent: true })
      expect(placed.submitted!.map((o) => o.leg)).toEqual(['parent', 'stop', 'target'])
      const parentId = (await client.call('orders.list', { runId: run.id })).find((o) => o.leg === 'parent')!.id
      await vi.waitFor(
        async () => {
          await app.trading.orders.refresh()
          expect((await client.call('orders.list', { runId: run.id })).find((o) => o.id === parentId)!.status).toBe(
            'FILLED',
          )
        },
        { timeout: 15_000, interval: 250 },
      )

      // The fill becomes the strategy's position and an open trade that links back to the run.
      const parent = (await client.call('orders.list', { runId: run.id })).find((o) => o.id === parentId)!
      await vi.waitFor(
        async () => {
          expect(await client.call('portfolio.trades', { strategyId: every.id, status: 'open' })).toMatchObject([
            { runId: run.id, symbol: 'SPY', direction: 'long', qty: parent.qty },
          ])
          expect(
            (await client.call('portfolio.get', {})).positions.filter((p) => p.strategyId === every.id),
          ).toMatchObject([{ symbol: 'SPY', qty: parent.qty }])
        },
        { timeout: 20_000, interval: 250 },
      )

      const fires = await client.call('schedules.fires', { strategyId: every.id })
      expect(fires).toMatchObject([{ scheduledFor: when, outcome: 'RAN', runId: run.id }])
      // The next day is armed; the fire just handled, delivered again, changes nothing.
      expect(timers.some((t) => !t.cancelled && t.when === every.nextFires[1])).toBe(true)
      armed[0]!.fn()
      await app.executor.drain()
      expect(await client.call('runs.list', { strategyId: every.id })).toHaveLength(1)
      expect(await client.call('schedules.fires', { strategyId: every.id })).toHaveLength(1)
      expect(await client.call('orders.list', { runId: run.id })).toHaveLength(3)
    },
    90_000,
  )
})
