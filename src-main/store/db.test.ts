import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from './db'
import { loadMigrations, MigrationMismatchError, SchemaTooNewError } from './migrations'

const MIGRATIONS = resolve(__dirname, '../../migrations')
const opened: Store[] = []
afterEach(() => {
  for (const s of opened.splice(0)) if (s.sqlite.open) s.close()
})

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'ibkr-ws-db-'))
}

async function open(dir: string, migrationsDir = MIGRATIONS) {
  const store = await openStore({
    file: join(dir, 'app.sqlite'),
    migrationsDir,
    backupDir: join(dir, 'backups'),
    now: () => Date.UTC(2026, 10, 25),
  })
  opened.push(store)
  return store
}

/** A copy of the shipped migrations plus one more, as the next release would ship it. */
function migrationsWithExtra(dir: string): string {
  const target = join(dir, 'migrations-next')
  cpSync(MIGRATIONS, target, { recursive: true })
  const journalFile = join(target, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as {
    entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[]
  }
  const last = journal.entries.at(-1)!
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_test_extra' })
  writeFileSync(journalFile, JSON.stringify(journal))
  writeFileSync(join(target, '9999_test_extra.sql'), 'ALTER TABLE `strategies` ADD `test_extra` text;')
  return target
}

describe('store', () => {
  it('creates every table of the data model on a fresh file, with durable pragmas', async () => {
    const store = await open(tempDir())
    const tables = (
      store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`).all() as {
        name: string
      }[]
    ).map((r) => r.name)
    for (const t of [
      'instruments',
      'strategies',
      'prompt_templates',
      'prompt_versions',
      'runs',
      'run_steps',
      'artifacts',
      'signals',
      'orders',
      'order_events',
      'executions',
      'positions',
      'trades',
      'portfolio_snapshots',
      'risk_state',
      'llm_usage',
      'settings',
      'audit_log',
      'schedules',
      'schedule_fires',
      'watchlist',
      'instance',
    ]) {
      expect(tables).toContain(t)
    }
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(
      (store.lineageDb as unknown as { $client: typeof store.sqlite }).$client.pragma('synchronous', { simple: true }),
    ).toBe(1) // NORMAL: lineage rows only
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(store.sqlite.pragma('user_version', { simple: true })).toBe(loadMigrations(MIGRATIONS).length)
    expect(store.backupFile).toBeNull()
  })

  it('reopens without migrating again or making a backup', async () => {
    const dir = tempDir()
    ;(await open(dir)).close()
    const again = await open(dir)
    expect(again.backupFile).toBeNull()
    expect(existsSync(join(dir, 'backups'))).toBe(false)
  })

  it('backs up an existing database before applying a pending migration', async () => {
    const dir = tempDir()
    const first = await open(dir)
    first.sqlite.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('gateway', '"sim"', 1)`).run()
    first.close()

    const next = await open(dir, migrationsWithExtra(dir))
    expect(next.backupFile).not.toBeNull()
    expect(readdirSync(join(dir, 'backups'))).toHaveLength(1)
    const cols = (next.sqlite.prepare(`PRAGMA table_info(strategies)`).all() as { name: string }[]).map((c) => c.name)
    expect(cols).toContain('test_extra')

    const backup = new Database(next.backupFile!, { readonly: true })
    const backupCols = (backup.prepare(`PRAGMA table_info(strategies)`).all() as { name: string }[]).map((c) => c.name)
    expect(backupCols).not.toContain('test_extra')
    expect(backup.prepare(`SELECT value FROM settings WHERE key='gateway'`).get()).toEqual({ value: '"sim"' })
    expect(backup.pragma('quick_check', { simple: true })).toBe('ok')
    backup.close()
  })

  it('refuses a database written by a newer app, writing nothing', async () => {
    const dir = tempDir()
    const next = await open(dir, migrationsWithExtra(dir))
    next.close()
    const before = readFileSync(join(dir, 'app.sqlite'))
    await expect(open(dir)).rejects.toBeInstanceOf(SchemaTooNewError)
    await expect(open(dir)).rejects.toThrow(/newer version of the app \(schema \d+ > \d+\)/)
    expect(readFileSync(join(dir, 'app.sqlite')).equals(before)).toBe(true)
  })

  it('refuses a database whose user_version is ahead of the bundled migrations', async () => {
    const dir = tempDir()
    const s = await open(dir)
    s.sqlite.pragma('user_version = 99')
    s.close()
    await expect(open(dir)).rejects.toBeInstanceOf(SchemaTooNewError)
  })

  it('refuses a database whose applied migration differs from the bundled one', async () => {
    const dir = tempDir()
    const s = await open(dir)
    s.sqlite.prepare(`UPDATE __drizzle_migrations SET hash = 'edited' WHERE id = 1`).run()
    s.close()
    await expect(open(dir)).rejects.toBeInstanceOf(MigrationMismatchError)
  })

  it('rolls back a migration that leaves foreign key violations', async () => {
    const dir = tempDir()
    const migrations = migrationsWithExtra(dir)
    writeFileSync(
      join(migrations, '9999_test_extra.sql'),
      'INSERT INTO watchlist (conid, position, added_at) VALUES (1, 0, 0);',
    )
    const first = await open(dir)
    first.close()
    await expect(open(dir, migrations)).rejects.toThrow(/foreign key violations/)
    const check = new Database(join(dir, 'app.sqlite'))
    expect(check.prepare('SELECT count(*) AS n FROM watchlist').get()).toEqual({ n: 0 })
    expect(check.pragma('user_version', { simple: true })).toBe(loadMigrations(MIGRATIONS).length)
    check.close()
  })

  it('enforces the schema rules: JSON text, status vocabularies, no deleting a run with steps', async () => {
    const store = await open(tempDir())
    const db = store.sqlite
    expect(() => db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('k', 'not json', 1)`).run()).toThrow(
      /CHECK/,
    )
    db.prepare(
      `INSERT INTO runs (id, trigger, status, started_at, app_version) VALUES ('r1', 'manual', 'running', 1, 't')`,
    ).run()
    expect(() =>
      db
        .prepare(
          `INSERT INTO runs (id, trigger, status, started_at, app_version) VALUES ('r2', 'manual', 'Running', 1, 't')`,
        )
        .run(),
    ).toThrow(/CHECK/)
    db.prepare(
      `INSERT INTO run_steps (run_id, step, seq, attempt, status, input, artifacts, started_at, ` +
        `duration_ms) VALUES ('r1', 'check_session', 0, 1, 'succeeded', '{}', '[]', 1, 1)`,
    ).run()
    expect(() => db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run()).toThrow(/FOREIGN KEY/)
  })

  it('copies cleanly: a backup file of a fresh store opens as current', async () => {
    const dir = tempDir()
    const s = await open(dir)
    s.close()
    const other = join(tempDir())
    mkdirSync(other, { recursive: true })
    copyFileSync(join(dir, 'app.sqlite'), join(other, 'app.sqlite'))
    const reopened = await open(other)
    expect(reopened.backupFile).toBeNull()
  })
})

describe('checkpointer', () => {
  it('turns automatic checkpoints off, folds the WAL on its own timer, and truncates it at stop', async () => {
    const { startCheckpointer } = await import('./db')
    const store = await open(tempDir())
    let tick: (() => void) | null = null
    const stop = startCheckpointer(store, (fn) => ((tick = fn), () => (tick = null)))
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    for (let i = 0; i < 50; i++)
      store.sqlite.prepare(`INSERT INTO audit_log (at, actor, action, details) VALUES (?, 'system', 'x', '{}')`).run(i)
    tick!()
    stop()
    expect(tick).toBeNull()
    expect(statSync(`${store.file}-wal`).size).toBe(0)
  })
})
