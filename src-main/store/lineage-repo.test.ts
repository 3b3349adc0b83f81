import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from './db'
import {
  abortInterruptedRuns,
  createRun,
  finishRun,
  getRun,
  listRuns,
  recordStep,
  recordSteps,
  stepStats,
  type StepRecord,
} from './lineage-repo'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-lineage-'))
  const s = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(s)
  return s
}

const step = (runId: string, seq: number, over: Partial<StepRecord> = {}): StepRecord => ({
  runId,
  step: 'check_session',
  seq,
  attempt: 1,
  status: 'succeeded',
  startedAt: 1000 + seq,
  durationMs: 2.5,
  input: { gateway: 'sim' },
  output: { state: 'authenticated' },
  error: null,
  artifacts: [],
  ...over,
})

describe('lineage store (real SQLite file)', () => {
  it('records a run and its steps in order, with inputs, outputs, errors and artifacts', async () => {
    const { db } = await store()
    createRun(db, {
      id: 'r1',
      strategyId: null,
      trigger: 'manual',
      startedAt: 1000,
      scheduledFor: null,
      replayOf: null,
      appVersion: 't',
    })
    recordStep(db, step('r1', 0))
    recordStep(
      db,
      step('r1', 1, {
        step: 'fetch_market_data',
        status: 'failed',
        output: null,
        error: { message: 'stale data', stack: 'Error: stale data\n    at x', partialOutput: { bars: 12 } },
      }),
    )
    recordStep(db, step('r1', 1, { step: 'fetch_market_data', attempt: 2, artifacts: ['a'.repeat(64)] }))
    finishRun(db, 'r1', 'succeeded', 2000, null, { orders: 0 })
    const run = getRun(db, 'r1')!
    expect(run).toMatchObject({ id: 'r1', status: 'succeeded', endedAt: 2000, trigger: 'manual' })
    expect(run.steps.map((s) => [s.step, s.seq, s.attempt, s.status])).toEqual([
      ['check_session', 0, 1, 'succeeded'],
      ['fetch_market_data', 1, 1, 'failed'],
      ['fetch_market_data', 1, 2, 'succeeded'],
    ])
    expect(run.steps[1]!.error).toEqual({
      message: 'stale data',
      stack: 'Error: stale data\n    at x',
      partialOutput: { bars: 12 },
    })
    expect(run.steps[2]!.artifacts).toEqual(['a'.repeat(64)])
    expect(getRun(db, 'nope')).toBeNull()
  })

  it('never overwrites a step attempt, and a finished run stays finished', async () => {
    const { db } = await store()
    createRun(db, {
      id: 'r1',
      strategyId: null,
      trigger: 'manual',
      startedAt: 1,
      scheduledFor: null,
      replayOf: null,
      appVersion: 't',
    })
    recordStep(db, step('r1', 0))
    expect(() => recordStep(db, step('r1', 0))).toThrow(/UNIQUE/)
    finishRun(db, 'r1', 'failed', 5, 'boom', null)
    finishRun(db, 'r1', 'succeeded', 6, null, null)
    expect(getRun(db, 'r1')).toMatchObject({ status: 'failed', error: 'boom' })
  })

  it('stores a missing output, error or summary as NULL and JSON values as their JSON text', async () => {
    const { db, sqlite } = await store()
    createRun(db, {
      id: 'r1',
      strategyId: null,
      trigger: 'eval',
      startedAt: 1,
      scheduledFor: null,
      replayOf: null,
      appVersion: 't',
    })
    recordSteps(db, [step('r1', 0, { output: undefined }), step('r1', 1, { output: [1, 'a'], artifacts: ['x'] })])
    finishRun(db, 'r1', 'succeeded', 2, null, null)
    const rows = sqlite
      .prepare('SELECT seq, input, output, error, artifacts FROM run_steps WHERE run_id = ? ORDER BY seq')
      .all('r1')
    expect(rows).toEqual([
      { seq: 0, input: '{"gateway":"sim"}', output: null, error: null, artifacts: '[]' },
      { seq: 1, input: '{"gateway":"sim"}', output: '[1,"a"]', error: null, artifacts: '["x"]' },
    ])
    expect(sqlite.prepare('SELECT summary, error FROM runs WHERE id = ?').get('r1')).toEqual({
      summary: null,
      error: null,
    })
  })

  it('marks runs a crash left running as aborted at start-up', async () => {
    const { db } = await store()
    for (const id of ['a', 'b'])
      createRun(db, {
        id,
        strategyId: null,
        trigger: 'schedule',
        startedAt: 1,
        scheduledFor: null,
        replayOf: null,
        appVersion: 't',
      })
    finishRun(db, 'b', 'succeeded', 2, null, null)
    expect(abortInterruptedRuns(db, 10)).toEqual(['a'])
    expect(getRun(db, 'a')).toMatchObject({ status: 'aborted', endedAt: 10 })
  })

  it('pages runs newest first with filters, and summarises steps', async () => {
    const { db } = await store()
    for (let i = 0; i < 25; i++) {
      createRun(db, {
        id: `r${i}`,
        strategyId: null,
        trigger: 'manual',
        startedAt: 1000 + i,
        scheduledFor: null,
        replayOf: null,
        appVersion: 't',
      })
      recordStep(
        db,
        step(`r${i}`, 0, { startedAt: 1000 + i, durationMs: i, status: i % 5 === 0 ? 'failed' : 'succeeded' }),
      )
      if (i % 2) finishRun(db, `r${i}`, 'succeeded', 2000, null, null)
    }
    const page1 = listRuns(db, { limit: 10 })
    expect(page1.map((r) => r.id)).toEqual(['r24', 'r23', 'r22', 'r21', 'r20', 'r19', 'r18', 'r17', 'r16', 'r15'])
    const page2 = listRuns(db, { limit: 10, before: page1.at(-1)!.startedAt })
    expect(page2[0]!.id).toBe('r14')
    expect(listRuns(db, { limit: 50, status: 'succeeded' })).toHaveLength(12)
    expect(listRuns(db, { limit: 50, from: 1010, to: 1012 }).map((r) => r.id)).toEqual(['r12', 'r11', 'r10'])
    expect(stepStats(db, 0, 5000)).toEqual([
      { step: 'check_session', total: 25, succeeded: 20, failed: 5, p50Ms: 12, p95Ms: 23 },
    ])
    const asOf = { strategyId: null, trigger: 'eval' as const, scheduledFor: null, replayOf: null, appVersion: 't' }
    createRun(db, { ...asOf, id: 'e1', startedAt: 1100 })
    recordStep(db, step('e1', 0, { startedAt: 1100, durationMs: 999, status: 'failed' }))
    expect(stepStats(db, 0, 5000)[0]).toMatchObject({ total: 25, failed: 5, p95Ms: 23 })
  })
})
