import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  closeStores,
  count,
  DAY,
  png,
  seedOrder,
  seedRun,
  seedSignal,
  seedStrategy,
  seedTrade,
  seedUsage,
  tempStore,
  text,
} from '../../tests/fixtures/bundles-fixture'
import type { RetentionResult } from '../contract/bundles-api'
import type { Timers } from '../timers'
import { putArtifact } from './artifacts'
import { applyRetention, createRetentionJob } from './retention'
import { scheduleFires } from './schema'

afterEach(() => closeStores())

const NOW = Date.UTC(2026, 5, 30, 12, 0)
const POLICY = { keepRunsDays: 30, keepArtifactsDays: 7 }
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const fileOf = (dataDir: string, b: Buffer, ext = '.png') =>
  join(dataDir, 'artifacts', sha(b).slice(0, 2), `${sha(b)}${ext}`)
const ZERO: RetentionResult = {
  runsDeleted: 0,
  stepsDeleted: 0,
  signalsDeleted: 0,
  llmUsageDeleted: 0,
  runsKept: 0,
  artifactsDeleted: 0,
  orphanFilesDeleted: 0,
  bytesFreed: 0,
}

function orphan(dataDir: string, name: string, content: Buffer, ageMs: number): string {
  const file = join(dataDir, 'artifacts', name.slice(0, 2), name)
  mkdirSync(join(dataDir, 'artifacts', name.slice(0, 2)), { recursive: true })
  writeFileSync(file, content)
  utimesSync(file, (NOW - ageMs) / 1000, (NOW - ageMs) / 1000)
  return file
}

