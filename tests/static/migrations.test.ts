import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { read, ROOT } from './source-files'

// RELIABILITY.md §4 and T8: shipped migrations are append-only, ordered, and never cascade.
const journal = JSON.parse(read('migrations/meta/_journal.json')) as {
  entries: { idx: number; tag: string; when: number }[]
}
const manifest = JSON.parse(read('migrations/manifest.json')) as { files: Record<string, string> }
const sqlFiles = readdirSync(join(ROOT, 'migrations'))
  .filter((f) => f.endsWith('.sql'))
  .sort()
const REVIEWED = /^-- reviewed: .+/m

describe('migrations', () => {
  it('has every journal entry sealed in the manifest, and no sealed file edited', () => {
    for (const { tag } of journal.entries) {
      const name = `${tag}.sql`
      const hash = createHash('sha256')
        .update(read(`migrations/${name}`))
        .digest('hex')
      expect(manifest.files[name], `${name} is not sealed: run npm run migrations:seal`).toBeDefined()
      expect(hash, `${name} was edited after it shipped; add a new migration instead`).toBe(manifest.files[name])
    }
  })

  it('has no sealed file deleted and no SQL file outside the journal', () => {
    expect(Object.keys(manifest.files).sort()).toEqual(sqlFiles)
    expect(journal.entries.map((e) => `${e.tag}.sql`).sort()).toEqual(sqlFiles)
  })

  it('keeps journal order and strictly increasing timestamps (drizzle skips older ones)', () => {
    journal.entries.forEach((e, i) => {
      expect(e.idx).toBe(i)
      if (i > 0) expect(e.when).toBeGreaterThan(journal.entries[i - 1]!.when)
    })
  })

  it('never cascades, and marks table rebuilds and foreign-key pragmas as reviewed', () => {
    for (const f of sqlFiles) {
      const sql = read(`migrations/${f}`)
      expect(sql, f).not.toMatch(/ON\s+DELETE\s+CASCADE/i)
      if (/DROP\s+TABLE|PRAGMA\s+foreign_keys/i.test(sql))
        expect(sql, `${f} rebuilds a table: review it and add "-- reviewed: <why safe>"`).toMatch(REVIEWED)
    }
  })
})
