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

const insert = (s: Store, k: number) => () => void s.sqlite.prepare('INSERT INTO t VALUES (?)').run(k)
const onDisk = (s: Store, k: number) => ({ ready: () => Promise.resolve(), write: insert(s, k) })

describe('evaluation commit batch', () => {
  it('commits free dates by the batch, a paid one at once with those before it, and the rest on flush', async () => {
    const s = await store()
    const batch = commitBatch(s.db, 3)
    expect(await batch.add(onDisk(s, 1), false)).toBe(false)
    expect(await batch.add(onDisk(s, 2), false)).toBe(false)
    expect(count(s)).toBe(0)
    expect(await batch.add(onDisk(s, 3), false)).toBe(true)
    expect(count(s)).toBe(3)
    expect(await batch.add(onDisk(s, 4), false)).toBe(false)
    expect(await batch.add(onDisk(s, 5), true)).toBe(true)
    expect(count(s)).toBe(5)
    expect(await batch.add(onDisk(s, 6), false)).toBe(false)
    expect(await batch.flush()).toBe(true)
    expect(await batch.flush()).toBe(false)
    expect(count(s)).toBe(6)
  })

  it('commits a date only once its files are on disk, and commits in order', async () => {
    const s = await store()
    const batch = commitBatch(s.db, 1)
    let release = () => {}
    const files = new Promise<void>((ok) => (release = ok))
    const first = batch.add({ ready: () => files, write: insert(s, 1) }, false)
    const second = batch.add(onDisk(s, 2), false)
    await Promise.resolve()
    expect(count(s)).toBe(0)
    release()
    // The first commit took both dates queued by then; the second found nothing left to commit.
    expect(await first).toBe(true)
    expect(await second).toBe(false)
    expect(s.sqlite.prepare('SELECT k FROM t ORDER BY rowid').all()).toEqual([{ k: 1 }, { k: 2 }])
  })

  it('records no date of a batch whose file could not be written, or whose commit fails, and says why', async () => {
    const s = await store()
    const batch = commitBatch(s.db, 2)
    void batch.add(onDisk(s, 1), false)
    const full = { ready: () => Promise.reject(new Error('ENOSPC: no space left on device')), write: insert(s, 2) }
    await expect(batch.add(full, false)).rejects.toThrow('ENOSPC')
    expect(count(s)).toBe(0)
    void batch.add(onDisk(s, 3), false)
    await expect(batch.add(onDisk(s, 3), false)).rejects.toThrow(/UNIQUE/)
    expect(count(s)).toBe(0)
    expect(await batch.add(onDisk(s, 4), true)).toBe(true)
    expect(count(s)).toBe(1)
  })
})
