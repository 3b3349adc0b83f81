import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { GatewayStatus } from '../contract/models'
import { StrategyInput, type Strategy } from '../contract/strategies'
import { RpcError } from '../rpc/errors'
import { createEventBus } from '../rpc/event-bus'
import { openStore, type Store } from '../store/db'
import { createRun } from '../store/lineage-repo'
import { getSchedule, listFires, upsertSchedule } from '../store/schedules-repo'
import { insertStrategy } from '../store/strategies-repo'
import type { Timers } from '../timers'
import type { GatewayConnection } from './gateway-status'
import { createScheduler, type Scheduler } from './scheduler'

// RELIABILITY.md T10: an injected wall clock and timers that fire only when the test says so.

const stores: Store[] = []
const schedulers: Scheduler[] = []
afterEach(() => {
  schedulers.splice(0).forEach((s) => s.stop())
  stores.splice(0).forEach((s) => s.close())
})

const utc = (iso: string) => Date.parse(iso)

interface Harness {
  store: Store
  scheduler: Scheduler
  /** Move the wall clock to `t`, firing due timers in order (a timer fires at its time, or late if `lateBy`). */
  advance(t: number, opts?: { lateBy?: number; earlyBy?: number }): void
  /** Jump the wall clock without firing anything (sleep), then deliver the heartbeat. */
  sleepUntil(t: number): void
  heartbeat(): void
  runs: { strategyId: string; scheduledFor: number; at: number }[]
  setState(s: GatewayStatus['state']): void
  busy: Set<string>
  strategy: Strategy
  fires(): { scheduledFor: number; outcome: string; reason: string }[]
  now(): number
}

async function harness(opts: {
  cron: string
  tz?: string
  start: string
  policy?: 'skip' | 'run_latest_if_within_grace'
  marketHours?: 'rth_only' | 'any'
  graceMs?: number
}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-sched-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(store)
  let now = utc(opts.start)
  const config = StrategyInput.parse({
    name: 'T10',
    conid: 265598,
    symbol: 'AAPL',
    indicators: [],
    schedule: {
      cron: opts.cron,
      tz: opts.tz ?? 'America/New_York',
      missedPolicy: opts.policy ?? 'skip',
      graceMs: opts.graceMs ?? 300_000,
    },
    marketHours: opts.marketHours ?? 'any',
  })
  insertStrategy(store.db, { id: 'st1', key: 'sT10', config, at: now })
  const strategy: Strategy = {
    id: 'st1',
    key: 'sT10',
    name: 'T10',
    mode: 'dry-run',
    approval: 'ask',
    active: true,
    revision: 1,
    config,
    nextFires: [],
    createdAt: now,
    updatedAt: now,
  }
  let state: GatewayStatus['state'] = 'authenticated'
  const pending: { fn: () => void; when: number; cancelled: boolean }[] = []
  const beats: (() => void)[] = []
  const timers: Timers = {
    every: (fn) => (beats.push(fn), () => void beats.splice(beats.indexOf(fn), 1)),
    after: () => () => undefined,
  }
  const runs: Harness['runs'] = []
  const busy = new Set<string>()
  let seq = 0
  const scheduler = createScheduler({
    db: store.db,
    bus: createEventBus({ validate: true }),
    now: () => now,
    timers,
    at: (fn, when) => {
      const t = { fn, when, cancelled: false }
      pending.push(t)
      return () => void (t.cancelled = true)
    },
    strategies: () => [strategy],
    gateway: () => ({ current: () => ({ state }) }) as unknown as GatewayConnection,
    startRun: (strategyId, scheduledFor) => {
      if (busy.has(strategyId)) throw new RpcError('CONFLICT', 'busy')
      const id = `run-${++seq}`
      createRun(store.db, {
        id,
        strategyId,
        trigger: 'schedule',
        startedAt: now,
        scheduledFor,
        replayOf: null,
        appVersion: 'test',
      })
      runs.push({ strategyId, scheduledFor, at: now })
      return { runId: id }
    },
  })
  schedulers.push(scheduler)
  scheduler.sync()
  const due = (t: number) => pending.filter((p) => !p.cancelled && p.when <= t).sort((a, b) => a.when - b.when)[0]
  return {
    store,
    scheduler,
    strategy,
    runs,
    busy,
    advance(t, o = {}) {
      const early = o.earlyBy ?? 0
      for (let p = due(t + early); p; p = due(t + early)) {
        p.cancelled = true
        now = early > 0 ? p.when - early : Math.max(now, p.when + (o.lateBy ?? 0))
        p.fn()
        if (early > 0) break
      }
      now = Math.max(now, t)
    },
    sleepUntil(t) {
      now = t
      beats.forEach((b) => b())
    },
    heartbeat: () => beats.forEach((b) => b()),
    setState: (s) => void (state = s),
    fires: () =>
      listFires(store.db, 'st1', 1000)
        .map((f) => ({ scheduledFor: f.scheduledFor, outcome: f.outcome, reason: f.reason }))
        .reverse(),
    now: () => now,
  }
}

