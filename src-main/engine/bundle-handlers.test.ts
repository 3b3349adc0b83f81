import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { closeStores, DAY, png, seedRun, tempStore, text } from '../../tests/fixtures/bundles-fixture'
import { spyHandlers } from '../../tests/fixtures/handlers'
import { bundleMethods } from '../contract/bundles-api'
import type { HostFrame } from '../contract/wire'
import { createDispatcher } from '../rpc/dispatcher'
import { createEventBus } from '../rpc/event-bus'
import type { Timers } from '../timers'
import { getRun } from '../store/lineage-repo'
import { createBundleHandlers, createBundleServices, type BundleServices } from './bundle-handlers'

const services: BundleServices[] = []
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop()
  closeStores()
})

const NOW = Date.UTC(2026, 6, 1, 9, 30, 5)
const noTimers: Timers = { every: () => () => {}, after: () => () => {} }

async function setup() {
  const ts = await tempStore('ibkr-ws-bundle-rpc-')
  const chart = png(42, 1500)
  seedRun(ts, { id: 'r1', startedAt: NOW - 40 * DAY, steps: [[chart], [text('answer')]] })
  seedRun(ts, { id: 'r2', startedAt: NOW - DAY, steps: [[]] })
  const bus = createEventBus({ validate: true })
  const changed: string[][] = []
  bus.listen((ev, d) => ev === 'db.changed' && changed.push((d as { tables: string[] }).tables))
  const progress: { job: string; op: string; phase: string }[] = []
  bus.listen((ev, d) => ev === 'bundles.progress' && progress.push(d as (typeof progress)[number]))
  const svc = createBundleServices({
    store: ts.store,
    dataDir: ts.dataDir,
    now: () => NOW,
    timers: noTimers,
    appVersion: '1.2.3',
    bus,
  })
  services.push(svc)
  const { handlers } = spyHandlers(createBundleHandlers(svc.deps))
  const d = createDispatcher(handlers, { validateOutputs: true })
  let id = 0
  const call = async (m: string, p: unknown): Promise<HostFrame> => d.dispatch(++id, m, p)
  const ok = async <T = unknown>(m: string, p: unknown): Promise<T> => {
    const f = await call(m, p)
    if (f.t !== 'ok') throw new Error(`${m}: ${JSON.stringify(f)}`)
    return f.r as T
  }
  return { ts, chart, call, ok, changed, progress }
}

