import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../store/db'
import { commitBatch } from './commit-batch'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-batch-'))
  const s = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(s)
  s.sqlite.exec('CREATE TABLE t (k INTEGER PRIMARY KEY)')
  return s
}

const count = (s: Store) => (s.sqlite.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n

describe('evaluation commit batch', () => {
  it('commits free dates by the batch, a paid one at once with those before it, and the rest on flush', async () => {
    const s = await store()
    const batch = commitBatch(s.db, 3)
    const put = (k: number) => () => void s.sqlite.prepare('INSERT INTO t VALUES (?)').run(k)
    expect(batch.add(put(1), false)).toBe(false)
    expect(batch.add(put(2), false)).toBe(false)
    expect(count(s)).toBe(0)
    expect(batch.add(put(3), false)).toBe(true)
    expect(count(s)).toBe(3)
    expect(batch.add(put(4), false)).toBe(false)
    expect(batch.add(put(5), true)).toBe(true)
    expect(count(s)).toBe(5)
    expect(batch.add(put(6), false)).toBe(false)
    expect(batch.flush()).toBe(true)
    expect(batch.flush()).toBe(false)
    expect(count(s)).toBe(6)
  })

  it('writes nothing of a batch whose commit fails, and throws', async () => {
    const s = await store()
    const batch = commitBatch(s.db, 2)
    const put = (k: number) => () => void s.sqlite.prepare('INSERT INTO t VALUES (?)').run(k)
    batch.add(put(1), false)
    expect(() => batch.add(put(1), false)).toThrow(/UNIQUE/)
    expect(count(s)).toBe(0)
  })
})
