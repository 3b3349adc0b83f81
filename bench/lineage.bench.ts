// Lineage store figures on a real SQLite file (WAL; lineage rows through the synchronous=NORMAL
// lineage connection, checkpoints off the write path): one step record per transaction with a
// ~5 KB payload, and the timeline's queries on a generated store of 100,000 runs and 1,200,000 steps.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { StepId } from '../src-main/contract/models'
import { openStore, startCheckpointer } from '../src-main/store/db'
import { createRun, getRun, listRuns, recordStep, stepStats } from '../src-main/store/lineage-repo'
import { realTimers } from '../src-main/timers'
import { stats, writeResult } from './harness'

const STEPS = StepId.options
const DAY = 86_400_000

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-lineage-bench-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../migrations'),
    backupDir: join(dir, 'b'),
  })
  const stopCheckpointer = startCheckpointer(store, realTimers.every)
  const { db, sqlite } = store

  // 1. Record latency: the executor writes each step as it ends.
  const payload = {
    bars: Array.from({ length: 60 }, (_, i) => ({ t: i, o: 190.12, h: 191.2, l: 189.4, c: 190.9, v: 123456 })),
  }
  // Through the lineage connection (synchronous=NORMAL), as the run recorder writes.
  createRun(store.lineageDb, {
    id: 'latency',
    strategyId: null,
    trigger: 'manual',
    startedAt: 0,
    scheduledFor: null,
    replayOf: null,
    appVersion: 'bench',
  })
  const record: number[] = []
  for (let i = 0; i < 2000; i++) {
    const t = performance.now()
    recordStep(store.lineageDb, {
      runId: 'latency',
      step: 'fetch_market_data',
      seq: i,
      attempt: 1,
      status: 'succeeded',
      startedAt: i,
      durationMs: 1,
      input: { conid: 265598 },
      output: payload,
      error: null,
      artifacts: [],
    })
    record.push(performance.now() - t)
  }
  const rec = stats(record.slice(100))

  // 2. A year of history: 100k runs × 12 steps, generated in large transactions.
  const now = Date.UTC(2026, 10, 25)
  const RUNS = 100_000
  const insertRun = sqlite.prepare(
    `INSERT INTO runs (id, strategy_id, trigger, status, started_at, ended_at, app_version) ` +
      `VALUES (?, NULL, 'schedule', ?, ?, ?, 'bench')`,
  )
  const insertStep = sqlite.prepare(
    `INSERT INTO run_steps (run_id, step, seq, attempt, status, input, output, error, ` +
      `artifacts, started_at, duration_ms) VALUES (?, ?, ?, 1, ?, '{}', '{}', NULL, '[]', ?, ?)`,
  )
  const genStart = performance.now()
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let r = from; r < to; r++) {
      const started = now - 365 * DAY + Math.floor((r / RUNS) * 365 * DAY)
      const failed = r % 17 === 0
      insertRun.run(`run-${r}`, failed ? 'failed' : 'succeeded', started, started + 1500)
      STEPS.forEach((s, seq) =>
        insertStep.run(
          `run-${r}`,
          s,
          seq,
          failed && seq === 5 ? 'failed' : 'succeeded',
          started + seq * 100,
          (r * 7 + seq * 13) % 900,
        ),
      )
    }
  })
  for (let r = 0; r < RUNS; r += 10_000) batch(r, r + 10_000)
  const generateS = (performance.now() - genStart) / 1000
  sqlite.pragma('optimize')

  const time = (fn: () => unknown, n: number) => {
    for (let i = 0; i < 3; i++) fn()
    const d: number[] = []
    for (let i = 0; i < n; i++) {
      const t = performance.now()
      fn()
      d.push(performance.now() - t)
    }
    return stats(d)
  }
  const recent = time(() => listRuns(db, { limit: 50 }), 50)
  const filtered = time(() => listRuns(db, { limit: 50, status: 'failed', before: now - 100 * DAY }), 50)
  let k = 0
  const oneRun = time(() => getRun(db, `run-${(k += 7919) % RUNS}`), 50)
  const stats30 = time(() => stepStats(db, now - 30 * DAY, now), 10)

  stopCheckpointer()
  store.close()
  const r = writeResult(
    'lineage',
    'Step record (one transaction each, ~5 KB JSON, WAL + synchronous=FULL, checkpoints on a ' +
      'timer); timeline queries on 100,000 runs / 1,200,000 steps',
    {
      recordP50Ms: rec.p50,
      recordP99Ms: rec.p99,
      generateSeconds: generateS,
      recentPageP50Ms: recent.p50,
      filteredPageP50Ms: filtered.p50,
      oneRunP50Ms: oneRun.p50,
      stepStats30dP50Ms: stats30.p50,
    },
    [
      { metric: 'recordP99Ms', op: '<=', value: 1 },
      { metric: 'recentPageP50Ms', op: '<=', value: 10 },
      { metric: 'oneRunP50Ms', op: '<=', value: 20 },
      { metric: 'stepStats30dP50Ms', op: '<=', value: 100 },
    ],
  )
  console.log(JSON.stringify(r.metrics))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