describe('scheduler (F7, RELIABILITY.md §3 and T10)', () => {
  it('fires on time, once per fire, and persists the next run', async () => {
    const h = await harness({ cron: '30 10 * * *', start: '2026-11-23T12:00:00Z' })
    expect(getSchedule(h.store.db, 'st1')!.nextRunAt).toBe(utc('2026-11-23T15:30:00Z'))
    h.advance(utc('2026-11-25T16:00:00Z'))
    expect(h.runs.map((r) => new Date(r.scheduledFor).toISOString())).toEqual([
      '2026-11-23T15:30:00.000Z',
      '2026-11-24T15:30:00.000Z',
      '2026-11-25T15:30:00.000Z',
    ])
    expect(h.runs.every((r) => r.at >= r.scheduledFor)).toBe(true)
    expect(h.fires().map((f) => f.outcome)).toEqual(['RAN', 'RAN', 'RAN'])
    expect(getSchedule(h.store.db, 'st1')!.nextRunAt).toBe(utc('2026-11-26T15:30:00Z'))
  })

  it('keeps 10:30 New York across both DST changes (no skipped or doubled day)', async () => {
    const h = await harness({ cron: '30 10 * * *', start: '2026-03-06T12:00:00Z' })
    h.advance(utc('2026-03-10T23:00:00Z'))
    expect(h.runs.map((r) => new Date(r.scheduledFor).toISOString())).toEqual([
      '2026-03-06T15:30:00.000Z',
      '2026-03-07T15:30:00.000Z',
      '2026-03-08T14:30:00.000Z', // EDT from 8 March
      '2026-03-09T14:30:00.000Z',
      '2026-03-10T14:30:00.000Z',
    ])
    const fall = await harness({ cron: '30 10 * * *', start: '2026-10-30T12:00:00Z' })
    fall.advance(utc('2026-11-03T23:00:00Z'))
    expect(fall.runs.map((r) => new Date(r.scheduledFor).toISOString())).toEqual([
      '2026-10-30T14:30:00.000Z',
      '2026-10-31T14:30:00.000Z',
      '2026-11-01T15:30:00.000Z', // EST from 1 November
      '2026-11-02T15:30:00.000Z',
      '2026-11-03T15:30:00.000Z',
    ])
  })

  it('never fires early: a timer that comes before its time waits for the remainder', async () => {
    const h = await harness({ cron: '30 10 * * *', start: '2026-11-23T12:00:00Z' })
    // The 15:30 timer is delivered when the wall clock says 15:29:58.
    h.advance(utc('2026-11-23T15:29:58Z'), { earlyBy: 2_000 })
    expect(h.now()).toBe(utc('2026-11-23T15:29:58Z'))
    expect(h.runs).toHaveLength(0)
    expect(h.fires()).toEqual([])
    h.advance(utc('2026-11-23T15:30:00Z'))
    expect(h.runs.map((r) => r.at - r.scheduledFor)).toEqual([0])
  })

  it('after sleep (skip policy): every fire during the sleep is MISSED, no burst, then normal firing', async () => {
    const h = await harness({ cron: '0 * * * *', start: '2026-11-23T12:00:30Z' })
    h.sleepUntil(utc('2026-11-23T17:20:00Z'))
    // The late node-schedule timer arriving after the wake is refused by the guard as well.
    h.advance(utc('2026-11-23T17:20:00Z'))
    expect(h.runs).toHaveLength(0)
    expect(h.fires().map((f) => [new Date(f.scheduledFor).toISOString().slice(11, 16), f.outcome])).toEqual([
      ['13:00', 'MISSED'],
      ['14:00', 'MISSED'],
      ['15:00', 'MISSED'],
      ['16:00', 'MISSED'],
      ['17:00', 'MISSED'],
    ])
    h.advance(utc('2026-11-23T18:00:00Z'))
    expect(h.runs.map((r) => new Date(r.scheduledFor).toISOString().slice(11, 16))).toEqual(['18:00'])
    // The scan is idempotent: another heartbeat records nothing new.
    h.heartbeat()
    expect(h.fires()).toHaveLength(6)
  })

  it('after sleep (run latest within grace): at most one catch-up run, only inside the grace', async () => {
    const h = await harness({
      cron: '0 * * * *',
      start: '2026-11-23T12:00:30Z',
      policy: 'run_latest_if_within_grace',
      graceMs: 300_000,
    })
    h.sleepUntil(utc('2026-11-23T15:03:00Z'))
    expect(h.runs.map((r) => new Date(r.scheduledFor).toISOString().slice(11, 16))).toEqual(['15:00'])
    expect(h.fires().map((f) => f.outcome)).toEqual(['MISSED', 'MISSED', 'RAN'])
    const late = await harness({
      cron: '0 * * * *',
      start: '2026-11-23T12:00:30Z',
      policy: 'run_latest_if_within_grace',
      graceMs: 300_000,
    })
    late.sleepUntil(utc('2026-11-23T15:06:00Z'))
    expect(late.runs).toHaveLength(0)
    expect(late.fires().map((f) => f.outcome)).toEqual(['MISSED', 'MISSED', 'MISSED'])
  })

  it('a timer delivered after the grace period is MISSED (burst after wake neutralised)', async () => {
    const h = await harness({ cron: '30 10 * * *', start: '2026-11-23T12:00:00Z', graceMs: 60_000 })
    h.advance(utc('2026-11-23T16:00:00Z'), { lateBy: 120_000 })
    expect(h.runs).toHaveLength(0)
    expect(h.fires()).toEqual([
      { scheduledFor: utc('2026-11-23T15:30:00Z'), outcome: 'MISSED', reason: expect.stringContaining('grace') },
    ])
  })

  it('one run per strategy at a time: a fire during a run is SKIPPED_OVERLAP', async () => {
    const h = await harness({ cron: '*/15 * * * *', start: '2026-11-23T12:00:30Z' })
    h.busy.add('st1')
    h.advance(utc('2026-11-23T12:15:00Z'))
    expect(h.fires().map((f) => f.outcome)).toEqual(['SKIPPED_OVERLAP'])
    h.busy.clear()
    h.advance(utc('2026-11-23T12:30:00Z'))
    expect(h.fires().map((f) => f.outcome)).toEqual(['SKIPPED_OVERLAP', 'RAN'])
  })

  it('skips fires while the session is not authenticated, and outside regular hours, holidays included', async () => {
    const h = await harness({ cron: '0 * * * 1-5', start: '2026-11-25T13:30:00Z', marketHours: 'rth_only' })
    h.setState('expired')
    h.advance(utc('2026-11-25T15:00:00Z'))
    expect(h.fires().map((f) => [f.outcome, f.reason])).toEqual([
      ['SKIPPED_SESSION', 'gateway expired'],
      ['SKIPPED_SESSION', 'gateway expired'],
    ])
    h.setState('authenticated')
    // Thanksgiving (26 Nov 2026) is a holiday; the 27th closes at 13:00 New York.
    h.advance(utc('2026-11-27T20:00:00Z'))
    const byTime = Object.fromEntries(
      h.fires().map((f) => [new Date(f.scheduledFor).toISOString().slice(0, 16), `${f.outcome} ${f.reason}`]),
    )
    expect(byTime['2026-11-25T16:00']).toBe('RAN ran on schedule')
    expect(byTime['2026-11-25T21:00']).toBe('SKIPPED_CLOSED market closed (after_close)')
    expect(byTime['2026-11-26T16:00']).toBe('SKIPPED_CLOSED market closed (holiday)')
    expect(byTime['2026-11-27T17:00']).toBe('RAN ran on schedule')
    expect(byTime['2026-11-27T18:00']).toBe('SKIPPED_CLOSED market closed (after_close)')
    expect(byTime['2026-11-25T14:00']).toBe('SKIPPED_SESSION gateway expired')
  })

  it('pause stops firing; resume does not catch up on the paused time', async () => {
    const h = await harness({ cron: '0 * * * *', start: '2026-11-23T12:00:30Z' })
    h.scheduler.setPaused('st1', true)
    h.advance(utc('2026-11-23T15:30:00Z'))
    h.heartbeat()
    expect(h.fires()).toEqual([])
    h.scheduler.setPaused('st1', false)
    h.advance(utc('2026-11-23T16:00:00Z'))
    expect(h.fires().map((f) => [new Date(f.scheduledFor).toISOString().slice(11, 16), f.outcome])).toEqual([
      ['16:00', 'RAN'],
    ])
  })

  it('a restart never runs a fire twice: runs(strategy, scheduled_for) and the fire ledger are unique', async () => {
    const h = await harness({ cron: '30 10 * * *', start: '2026-11-23T12:00:00Z' })
    h.advance(utc('2026-11-23T15:30:00Z'))
    expect(() =>
      createRun(h.store.db, {
        id: 'again',
        strategyId: 'st1',
        trigger: 'schedule',
        startedAt: h.now(),
        scheduledFor: utc('2026-11-23T15:30:00Z'),
        replayOf: null,
        appVersion: 'test',
      }),
    ).toThrow(/UNIQUE/)
    h.scheduler.stop()
    // A second scheduler on the same database (the app restarted a minute later) finds nothing to do.
    const again = createScheduler({
      db: h.store.db,
      bus: createEventBus(),
      now: () => h.now() + 60_000,
      timers: { every: () => () => undefined, after: () => () => undefined },
      at: () => () => undefined,
      strategies: () => [h.strategy],
      gateway: () => ({ current: () => ({ state: 'authenticated' }) }) as unknown as GatewayConnection,
      startRun: () => {
        throw new Error('must not run')
      },
    })
    schedulers.push(again)
    again.sync()
    expect(h.fires()).toHaveLength(1)
  })

  it(
    'a crash between starting a run and recording its fire: the ' + 'catch-up records that run and starts nothing',
    async () => {
      const h = await harness({
        cron: '0 * * * *',
        start: '2026-11-23T12:00:30Z',
        policy: 'run_latest_if_within_grace',
        graceMs: 300_000,
      })
      // The process that died had started the 15:00 run; its fire record and high-water mark were not written.
      createRun(h.store.db, {
        id: 'run-before-crash',
        strategyId: 'st1',
        trigger: 'schedule',
        startedAt: utc('2026-11-23T15:00:01Z'),
        scheduledFor: utc('2026-11-23T15:00:00Z'),
        replayOf: null,
        appVersion: 'test',
      })
      h.sleepUntil(utc('2026-11-23T15:03:00Z'))
      expect(h.runs).toHaveLength(0)
      const fires = listFires(h.store.db, 'st1', 10).reverse()
      expect(fires.map((f) => [new Date(f.scheduledFor).toISOString().slice(11, 16), f.outcome, f.runId])).toEqual([
        ['13:00', 'MISSED', null],
        ['14:00', 'MISSED', null],
        ['15:00', 'RAN', 'run-before-crash'],
      ])
    },
  )

  it('a fire recorded before a crash is not started again when its time is accounted for', async () => {
    const h = await harness({
      cron: '0 * * * *',
      start: '2026-11-23T12:00:30Z',
      policy: 'run_latest_if_within_grace',
      graceMs: 300_000,
    })
    h.setState('unauthenticated')
    h.advance(utc('2026-11-23T13:00:00Z'))
    expect(h.fires().map((f) => f.outcome)).toEqual(['SKIPPED_SESSION'])
    // The high-water mark fell back (the crash came before it was written): the fire is handled already.
    const row = getSchedule(h.store.db, 'st1')!
    upsertSchedule(h.store.db, { ...row, lastSeenAt: utc('2026-11-23T12:59:00Z') })
    h.setState('authenticated')
    h.sleepUntil(utc('2026-11-23T13:02:00Z'))
    expect(h.runs).toHaveLength(0)
    expect(h.fires().map((f) => f.outcome)).toEqual(['SKIPPED_SESSION'])
  })
})
