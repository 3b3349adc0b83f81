import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Timers } from '../timers'
import { backupsToKeep, DAY_MS, startDailyBackup } from './backup-schedule'
import { backup, openStore, type Store } from './db'
import { privateDir } from './private-files'

// RELIABILITY.md T9 (online backup under writes, restore, verify), the scheduled daily backup with
// §4's retention, and the data folder's permissions (issue #9: folder 0700, database and backups 0600).

const MIGRATIONS = resolve(__dirname, '../../migrations')
const WRITES = Number(process.env.IBKR_WS_T9_WRITES ?? 3000)
const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.sqlite.open && s.close()))

async function fresh(dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-t9-'))) {
  const store = await openStore({
    file: join(dir, 'workstation.sqlite'),
    migrationsDir: MIGRATIONS,
    backupDir: join(dir, 'backups'),
  })
  stores.push(store)
  return { store, dir }
}

const mode = (p: string) => statSync(p).mode & 0o777

describe('backups and private files', () => {
  it('keeps the data folder 0700 and the database, its WAL and every backup 0600', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ibkr-ws-modes-')), 'data')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    privateDir(dir)
    expect(mode(dir)).toBe(0o700)
    const { store } = await fresh(dir)
    expect(mode(store.file)).toBe(0o600)
    expect(mode(`${store.file}-wal`)).toBe(0o600)
    const file = await backup(store.sqlite, join(dir, 'backups'), 'manual', Date.UTC(2026, 4, 5))
    expect(mode(file)).toBe(0o600)
    expect(mode(join(dir, 'backups'))).toBe(0o700)
  })

  it('T9: an online backup taken under writes is consistent, restores, and verifies', async () => {
    const { store, dir } = await fresh()
    const insert = store.sqlite.prepare(
      `INSERT INTO audit_log (at, actor, action, details) VALUES (?, 'system', 't9', '{}')`,
    )
    let written = 0
    let writing = true
    // A writer on the same connection between backup steps (the backup restarts when the file changes).
    const writer = (async () => {
      while (writing && written < WRITES) {
        store.sqlite.transaction(() => {
          for (let i = 0; i < 10; i++) insert.run(++written)
        })()
        await new Promise((r) => setImmediate(r))
      }
    })()
    const file = await backup(store.sqlite, join(dir, 'backups'), 't9', Date.UTC(2026, 4, 5))
    writing = false
    await writer
    expect(written).toBeGreaterThan(0)

    // Restore: the backup alone (no -wal travels with it) opens as a current database.
    const restoredDir = mkdtempSync(join(tmpdir(), 'ibkr-ws-t9-restore-'))
    copyFileSync(file, join(restoredDir, 'workstation.sqlite'))
    const { store: restored } = await fresh(restoredDir)
    expect(restored.backupFile).toBeNull()
    expect(restored.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    // Consistent: whole transactions only, in order (audit ids 1..n with `at` = id, n a multiple of 10).
    const rows = restored.sqlite.prepare(`SELECT id, at FROM audit_log WHERE action = 't9' ORDER BY id`).all() as {
      id: number
      at: number
    }[]
    expect(rows.length % 10).toBe(0)
    expect(rows.length).toBeLessThanOrEqual(written)
    rows.forEach((r, i) => expect(r.at).toBe(i + 1))
  })

  it('keeps 3 backups of today, then the newest of each earlier day, at most 10', () => {
    const name = (day: number, hh: number, label = 'daily') =>
      `app-${new Date(Date.UTC(2026, 4, day, hh)).toISOString().replace(/[:.]/g, '-')}-${label}.sqlite`
    const files = [
      ...[9, 10, 11, 12, 13].map((h) => name(20, h)),
      ...Array.from({ length: 12 }, (_, i) => [name(19 - i, 8), name(19 - i, 20, 'pre-migration-3')]).flat(),
      'notes.txt',
    ]
    const keep = backupsToKeep(files, '2026-05-20')
    expect(keep).toEqual([
      name(20, 13),
      name(20, 12),
      name(20, 11),
      ...Array.from({ length: 7 }, (_, i) => name(19 - i, 20, 'pre-migration-3')),
    ])
  })

  it(
    'takes the daily backup when due (now, after a day, after ' + 'sleeping), prunes by day, and stops cleanly',
    async () => {
      const { store, dir } = await fresh()
      let now = Date.UTC(2026, 4, 1, 9)
      const ticks: (() => void)[] = []
      const timers: Timers = {
        every: (fn) => (ticks.push(fn), () => {}),
        after: (fn) => (ticks.push(fn), () => {}),
      }
      const daily = startDailyBackup({ store, dir: join(dir, 'backups'), now: () => now, timers })
      expect(ticks).toHaveLength(2)
      expect(await daily.runIfDue()).toMatch(/app-2026-05-01T09-00-00-000Z-daily\.sqlite$/)
      now += DAY_MS / 2
      expect(await daily.runIfDue()).toBeNull()
      for (let d = 0; d < 14; d++) {
        now += DAY_MS
        expect(await daily.runIfDue()).not.toBeNull()
      }
      const kept = readdirSync(join(dir, 'backups')).filter((f) => f.endsWith('.sqlite'))
      expect(kept).toHaveLength(10)
      await daily.stop()
      now += 3 * DAY_MS
      expect(await daily.runIfDue()).toBeNull()
    },
  )
})
