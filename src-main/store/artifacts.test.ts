import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { putArtifact, readArtifact } from './artifacts'
import { openStore, type Store } from './db'
import { artifacts } from './schema'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

describe('content-addressed artifacts', () => {
  it(
    'stores bytes once by sha256, reads them back, and refreshes ' + 'created_at when the same bytes are written again',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-artifacts-'))
      const store = await openStore({
        file: join(dir, 'db.sqlite'),
        migrationsDir: resolve(__dirname, '../../migrations'),
        backupDir: join(dir, 'b'),
      })
      stores.push(store)
      const content = Buffer.from('{"bars":[]}')
      const a = putArtifact(store.db, dir, content, 'bars', 'application/json', 1000)
      expect(a.sha256).toBe(createHash('sha256').update(content).digest('hex'))
      expect(a.path).toBe(join('artifacts', a.sha256.slice(0, 2), `${a.sha256}.json`))
      expect(existsSync(join(dir, a.path))).toBe(true)
      expect(readArtifact(store.db, dir, a.sha256)).toEqual({ mime: 'application/json', content })
      const b = putArtifact(store.db, dir, content, 'bars', 'application/json', 5000)
      expect(b).toEqual(a)
      putArtifact(store.db, dir, content, 'bars', 'application/json', 3000)
      const rows = store.db.select().from(artifacts).where(eq(artifacts.sha256, a.sha256)).all()
      expect(rows).toHaveLength(1)
      expect(rows[0]!.createdAt).toBe(5000)
      expect(readArtifact(store.db, dir, 'f'.repeat(64))).toBeNull()
    },
  )
})
