import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { openSqlite } from './sqlite'
import { privateDir, privateFiles } from './private-files'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { crashPoint } from '../crash-points'
import { applyMigrations, loadMigrations, pendingMigrations } from './migrations'
import * as schema from './schema'

export type Db = BetterSQLite3Database<typeof schema>

export interface Store {
  /** The writer for the trading ledgers and everything else: synchronous=FULL. */
  db: Db
  /**
   * A second connection to the same file for lineage rows (runs, run steps): synchronous=NORMAL,
   * so recording a step costs no fsync. In WAL mode that survives any crash of the app (kill -9
   * loses nothing committed); after a power cut, lineage rows since the last FULL commit or
   * checkpoint could roll back, never an order, a fill or a position (RELIABILITY.md §4's remedy,
   * without splitting the schema across files).
   */
  lineageDb: Db
  sqlite: Database.Database
  file: string
  /** Backup taken before this open's migrations, if any ran on an existing database. */
  backupFile: string | null
  close(): void
}

export interface OpenStoreOptions {
  file: string
  migrationsDir: string
  backupDir: string
  now?: () => number
}

export class StoreCorruptError extends Error {
  constructor(file: string, detail: string) {
    super(`The database ${file} failed its integrity check (${detail}). Restore a backup from the backups folder.`)
    this.name = 'StoreCorruptError'
  }
}

const MAX_BACKUPS = 10
/** Pages copied per step of an online backup; writers get the database between steps. */
const BACKUP_PAGES_PER_STEP = 256

/**
 * Open the app database with the durability settings of RELIABILITY.md §4, check it, and bring
 * its schema up to date. A pending migration on an existing database is preceded by a verified
 * online backup. A database written by a newer app is refused before anything is written.
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const now = opts.now ?? Date.now
  const sqlite = openSqlite(opts.file, { timeout: 5000 })
  try {
    sqlite.pragma('journal_mode = WAL')
    privateFiles(opts.file, `${opts.file}-wal`, `${opts.file}-shm`)
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
    const check = sqlite.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new StoreCorruptError(opts.file, String(check))

    const bundled = loadMigrations(opts.migrationsDir)
    const pending = pendingMigrations(sqlite, bundled)
    const appliedBefore = bundled.length - pending.length
    let backupFile: string | null = null
    if (pending.length > 0 && hasUserTables(sqlite)) {
      backupFile = await backup(sqlite, opts.backupDir, `pre-migration-${appliedBefore}`, now())
    }
    applyMigrations(sqlite, pending, appliedBefore)
    const lineage = openSqlite(opts.file, { timeout: 5000 })
    lineage.pragma('synchronous = NORMAL')
    lineage.pragma('foreign_keys = ON')
    // Checkpoints belong to the checkpointer on the main connection, never to a lineage write.
    lineage.pragma('wal_autocheckpoint = 0')
    return {
      db: drizzle(sqlite, { schema }),
      lineageDb: drizzle(lineage, { schema }),
      sqlite,
      file: opts.file,
      backupFile,
      close: () => {
        lineage.close()
        sqlite.close()
      },
    }
  } catch (e) {
    sqlite.close()
    throw e
  }
}

/** Online backup to a temporary name, verified with quick_check, then renamed into place. */
export async function backup(sqlite: Database.Database, dir: string, label: string, at: number): Promise<string> {
  privateDir(dir)
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-')
  const final = join(dir, `app-${stamp}-${label}.sqlite`)
  const temp = `${final}.partial`
  // A backup cut short (a crash, a full disk) leaves only a `.partial` file, never listed or restored.
  for (const f of readdirSync(dir)) if (f.endsWith('.sqlite.partial')) rmSync(join(dir, f), { force: true })
  await sqlite.backup(temp, {
    progress: () => {
      crashPoint('mid-backup')
      return BACKUP_PAGES_PER_STEP
    },
  })
  // A backup is one self-contained file: switch it out of WAL so no -wal/-shm files travel with it.
  const copy = openSqlite(temp)
  try {
    copy.pragma('journal_mode = DELETE')
    const check = copy.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`Backup ${temp} failed quick_check: ${String(check)}`)
  } finally {
    copy.close()
  }
  privateFiles(temp)
  renameSync(temp, final)
  pruneBackups(dir)
  return final
}

function pruneBackups(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('app-') && f.endsWith('.sqlite'))
    .sort()
  for (const f of files.slice(0, Math.max(0, files.length - MAX_BACKUPS))) rmSync(join(dir, f))
}

function hasUserTables(sqlite: Database.Database): boolean {
  const row = sqlite
    .prepare(
      `SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ` +
        `AND name <> '__drizzle_migrations'`,
    )
    .get() as { n: number }
  return row.n > 0
}

const WAL_LIMIT_BYTES = 64 * 1024 * 1024

/**
 * Checkpoints off the write path (STACK.md §4): automatic checkpoints are what spike the p99 of a
 * commit, so the WAL is folded back on a timer instead, and harder when it grows past 64 MB.
 */
export function startCheckpointer(
  store: Store,
  every: (fn: () => void, ms: number) => () => void,
  intervalMs = 10_000,
): () => void {
  store.sqlite.pragma('wal_autocheckpoint = 0')
  const walFile = `${store.file}-wal`
  const stop = every(() => {
    const big = existsSync(walFile) && statSync(walFile).size > WAL_LIMIT_BYTES
    store.sqlite.pragma(`wal_checkpoint(${big ? 'RESTART' : 'PASSIVE'})`)
  }, intervalMs)
  return () => {
    stop()
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  }
}
