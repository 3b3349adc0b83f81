import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { crashPoint } from '../crash-points'

export interface Migration {
  idx: number
  tag: string
  when: number
  sql: string
  /** sha256 of the SQL file, as drizzle records it in `__drizzle_migrations`. */
  hash: string
}

interface Journal {
  entries: { idx: number; tag: string; when: number }[]
}

/** The bundled migrations, in journal order. */
export function loadMigrations(dir: string): Migration[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as Journal
  return journal.entries.map((e) => {
    const sql = readFileSync(join(dir, `${e.tag}.sql`), 'utf8')
    return { idx: e.idx, tag: e.tag, when: e.when, sql, hash: createHash('sha256').update(sql).digest('hex') }
  })
}

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `This data was written by a newer version of the app (schema ${found} > ${known}). ` +
        'Install the newer version or restore a backup.',
    )
    this.name = 'SchemaTooNewError'
  }
}

export class MigrationMismatchError extends Error {
  constructor(index: number) {
    super(
      `The database's migration ${index} does not match this app's migration ${index}; ` +
        'it was written by a different build. Install the matching version or restore a backup.',
    )
    this.name = 'MigrationMismatchError'
  }
}

const MIGRATIONS_TABLE = '__drizzle_migrations'
/** Append-only ledgers: a migration that makes any of them shrink is aborted. */
const LEDGER_TABLES = ['runs', 'run_steps', 'orders', 'order_events', 'executions', 'signals', 'trades']

/** Applied migrations and `user_version`, compared with the bundled list. Throws if the DB is newer or different. */
export function pendingMigrations(db: Database.Database, bundled: Migration[]): Migration[] {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, ` +
      `hash text NOT NULL, created_at numeric)`,
  )
  const applied = db.prepare(`SELECT hash FROM ${MIGRATIONS_TABLE} ORDER BY id`).all() as { hash: string }[]
  const userVersion = db.pragma('user_version', { simple: true }) as number
  const found = Math.max(userVersion, applied.length)
  if (found > bundled.length) throw new SchemaTooNewError(found, bundled.length)
  applied.forEach((row, i) => {
    if (row.hash !== bundled[i]?.hash) throw new MigrationMismatchError(i)
  })
  return bundled.slice(applied.length)
}

/**
 * Apply `pending` in one transaction. Foreign keys are switched off outside the transaction (inside
 * it the pragma is a no-op, which is how drizzle's table rebuilds fire cascades), checked with
 * `foreign_key_check` before COMMIT, and switched back on. Ledger row counts must not shrink.
 */
export function applyMigrations(db: Database.Database, pending: Migration[], appliedBefore: number): void {
  if (pending.length === 0) return
  db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      const before = ledgerCounts(db)
      for (const m of pending) {
        for (const stmt of m.sql.split('--> statement-breakpoint')) {
          if (stmt.trim()) db.exec(stmt)
          crashPoint('mid-migration')
        }
        db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES (?, ?)`).run(m.hash, m.when)
      }
      db.pragma(`user_version = ${appliedBefore + pending.length}`)
      const violations = db.pragma('foreign_key_check') as unknown[]
      if (violations.length > 0)
        throw new Error(`Migration left ${violations.length} foreign key violations; rolled back`)
      const after = ledgerCounts(db)
      for (const [table, n] of before) {
        if ((after.get(table) ?? 0) < n) throw new Error(`Migration shrank ledger table ${table}; rolled back`)
      }
    })()
  } finally {
    db.pragma('foreign_keys = ON')
  }
}

function ledgerCounts(db: Database.Database): Map<string, number> {
  const existing = new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name),
  )
  const counts = new Map<string, number>()
  for (const t of LEDGER_TABLES) {
    if (existing.has(t)) counts.set(t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n)
  }
  return counts
}