describe('applyRetention (real SQLite file and artifact files)', () => {
  it(
    'deletes old unreferenced runs with their rows and artifacts, keeps what the ledger, a ' +
      'replay or a running run needs, and is idempotent',
    async () => {
      const ts = await tempStore('ibkr-ws-retention-')
      const { store, dataDir } = ts
      seedStrategy(store, 's1')
      const [A, S, K, N, B, C, U, Y] = [
        png(1, 1000),
        png(2, 2000),
        png(3, 3000),
        png(4, 400),
        png(5, 500),
        text('old replay text'),
        png(6, 600),
        png(7, 700),
      ]
      seedRun(ts, { id: 'old-plain', startedAt: NOW - 60 * DAY, strategyId: 's1', steps: [[A], [S]] })
      seedSignal(store, { id: 'g-plain', runId: 'old-plain' })
      seedUsage(store, 'old-plain')
      store.db
        .insert(scheduleFires)
        .values({
          strategyId: 's1',
          scheduledFor: NOW - 60 * DAY,
          outcome: 'RAN',
          runId: 'old-plain',
          reason: '',
          recordedAt: NOW - 60 * DAY,
        })
        .run()
      seedRun(ts, { id: 'old-ordered', startedAt: NOW - 60 * DAY, steps: [[K]] })
      seedSignal(store, { id: 'g-ordered', runId: 'old-ordered' })
      seedOrder(store, { id: 'o1', runId: 'old-ordered', signalId: 'g-ordered' })
      seedRun(ts, { id: 'old-traded', startedAt: NOW - 59 * DAY, steps: [[]] })
      seedSignal(store, { id: 'g-traded', runId: 'old-traded' })
      seedTrade(store, { id: 't1', signalId: 'g-traded' })
      seedRun(ts, { id: 'old-running', startedAt: NOW - 58 * DAY, status: 'running', steps: [[]] })
      seedRun(ts, { id: 'old-replayed', startedAt: NOW - 57 * DAY, steps: [[]] })
      seedRun(ts, { id: 'new-replay', startedAt: NOW - DAY, trigger: 'replay', replayOf: 'old-replayed', steps: [[]] })
      seedRun(ts, { id: 'old-orig', startedAt: NOW - 50 * DAY, steps: [[B]] })
      seedRun(ts, {
        id: 'old-replay',
        startedAt: NOW - 45 * DAY,
        trigger: 'replay',
        replayOf: 'old-orig',
        steps: [[C]],
      })
      seedRun(ts, { id: 'new', startedAt: NOW - DAY, steps: [[S, N]] })
      putArtifact(store.db, dataDir, U, 'chart', 'image/png', NOW - 20 * DAY)
      putArtifact(store.db, dataDir, Y, 'chart', 'image/png', NOW - DAY)
      const stale = orphan(dataDir, `${'e'.repeat(64)}.png`, Buffer.alloc(321), 10 * DAY)
      const leftover = orphan(dataDir, `${'f'.repeat(64)}.png.4242.tmp`, Buffer.alloc(45), 10 * DAY)
      const fresh = orphan(dataDir, `${'d'.repeat(64)}.png`, Buffer.alloc(10), DAY)
      writeFileSync(join(dataDir, 'artifacts', 'README.txt'), 'not ours to delete')
      utimesSync(fileOf(dataDir, K), (NOW - 90 * DAY) / 1000, (NOW - 90 * DAY) / 1000)

      let pauses = 0
      const r = await applyRetention(store, dataDir, POLICY, NOW, { batchSize: 2, pause: async () => void pauses++ })

      expect(r).toEqual({
        runsDeleted: 3,
        stepsDeleted: 4,
        signalsDeleted: 1,
        llmUsageDeleted: 1,
        runsKept: 4,
        artifactsDeleted: 4,
        orphanFilesDeleted: 2,
        bytesFreed: 1000 + 500 + 15 + 600 + 321 + 45,
      })
      expect(pauses).toBeGreaterThanOrEqual(2)
      const ids = store.sqlite.prepare('SELECT id FROM runs ORDER BY id').pluck().all()
      expect(ids).toEqual(['new', 'new-replay', 'old-ordered', 'old-replayed', 'old-running', 'old-traded'])
      expect(store.sqlite.prepare('SELECT id FROM signals ORDER BY id').pluck().all()).toEqual([
        'g-ordered',
        'g-traded',
      ])
      expect(count(store, 'llm_usage')).toBe(0)
      expect(store.sqlite.prepare('SELECT run_id FROM schedule_fires').pluck().all()).toEqual([null])
      expect(store.sqlite.pragma('foreign_key_check')).toEqual([])
      for (const gone of [A, B, U]) expect(existsSync(fileOf(dataDir, gone))).toBe(false)
      expect(existsSync(fileOf(dataDir, C, '.txt'))).toBe(false)
      for (const kept of [S, K, N, Y]) expect(existsSync(fileOf(dataDir, kept))).toBe(true)
      expect(store.sqlite.prepare('SELECT sha256 FROM artifacts ORDER BY sha256').pluck().all()).toEqual(
        [S, K, N, Y].map(sha).sort(),
      )
      expect([
        existsSync(stale),
        existsSync(leftover),
        existsSync(fresh),
        existsSync(join(dataDir, 'artifacts', 'README.txt')),
      ]).toEqual([false, false, true, true])

      expect(await applyRetention(store, dataDir, POLICY, NOW, { batchSize: 2 })).toEqual({ ...ZERO, runsKept: 4 })
    },
  )

  it('keeps an old artifact that a step recorded between two batches references', async () => {
    const ts = await tempStore('ibkr-ws-retention-')
    const both = [png(8), png(9)]
    for (const b of both) putArtifact(ts.store.db, ts.dataDir, b, 'chart', 'image/png', NOW - 30 * DAY)
    // Batches of one: after the first artifact goes, a running step picks up both (the engine
    // re-puts the bytes of the one already gone; only the second is still there to keep).
    let once = false
    const r = await applyRetention(ts.store, ts.dataDir, POLICY, NOW, {
      batchSize: 1,
      pause: async () => {
        if (once) return
        once = true
        seedRun(ts, { id: 'late', startedAt: NOW, status: 'running', steps: [] })
        ts.store.sqlite
          .prepare(
            `INSERT INTO run_steps (run_id, step, seq, attempt, status, input, artifacts, started_at, ` +
              `duration_ms) VALUES ('late', 'render_charts', 0, 1, 'succeeded', '{}', ?, ?, 1)`,
          )
          .run(JSON.stringify(both.map(sha)), NOW)
      },
    })
    expect(once).toBe(true)
    expect(r.artifactsDeleted).toBe(1)
    expect(both.map((b) => existsSync(fileOf(ts.dataDir, b))).sort()).toEqual([false, true])
    expect(count(ts.store, 'artifacts')).toBe(1)
  })

  it('counts add up over 2,000 runs of every kind', async () => {
    const ts = await tempStore('ibkr-ws-retention-')
    let seed = 20260630
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    const pool = Array.from({ length: 300 }, (_, i) => png(1000 + i, 64 + i))
    const runs: { id: string; startedAt: number; deletable: boolean; old: boolean; steps: number; refs: Buffer[] }[] =
      []
    ts.store.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        const id = `run-${i}`
        const startedAt = NOW - Math.floor(rnd() * 90 * DAY)
        const running = rnd() < 0.05
        const ordered = rnd() < 0.1
        const traded = rnd() < 0.05
        const steps = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
          const a = rnd() < 0.6 ? [pool[Math.floor(rnd() * pool.length)]!] : []
          return rnd() < 0.3 ? [...a, png(100_000 + i, 50)] : a
        })
        seedRun(ts, { id, startedAt, status: running ? 'running' : 'succeeded', steps })
        if (ordered || traded) seedSignal(ts.store, { id: `g-${i}`, runId: id })
        if (ordered) seedOrder(ts.store, { id: `o-${i}`, runId: id })
        if (traded) seedTrade(ts.store, { id: `t-${i}`, signalId: `g-${i}` })
        const old = startedAt < NOW - 30 * DAY
        runs.push({
          id,
          startedAt,
          old,
          deletable: old && !running && !ordered && !traded,
          steps: steps.length,
          refs: steps.flat(),
        })
      }
    })()
    // The model: an artifact goes when every run referencing it goes and its first write is old.
    const firstAt = new Map<string, number>()
    const kept = new Set<string>()
    for (const r of runs)
      for (const b of r.refs) {
        if (!firstAt.has(sha(b))) firstAt.set(sha(b), r.startedAt)
        if (!r.deletable) kept.add(sha(b))
      }
    const size = new Map(runs.flatMap((r) => r.refs.map((b) => [sha(b), b.length] as const)))
    const goneArtifacts = [...firstAt].filter(([s, at]) => !kept.has(s) && at < NOW - 7 * DAY).map(([s]) => s)
    const deletable = runs.filter((r) => r.deletable)

    let pauses = 0
    const r = await applyRetention(ts.store, ts.dataDir, POLICY, NOW, { pause: async () => void pauses++ })
    expect(r).toEqual({
      runsDeleted: deletable.length,
      stepsDeleted: deletable.reduce((n, x) => n + x.steps, 0),
      signalsDeleted: 0,
      llmUsageDeleted: 0,
      runsKept: runs.filter((x) => x.old && !x.deletable).length,
      artifactsDeleted: goneArtifacts.length,
      orphanFilesDeleted: 0,
      bytesFreed: goneArtifacts.reduce((n, s) => n + size.get(s)!, 0),
    })
    expect(deletable.length).toBeGreaterThan(900)
    expect(goneArtifacts.length).toBeGreaterThan(100)
    expect(r.runsKept).toBeGreaterThan(100)
    expect(pauses).toBeGreaterThanOrEqual(Math.ceil(deletable.length / 500))
    expect(count(ts.store, 'runs')).toBe(2000 - deletable.length)
    expect(count(ts.store, 'artifacts')).toBe(firstAt.size - goneArtifacts.length)
    expect(ts.store.sqlite.pragma('foreign_key_check')).toEqual([])
    expect(await applyRetention(ts.store, ts.dataDir, POLICY, NOW)).toEqual({ ...ZERO, runsKept: r.runsKept })
  })
})

