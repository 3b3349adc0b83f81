import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { closeStores, count, png, seedRun, tempStore, text } from '../../tests/fixtures/bundles-fixture'
import {
  exportBundle,
  importBundle,
  listReviewLibraries,
  openBundle,
  removeReviewLibrary,
  reviewLibraryFile,
} from './bundles'
import { getRun } from './lineage-repo'

afterEach(() => closeStores())
const T0 = Date.UTC(2026, 4, 5, 13, 0)
const IMPORTED_AT = Date.UTC(2026, 4, 6, 9, 0)

async function exported() {
  const ts = await tempStore()
  seedRun(ts, { id: 'r1', startedAt: T0, steps: [[png(1, 3000)], [text('answer')]] })
  seedRun(ts, { id: 'r2', startedAt: T0 + 1000, steps: [[png(2, 3000)]] })
  const res = await exportBundle(
    ts.store,
    ts.dataDir,
    { from: T0, to: T0 + 1000 },
    join(ts.dataDir, 'exports', 'two.wsbundle'),
    T0,
  )
  return { ts, file: res.file }
}

/** A copy of the bundle changed through SQL, as a tampering user or a broken disk would. */
function tamper(file: string, sql: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'ibkr-ws-tamper-')), 'bad.wsbundle')
  copyFileSync(file, copy)
  const w = new Database(copy)
  w.exec(sql)
  w.close()
  return copy
}

const reviewFiles = (dataDir: string) =>
  existsSync(join(dataDir, 'review')) ? readdirSync(join(dataDir, 'review')) : []

describe('review library (import, list, remove)', () => {
  it(
    'imports a bundle, lists it, serves its runs, and removes ' + 'it; importing never touches the live database',
    async () => {
      const { ts, file } = await exported()
      const runsBefore = count(ts.store, 'runs')
      const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))

      const info = await importBundle(target, file, IMPORTED_AT)
      expect(info.id).toMatch(/^[0-9a-f]{24}$/)
      const kept = reviewLibraryFile(target, info.id)
      expect(info).toMatchObject({ importedAt: IMPORTED_AT, error: null, bytes: statSync(kept).size })
      expect(info.meta?.counts.runs).toBe(2)
      // What is kept is a fresh copy the app wrote, never the imported file itself.
      expect(readFileSync(kept).equals(readFileSync(file))).toBe(false)
      expect(statSync(kept).mode & 0o777).toBe(0o600)
      expect(listReviewLibraries(target)).toEqual([info])

      // The same bundle again is the same library, not a second copy; the live store was never touched.
      expect((await importBundle(target, file, IMPORTED_AT + 5)).id).toBe(info.id)
      expect(reviewFiles(target)).toEqual([`${info.id}.wsbundle`])
      expect(existsSync(join(target, 'workstation.sqlite'))).toBe(false)
      expect(count(ts.store, 'runs')).toBe(runsBefore)

      const lib = openBundle(reviewLibraryFile(target, info.id))
      expect(lib.getRun('r1')).toEqual(getRun(ts.store.db, 'r1'))
      lib.close()

      removeReviewLibrary(target, info.id)
      expect(listReviewLibraries(target)).toEqual([])
      expect(() => removeReviewLibrary(target, info.id)).toThrow(`No review library ${info.id}.`)
      expect(() => reviewLibraryFile(target, '../../etc/passwd')).toThrow('is not a review library id')
    },
  )

  it('rejects a damaged or foreign bundle with a clear message and writes nothing', async () => {
    const { file } = await exported()
    const bytes = readFileSync(file)
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-bad-'))
    const truncated = join(dir, 'truncated.wsbundle')
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    const junk = join(dir, 'junk.wsbundle')
    writeFileSync(junk, Buffer.alloc(8192, 7))

    const cases: [string, string | RegExp][] = [
      [truncated, /^[^ ]+ is damaged/],
      [junk, /^[^ ]+ is not a Workstation bundle \(not an SQLite database\)\.$/],
      [
        tamper(file, `UPDATE bundle_meta SET value = '3' WHERE key = 'formatVersion'`),
        'bad.wsbundle uses bundle format 3; this app reads formats 1 to 2. It was written by a newer ' +
          'version: update this app to open it.',
      ],
      [tamper(file, `DELETE FROM bundle_meta WHERE key = 'format'`), 'bad.wsbundle is not a Workstation bundle.'],
      [
        tamper(file, `UPDATE bundle_meta SET value = json_set(value, '$.runs', 3) WHERE key = 'counts'`),
        'bad.wsbundle does not match its description (runs: 2, expected 3).',
      ],
      [
        tamper(file, `DELETE FROM run_steps WHERE seq = 1`),
        'bad.wsbundle does not match its description (steps: 2, expected 3).',
      ],
      [
        tamper(
          file,
          `UPDATE artifacts SET content = zeroblob(length(content)) WHERE mime = 'image/png' AND ` +
            `rowid = (SELECT min(rowid) FROM artifacts WHERE mime = 'image/png')`,
        ),
        /^bad\.wsbundle holds a damaged artifact \([0-9a-f]{64}\)\.$/,
      ],
      [tamper(file, `PRAGMA application_id = 0`), 'bad.wsbundle is not a Workstation bundle.'],
      [join(dir, 'missing.wsbundle'), 'No bundle named missing.wsbundle was found.'],
    ]
    const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))
    for (const [bad, message] of cases) {
      await expect(importBundle(target, bad, IMPORTED_AT), bad).rejects.toThrow(message)
      expect(reviewFiles(target)).toEqual([])
    }
    expect(existsSync(join(target, 'review'))).toBe(false)
    expect(listReviewLibraries(target)).toEqual([])
  })

  it('lists a library file that no longer opens with its error, so it can be removed', async () => {
    const target = mkdtempSync(join(tmpdir(), 'ibkr-ws-review-'))
    mkdirSync(join(target, 'review'))
    const id = 'ab'.repeat(12)
    writeFileSync(join(target, 'review', `${id}.wsbundle`), 'garbage')
    writeFileSync(join(target, 'review', 'notes.txt'), 'ignored')
    const [entry, ...rest] = listReviewLibraries(target)
    expect(rest).toEqual([])
    expect(entry).toMatchObject({
      id,
      meta: null,
      bytes: 7,
      error: `${id}.wsbundle is not a Workstation bundle (not an SQLite database).`,
    })
    removeReviewLibrary(target, id)
    expect(reviewFiles(target)).toEqual(['notes.txt'])
  })
})
