import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  closeStores,
  count,
  DAY,
  png,
  seedFill,
  seedOrder,
  seedPrompt,
  seedRun,
  seedSignal,
  seedStrategy,
  seedTrade,
  seedUsage,
  tempStore,
  text,
  type TempStore,
} from '../../tests/fixtures/bundles-fixture'
import { readArtifact } from './artifacts'
import { BundleError, exportBundle, openBundle, type ReviewLibrary } from './bundles'
import { getRun, listRuns, stepStats } from './lineage-repo'

const libs: ReviewLibrary[] = []
afterEach(() => {
  for (const l of libs.splice(0)) l.close()
  closeStores()
})
const open = (file: string) => {
  const lib = openBundle(file)
  libs.push(lib)
  return lib
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const T0 = Date.UTC(2026, 2, 2, 14, 30)

/** r1: a full run with signal, usage, prompt, bracket order with a fill and a trade; r2: another strategy's run. */
function seedTwoRuns(ts: TempStore) {
  seedPrompt(ts.store, 'pt1', 'pv1')
  seedStrategy(ts.store, 's1', 'pv1')
  seedStrategy(ts.store, 's2')
  const shared = png(1, 4096)
  const steps = seedRun(ts, {
    id: 'r1',
    startedAt: T0,
    strategyId: 's1',
    steps: [[], [text('raw answer')], [shared, png(2, 2048)], [text('{"bars":3}')]],
  })
  seedRun(ts, { id: 'r2', startedAt: T0 + 2 * DAY, strategyId: 's2', steps: [[shared], [png(3)]] })
  seedSignal(ts.store, { id: 'g1', runId: 'r1', strategyId: 's1', promptVersionId: 'pv1' })
  seedSignal(ts.store, { id: 'g2', runId: 'r2', strategyId: 's2' })
  seedUsage(ts.store, 'r1')
  seedUsage(ts.store, 'r2')
  seedOrder(ts.store, { id: 'o1', runId: 'r1', signalId: 'g1', leg: 'parent' })
  seedOrder(ts.store, { id: 'o2', parentId: 'o1', leg: 'stop' })
  seedOrder(ts.store, { id: 'o3', runId: 'r2', signalId: 'g2' })
  seedFill(ts.store, 'o1', 'e1')
  seedTrade(ts.store, { id: 't1', runId: 'r1', signalId: 'g1' })
  return steps.flat()
}

describe('exportBundle / openBundle (real SQLite files and artifact files)', () => {
  it('exports one run and reads it back offline exactly as the live store does', async () => {
    const ts = await tempStore()
    const shas = seedTwoRuns(ts)
    const dest = join(ts.dataDir, 'exports', 'one.wsbundle')
    const progress: [number, number][] = []
    const before = {
      runs: count(ts.store, 'runs'),
      steps: count(ts.store, 'run_steps'),
      artifacts: count(ts.store, 'artifacts'),
    }

    const res = await exportBundle(ts.store, ts.dataDir, { runIds: ['r1'] }, dest, T0 + 10 * DAY, {
      appVersion: '9.9.9',
      onProgress: (d, t) => progress.push([d, t]),
    })

    expect(res).toMatchObject({ file: dest, runs: 1, steps: 4, artifacts: 4, missingArtifacts: [] })
    expect(res.bytes).toBeGreaterThan(4096 + 2048)
    expect(progress.at(-1)).toEqual([5, 5])
    expect(progress.every(([d], i) => i === 0 || d >= progress[i - 1]![0])).toBe(true)
    expect(readdirSync(join(ts.dataDir, 'exports'))).toEqual(['one.wsbundle'])
    expect({
      runs: count(ts.store, 'runs'),
      steps: count(ts.store, 'run_steps'),
      artifacts: count(ts.store, 'artifacts'),
    }).toEqual(before)

    const fileHash = sha(readFileSync(dest))
    const lib = open(dest)
    expect(lib.meta).toMatchObject({
      format: 'ibkr-ws-bundle',
      formatVersion: 1,
      appVersion: '9.9.9',
      createdAt: T0 + 10 * DAY,
      selection: { runIds: ['r1'] },
      range: { from: T0, to: T0 },
    })
    expect(lib.meta.counts).toEqual({
      runs: 1,
      steps: 4,
      signals: 1,
      strategies: 1,
      promptTemplates: 1,
      promptVersions: 1,
      llmUsage: 1,
      orders: 2,
      orderEvents: 1,
      executions: 1,
      trades: 1,
      artifacts: 4,
      artifactBytes: 4096 + 2048 + 10 + 10,
    })
    expect(lib.getRun('r1')).toEqual(getRun(ts.store.db, 'r1'))
    expect(lib.getRun('r2')).toBeNull()
    expect(lib.listRuns({ limit: 10 })).toEqual(listRuns(ts.store.db, { limit: 10, strategyId: 's1' }))
    expect(lib.stepStats(T0, T0 + DAY)).toEqual(stepStats(ts.store.db, T0, T0 + DAY))
    for (const s of shas) expect(lib.readArtifact(s)).toEqual(readArtifact(ts.store.db, ts.dataDir, s))
    expect(lib.readArtifact('0'.repeat(64))).toBeNull()
    lib.close()
    libs.pop()
    expect(sha(readFileSync(dest))).toBe(fileHash) // opened read-only: not a byte changed

    // One self-contained file: rollback journal, our application id, live indexes copied.
    const raw = new Database(dest, { readonly: true })
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(raw.pragma('application_id', { simple: true })).toBe(0x57534231)
    const indexes = raw
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`)
      .pluck()
      .all()
    expect(indexes).toEqual(expect.arrayContaining(['runs_started', 'run_steps_run_seq_attempt', 'run_steps_stats']))
    expect(raw.prepare('SELECT id FROM orders ORDER BY id').pluck().all()).toEqual(['o1', 'o2'])
    expect(raw.prepare(`SELECT json_extract(config, '$.promptVersionId') FROM strategies`).pluck().all()).toEqual([
      'pv1',
    ])
    raw.close()
    expect(existsSync(`${dest}-journal`) || existsSync(`${dest}-wal`)).toBe(false)
  })

  it(
    'exports a date range, optionally one strategy, and refuses ' + 'empty or unknown selections without writing',
    async () => {
      const ts = await tempStore()
      seedStrategy(ts.store, 'a')
      seedStrategy(ts.store, 'b')
      for (let i = 0; i < 10; i++)
        seedRun(ts, { id: `r${i}`, startedAt: T0 + i * DAY, strategyId: i % 2 ? 'b' : 'a', steps: [[png(i)]] })
      const dest = join(ts.dataDir, 'range.wsbundle')

      const res = await exportBundle(ts.store, ts.dataDir, { from: T0 + 2 * DAY, to: T0 + 6 * DAY }, dest, T0)
      expect(res).toMatchObject({ runs: 5, steps: 5, artifacts: 5 })
      const lib = open(dest)
      expect(lib.listRuns({ limit: 50 }).map((r) => r.id)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2'])
      expect(lib.meta.range).toEqual({ from: T0 + 2 * DAY, to: T0 + 6 * DAY })

      const b = await exportBundle(
        ts.store,
        ts.dataDir,
        { from: T0, to: T0 + 9 * DAY, strategyId: 'b' },
        join(ts.dataDir, 'b.wsbundle'),
        T0,
      )
      expect(b.runs).toBe(5)
      expect(
        open(b.file)
          .listRuns({ limit: 50 })
          .map((r) => r.id),
      ).toEqual(['r9', 'r7', 'r5', 'r3', 'r1'])

      const none = join(ts.dataDir, 'none.wsbundle')
      await expect(exportBundle(ts.store, ts.dataDir, { from: 0, to: 1 }, none, T0)).rejects.toThrow(
        'No runs match this selection',
      )
      await expect(
        exportBundle(ts.store, ts.dataDir, { runIds: ['r1', 'nope', 'gone'] }, none, T0),
      ).rejects.toMatchObject({ kind: 'not_found', message: 'No run nope, gone: nothing was exported.' })
      expect(readdirSync(ts.dataDir).filter((f) => f.startsWith('none'))).toEqual([])
    },
  )

  it('lists a missing or damaged artifact in the result and the meta instead of dropping it', async () => {
    const ts = await tempStore()
    const good = png(10)
    const gone = png(11)
    const tampered = png(12)
    const neverStored = 'a'.repeat(64)
    seedRun(ts, { id: 'r1', startedAt: T0, steps: [[good, gone, tampered]], extraRefs: [neverStored, 'not-a-sha'] })
    rmSync(join(ts.dataDir, 'artifacts', sha(gone).slice(0, 2), `${sha(gone)}.png`))
    writeFileSync(join(ts.dataDir, 'artifacts', sha(tampered).slice(0, 2), `${sha(tampered)}.png`), png(99))

    const res = await exportBundle(ts.store, ts.dataDir, { runIds: ['r1'] }, join(ts.dataDir, 'x.wsbundle'), T0)
    const expected = [
      { sha256: sha(gone), reason: 'no_file' },
      { sha256: sha(tampered), reason: 'corrupt' },
      { sha256: neverStored, reason: 'no_row' },
      { sha256: 'not-a-sha', reason: 'invalid_ref' },
    ]
    const bySha = (a: { sha256: string }, b: { sha256: string }) => a.sha256.localeCompare(b.sha256)
    expect([...res.missingArtifacts].sort(bySha)).toEqual(expected.sort(bySha))
    expect(res.artifacts).toBe(1)
    const lib = open(res.file)
    expect([...lib.meta.missingArtifacts].sort(bySha)).toEqual(expected)
    expect(lib.readArtifact(sha(good))?.content).toEqual(good)
    expect(lib.readArtifact(sha(gone))).toBeNull()
  })

  it('streams a large export in batches with progress, and the counts add up', async () => {
    const ts = await tempStore()
    const N = 1_200
    ts.store.sqlite.transaction(() => {
      for (let i = 0; i < N; i++)
        seedRun(ts, {
          id: `run-${String(i).padStart(5, '0')}`,
          startedAt: T0 + i * 60_000,
          steps: [[], [png(i % 300, 128)]],
        })
    })()
    let pauses = 0
    const progress: number[] = []
    const res = await exportBundle(
      ts.store,
      ts.dataDir,
      { from: T0, to: T0 + N * 60_000 },
      join(ts.dataDir, 'big.wsbundle'),
      T0,
      {
        onProgress: (d) => progress.push(d),
        pause: async () => void pauses++,
      },
    )
    expect(res).toMatchObject({ runs: N, steps: 2 * N, artifacts: 300, missingArtifacts: [] })
    expect(progress.slice(0, 4)).toEqual([0, 500, 1000, 1200])
    expect(progress.at(-1)).toBe(N + 300)
    expect(pauses).toBeGreaterThanOrEqual(5)
    const lib = open(res.file)
    expect(lib.meta.counts.artifactBytes).toBe(300 * 128)
    expect(lib.getRun('run-00777')).toEqual(getRun(ts.store.db, 'run-00777'))
    expect(lib.listRuns({ limit: 500, before: T0 + 100 * 60_000 })).toHaveLength(100)
  })

  it('still opens a bundle written before a lineage column existed (the column reads as null)', async () => {
    const ts = await tempStore()
    seedRun(ts, { id: 'r1', startedAt: T0, steps: [[png(1)]] })
    const res = await exportBundle(ts.store, ts.dataDir, { runIds: ['r1'] }, join(ts.dataDir, 'old.wsbundle'), T0)
    const w = new Database(res.file)
    w.exec('ALTER TABLE runs DROP COLUMN lease_until')
    w.close()
    expect(open(res.file).getRun('r1')).toEqual(getRun(ts.store.db, 'r1'))
  })

  it('refuses to open what is not a bundle, with a clear message', async () => {
    const ts = await tempStore()
    const junk = join(ts.dataDir, 'junk.wsbundle')
    writeFileSync(junk, 'definitely not sqlite '.repeat(300))
    expect(() => openBundle(junk)).toThrow(
      new BundleError('invalid', 'junk.wsbundle is not a Workstation bundle (not an SQLite database).'),
    )
    expect(() => openBundle(ts.store.file)).toThrow('workstation.sqlite is not a Workstation bundle.')
    expect(() => openBundle(join(ts.dataDir, 'missing.wsbundle'))).toThrow(
      'No bundle named missing.wsbundle was found.',
    )
  })
})
