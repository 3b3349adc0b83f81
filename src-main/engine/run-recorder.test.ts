import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEventBus } from '../rpc/event-bus'
import { openStore, type Store } from '../store/db'
import { getRun } from '../store/lineage-repo'
import { startRun, StepFailure } from './run-recorder'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function setup(opts: { holdSteps?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-recorder-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(store)
  const bus = createEventBus({ validate: true })
  const events: [string, unknown][] = []
  bus.listen((ev, d) => events.push([ev, d]))
  let t = 1_000
  let perf = 0
  const rec = startRun(
    { db: store.db, bus, now: () => t++, perfNow: () => (perf += 1.5), appVersion: 'test' },
    { id: 'run-1', strategyId: null, trigger: 'manual', scheduledFor: null, replayOf: null },
    opts,
  )
  return { store, events, rec }
}

describe('run recorder (F8)', () => {
  it('holding steps (an evaluation decision) writes them with the run end and announces them then', async () => {
    const { store, events, rec } = await setup({ holdSteps: true })
    await rec.step('check_session', { gateway: 'sim' }, async () => ({ state: 'authenticated' }))
    rec.skip('render_charts', {}, { reason: 'rules' })
    await expect(
      rec.step('llm_analysis', {}, async () => {
        throw new Error('no answer')
      }),
    ).rejects.toThrow('no answer')
    expect(getRun(store.db, 'run-1')).toMatchObject({ status: 'running', steps: [] })
    expect(events).toEqual([])
    rec.finish('failed', 'no answer', null)
    const run = getRun(store.db, 'run-1')!
    expect(run).toMatchObject({ status: 'failed', error: 'no answer' })
    expect(run.steps.map((s) => [s.step, s.status])).toEqual([
      ['check_session', 'succeeded'],
      ['render_charts', 'skipped'],
      ['llm_analysis', 'failed'],
    ])
    expect(events.map(([e]) => e)).toEqual([
      'lineage.stepRecorded',
      'lineage.stepRecorded',
      'lineage.stepRecorded',
      'lineage.runUpdated',
    ])
    expect(rec.failedWrites()).toBe(0)
  })

  it('records each step when it ends, in canonical order, with artifacts, and announces it', async () => {
    const { store, events, rec } = await setup()
    await rec.step('check_session', { gateway: 'sim' }, async () => ({ state: 'authenticated' }))
    await rec.step('render_charts', { bars: 'sha' }, async (ctx) => {
      ctx.artifact('a'.repeat(64))
      return { daily: 'a'.repeat(64) }
    })
    rec.finish('succeeded', null, { orders: 0 })
    const run = getRun(store.db, 'run-1')!
    expect(run.status).toBe('succeeded')
    expect(run.steps).toEqual([
      expect.objectContaining({
        step: 'check_session',
        seq: 0,
        attempt: 1,
        status: 'succeeded',
        input: { gateway: 'sim' },
        output: { state: 'authenticated' },
        error: null,
        durationMs: 1.5,
      }),
      expect.objectContaining({ step: 'render_charts', seq: 4, attempt: 1, artifacts: ['a'.repeat(64)] }),
    ])
    expect(events.map(([e]) => e)).toEqual([
      'lineage.runUpdated',
      'lineage.stepRecorded',
      'lineage.stepRecorded',
      'lineage.runUpdated',
    ])
  })

  it(
    'records a failure with its stack and partial output, ' + 'rethrows it, and numbers retries as new attempts',
    async () => {
      const { store, rec } = await setup()
      await expect(
        rec.step('fetch_market_data', { conid: 265598 }, async () => {
          throw new StepFailure('only 120 daily bars; 252 needed', { bars: 120 })
        }),
      ).rejects.toThrow('only 120 daily bars')
      await expect(
        rec.step('fetch_market_data', { conid: 265598 }, async (ctx) => {
          ctx.partial({ daily: 300 })
          throw new Error('weekly request timed out')
        }),
      ).rejects.toThrow()
      const steps = getRun(store.db, 'run-1')!.steps
      expect(steps.map((s) => [s.attempt, s.status])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
      ])
      expect(steps[0]!.error).toMatchObject({
        message: 'only 120 daily bars; 252 needed',
        stack: expect.stringContaining('StepFailure'),
        partialOutput: { bars: 120 },
      })
      // Issue #9: what the timeline shows carries no absolute paths (the stack keeps file names and lines).
      expect(steps[0]!.error!.stack).not.toContain(process.cwd())
      expect(steps[0]!.error!.stack).toMatch(/…\/run-recorder\.test\.ts:\d+:\d+/)
      expect(steps[1]!.error).toMatchObject({ message: 'weekly request timed out', partialOutput: { daily: 300 } })
    },
  )

  it('never lets a failed lineage write change what the step did: counted and raised as an alert', async () => {
    const { store, events, rec } = await setup()
    store.sqlite.pragma('query_only = ON')
    const out = await rec.step('compute_indicators', {}, async () => ({ rsi: 55 }))
    expect(out).toEqual({ rsi: 55 })
    expect(rec.failedWrites()).toBe(1)
    expect(events.find(([e]) => e === 'alerts.raised')?.[1]).toMatchObject({
      level: 'error',
      title: 'Lineage write failed',
    })
    store.sqlite.pragma('query_only = OFF')
  })
})