function manualTimers(): Timers & { fire(): void; pending(): number } {
  const fns = new Set<() => void>()
  const add = (fn: () => void) => {
    const f = () => fn()
    fns.add(f)
    return () => void fns.delete(f)
  }
  return { every: add, after: add, fire: () => [...fns].forEach((f) => f()), pending: () => fns.size }
}

describe('createRetentionJob', () => {
  it(
    'runs on its timers only while a policy is set, shares a run ' + 'in progress, reports, and stops cleanly',
    async () => {
      const ts = await tempStore('ibkr-ws-retention-')
      seedRun(ts, { id: 'old', startedAt: NOW - 100 * DAY, steps: [[png(1)]] })
      const timers = manualTimers()
      let policy: typeof POLICY | null = null
      const results: [RetentionResult, number][] = []
      const errors: unknown[] = []
      const job = createRetentionJob({
        store: ts.store,
        dataDir: ts.dataDir,
        policy: () => policy,
        now: () => NOW,
        timers,
        onResult: (r, at) => results.push([r, at]),
        onError: (e) => errors.push(e),
      })
      expect(timers.pending()).toBe(2)

      timers.fire()
      expect(await job.runNow()).toBeNull()
      expect(count(ts.store, 'runs')).toBe(1)

      policy = POLICY
      timers.fire()
      const shared = job.runNow()
      expect(job.runNow()).toBe(shared)
      expect(await shared).toMatchObject({ runsDeleted: 1, stepsDeleted: 1, artifactsDeleted: 1 })
      expect(results).toEqual([
        [{ ...ZERO, runsDeleted: 1, stepsDeleted: 1, artifactsDeleted: 1, bytesFreed: 256 }, NOW],
      ])
      expect(errors).toEqual([])

      await job.stop()
      expect(timers.pending()).toBe(0)
      expect(await job.runNow()).toBeNull()
    },
  )
})