describe('bundle and retention RPC (dispatcher, real handlers, real files)', () => {
  it('exports to DATA_DIR/exports by default, imports, serves the review library and removes it', async () => {
    const { ts, chart, ok, call, progress } = await setup()
    const exp = await ok<{ file: string; runs: number }>('lineage.export', { selection: { runIds: ['r1'] } })
    expect(exp).toMatchObject({
      file: join(ts.dataDir, 'exports', 'run-r1.wsbundle'),
      runs: 1,
      steps: 2,
      artifacts: 2,
      missingArtifacts: [],
    })
    const ranged = await ok<{ file: string }>('lineage.export', { selection: { from: 0, to: NOW } })
    expect(ranged.file).toBe(join(ts.dataDir, 'exports', 'runs-20260701-093005.wsbundle'))
    // Issue #9 hole 5: never overwrite (a fresh name), and no path outside exports/.
    const again = await ok<{ file: string }>('lineage.export', { selection: { runIds: ['r1'] } })
    expect(again.file).toBe(join(ts.dataDir, 'exports', 'run-r1-2.wsbundle'))
    expect(statSync(join(ts.dataDir, 'exports')).mode & 0o777).toBe(0o700)
    expect(statSync(again.file).mode & 0o777).toBe(0o600)
    const inside = join(ts.dataDir, 'exports', 'mine.wsbundle')
    expect((await ok<{ file: string }>('lineage.export', { selection: { runIds: ['r2'] }, file: inside })).file).toBe(
      inside,
    )
    const outside = join(mkdtempSync(join(tmpdir(), 'ibkr-ws-out-')), 'mine.wsbundle')
    const refused = await call('lineage.export', { selection: { runIds: ['r2'] }, file: outside })
    expect(refused).toMatchObject({
      t: 'err',
      e: {
        code: 'FORBIDDEN',
        message:
          `Bundles are exported to the data folder's exports/ folder: ` +
          `give a name (like "mine") instead of a path.`,
      },
    })
    expect(readdirSync(dirname(outside))).toEqual([])

    const lib = await ok<{ id: string; meta: { appVersion: string } }>('lineage.import', {
      file: exp.file,
      job: 'imp-1',
    })
    expect(lib.meta.appVersion).toBe('1.2.3')
    expect(new Set(progress.filter((p) => p.job === 'imp-1').map((p) => `${p.op}:${p.phase}`))).toEqual(
      new Set(['import:hashing', 'import:checking', 'import:copying', 'import:verifying']),
    )
    expect(await ok('bundles.cancel', { job: 'imp-1' })).toEqual({ cancelled: false })
    expect(await ok('review.list', {})).toEqual([lib])
    expect(await ok('review.listRuns', { id: lib.id })).toEqual([expect.objectContaining({ id: 'r1' })])
    expect(await ok('review.getRun', { id: lib.id, runId: 'r1' })).toEqual(getRun(ts.store.db, 'r1'))
    expect(await ok('review.stepStats', { id: lib.id, from: 0, to: NOW })).toHaveLength(2)
    const sha = getRun(ts.store.db, 'r1')!.steps[0]!.artifacts[0]!
    expect(await ok('review.getArtifact', { id: lib.id, sha256: sha })).toEqual({
      sha256: sha,
      mime: 'image/png',
      bytes: chart.length,
      url: `/artifacts/${sha}?review=${lib.id}`,
    })
    expect(await ok('review.remove', { id: lib.id })).toEqual([])
  })

  it('answers bad paths, unknown runs, broken bundles and missing libraries with clear errors', async () => {
    const { ts, call } = await setup()
    const err = async (m: string, p: unknown) => {
      const f = await call(m, p)
      if (f.t !== 'err') throw new Error(`${m} did not fail`)
      return f.e
    }
    expect(await err('lineage.export', { selection: { runIds: ['r1'] }, file: 'relative/x.wsbundle' })).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('absolute path'),
    })
    expect(await err('lineage.export', { selection: { runIds: ['r1'] }, file: '/tmp/x.sqlite' })).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('ends in .wsbundle'),
    })
    expect(await err('lineage.export', { selection: { runIds: ['r1'] }, file: '/tmp/../x.wsbundle' })).toMatchObject({
      code: 'BAD_INPUT',
    })
    expect(await err('lineage.export', { selection: { runIds: ['r1'] }, name: '../up' })).toMatchObject({
      code: 'BAD_INPUT',
    })
    expect(await err('lineage.export', { selection: { from: 5, to: 1 } })).toMatchObject({ code: 'BAD_INPUT' })
    expect(await err('lineage.export', { selection: { runIds: ['nope'] } })).toEqual({
      code: 'NOT_FOUND',
      message: 'No run nope: nothing was exported.',
    })
    expect(await err('lineage.export', { selection: { from: 0, to: 1 } })).toEqual({
      code: 'NOT_FOUND',
      message: 'No runs match this selection: nothing was exported.',
    })
    const junk = join(ts.dataDir, 'junk.wsbundle')
    writeFileSync(junk, Buffer.alloc(4096, 1))
    expect(await err('lineage.import', { file: junk })).toEqual({
      code: 'BAD_INPUT',
      message: 'junk.wsbundle is not a Workstation bundle (not an SQLite database).',
    })
    expect(readdirSync(ts.dataDir)).not.toContain('review')
    expect(await err('review.getRun', { id: 'a'.repeat(24), runId: 'r1' })).toEqual({
      code: 'NOT_FOUND',
      message: `No review library ${'a'.repeat(24)}.`,
    })
    expect(await err('review.remove', { id: 'a'.repeat(24) })).toMatchObject({ code: 'NOT_FOUND' })
    expect(await err('review.getRun', { id: 'x', runId: 'r1' })).toMatchObject({ code: 'BAD_INPUT' })
  })

  it('keeps retention off until a policy is saved, then runs it and remembers the last run', async () => {
    const { ts, ok, call, changed } = await setup()
    expect(await ok('retention.get', {})).toEqual({
      policy: null,
      defaults: { keepRunsDays: 365, keepArtifactsDays: 7 },
      lastRun: null,
    })
    expect(await call('retention.run', {})).toMatchObject({ t: 'err', e: { code: 'CONFLICT' } })
    expect(await call('retention.set', { policy: { keepRunsDays: 1, keepArtifactsDays: 7 } })).toMatchObject({
      t: 'err',
      e: { code: 'BAD_INPUT', message: expect.stringContaining('at least 7 days') },
    })

    const policy = { keepRunsDays: 30, keepArtifactsDays: 7 }
    expect(await ok('retention.set', { policy })).toMatchObject({ policy, lastRun: null })
    const result = await ok('retention.run', {})
    expect(result).toMatchObject({ runsDeleted: 1, stepsDeleted: 2, artifactsDeleted: 2, runsKept: 0 })
    expect(getRun(ts.store.db, 'r1')).toBeNull()
    expect(await ok('retention.get', {})).toMatchObject({ policy, lastRun: { at: NOW, result } })
    expect(changed.at(-1)).toEqual(expect.arrayContaining(['runs', 'artifacts', 'settings']))
    expect(await ok('retention.set', { policy: null })).toMatchObject({ policy: null })
  })

  it('declares a strict input for every bundle method', () => {
    for (const [m, def] of Object.entries(bundleMethods))
      expect(def.input.safeParse({ surprise: 1 }).success, m).toBe(false)
  })
})
