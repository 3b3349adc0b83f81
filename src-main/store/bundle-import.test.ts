import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { closeStores, png, seedRun, tempStore, text } from '../../tests/fixtures/bundles-fixture'
import { DEFAULT_IMPORT_CAPS } from './bundle-import'
import { exportBundle, importBundle, listReviewLibraries } from './bundles'

// Issue #9, holes 2 and 4: a review bundle is data, never code. Hostile files are refused by name
// before any of their SQL runs, caps are refused with their numbers, the work runs in a worker
// thread with a timeout and cancel, and the main thread's event loop keeps turning throughout.

afterEach(() => closeStores())
const T0 = Date.UTC(2026, 4, 5, 13, 0)

async function exported() {
  const ts = await tempStore()
  seedRun(ts, { id: 'r1', startedAt: T0, steps: [[png(1, 3000)], [text('answer')]] })
  const res = await exportBundle(
    ts.store,
    ts.dataDir,
    { runIds: ['r1'] },
    join(ts.dataDir, 'exports', 'one.wsbundle'),
    T0,
  )
  return res.file
}

function tamper(file: string, sql: string, name = 'bad.wsbundle'): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'ibkr-ws-hostile-')), name)
  copyFileSync(file, copy)
  const w = new Database(copy)
  w.exec(sql)
  w.close()
  return copy
}

/** The longest gap between event-loop turns while `work` runs (a blocked loop shows as one long gap). */
async function longestStall<T>(work: Promise<T>): Promise<{ result: PromiseSettledResult<T>; stallMs: number }> {
  let last = performance.now()
  let stallMs = 0
  const timer = setInterval(() => {
    const now = performance.now()
    stallMs = Math.max(stallMs, now - last)
    last = now
  }, 5)
  const [result] = await Promise.allSettled([work])
  clearInterval(timer)
  return { result: result!, stallMs: Math.max(stallMs, performance.now() - last) }
}

const UNBOUNDED_VIEW = `DROP TABLE runs; CREATE VIEW runs AS
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
  SELECT 'r' || x AS id, NULL AS strategy_id, 'manual' AS trigger, 'succeeded' AS status, NULL AS scheduled_for,
    NULL AS day_seq, NULL AS replay_of, x AS started_at, NULL AS ended_at, NULL AS lease_until,
    '1' AS app_version, NULL AS summary, NULL AS error FROM c`

describe('bundle import treats the file as data', () => {
  it(
    'refuses a bundle whose runs is a VIEW with an unbounded ' + 'recursive CTE, quickly, without blocking the loop',
    async () => {
      const hostile = tamper(await exported(), UNBOUNDED_VIEW)
      const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))
      const started = performance.now()
      const { result, stallMs } = await longestStall(importBundle(target, hostile, T0))
      expect(result.status).toBe('rejected')
      expect(String((result as PromiseRejectedResult).reason.message)).toBe(
        'bad.wsbundle was refused: it defines a VIEW "runs".',
      )
      expect(performance.now() - started).toBeLessThan(10_000)
      // The SQLite work ran in a worker: the event loop here never stalled on it.
      expect(stallMs).toBeLessThan(250)
      expect(existsSync(join(target, 'review')) ? readdirSync(join(target, 'review')) : []).toEqual([])
    },
  )

  it('names every other foreign object: trigger, unknown table, unknown or generated column', async () => {
    const file = await exported()
    const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))
    const cases: [string, string][] = [
      [
        `CREATE TRIGGER spy AFTER INSERT ON runs BEGIN SELECT 1; END`,
        'bad.wsbundle was refused: it defines a TRIGGER "spy".',
      ],
      [`CREATE TABLE extra (x)`, 'bad.wsbundle was refused: unknown table "extra".'],
      [`ALTER TABLE runs ADD COLUMN payload TEXT`, 'bad.wsbundle was refused: unknown column "runs.payload".'],
      [
        `ALTER TABLE runs ADD COLUMN total AS (length(id)) VIRTUAL`,
        'bad.wsbundle was refused: "runs.total" is a generated or hidden column.',
      ],
      [`CREATE INDEX odd ON runs (length(id))`, ''],
    ]
    for (const [sql, message] of cases) {
      const bad = tamper(file, sql)
      if (message === '') {
        // An index on a known table is harmless (never carried over): the import succeeds.
        expect((await importBundle(target, bad, T0)).meta?.counts.runs).toBe(1)
        continue
      }
      await expect(importBundle(target, bad, T0), sql).rejects.toThrow(message)
    }
    expect(listReviewLibraries(target)).toHaveLength(1)
  })

  it('refuses a bundle over the size, artifact-count or artifact-size caps with the numbers', async () => {
    const file = await exported()
    const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))
    const caps = DEFAULT_IMPORT_CAPS
    await expect(importBundle(target, file, T0, { caps: { ...caps, maxBundleBytes: 1000 } })).rejects.toThrow(
      /^one\.wsbundle was refused: it is \d+ bytes, over the 1000-byte limit for a bundle\.$/,
    )
    await expect(importBundle(target, file, T0, { caps: { ...caps, maxArtifacts: 1 } })).rejects.toThrow(
      'one.wsbundle was refused: it holds 2 artifacts, over the limit of 1.',
    )
    await expect(importBundle(target, file, T0, { caps: { ...caps, maxArtifactBytes: 2000 } })).rejects.toThrow(
      /^one\.wsbundle was refused: an artifact of \d{4} bytes is over the 2000-byte limit per artifact\.$/,
    )
    expect(existsSync(join(target, 'review'))).toBe(false)
  })

  it('stops at its timeout or on cancel, reports progress, and leaves nothing behind', async () => {
    const file = await exported()
    const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))
    await expect(importBundle(target, file, T0, { timeoutMs: 1 })).rejects.toThrow(
      'Import stopped: it took longer than 1 s. Nothing was changed.',
    )
    const abort = new AbortController()
    abort.abort()
    await expect(importBundle(target, file, T0, { signal: abort.signal })).rejects.toThrow(
      'Import cancelled. Nothing was changed.',
    )
    expect(existsSync(join(target, 'review'))).toBe(false)
    const phases = new Set<string>()
    await importBundle(target, file, T0, { onProgress: (phase) => phases.add(phase) })
    expect([...phases]).toEqual(['hashing', 'checking', 'copying', 'verifying'])
  })
})
