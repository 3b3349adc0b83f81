import type Database from 'better-sqlite3'
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BundleMeta } from '../contract/bundles-api'

// The on-disk layout of a portable bundle (F20), shared by export, open and import:
// one SQLite file (rollback journal, never WAL) whose header carries APPLICATION_ID, a
// `bundle_meta` key/value table, copies of the lineage tables with the live columns, and an
// `artifacts` table with each artifact's bytes as a BLOB.

/** 'WSB1' in the SQLite header (PRAGMA application_id): a cheap "is this ours" check. */
export const APPLICATION_ID = 0x57534231

/** Lineage and ledger tables copied into a bundle with their live columns, in copy order. */
export const COPIED_TABLES = [
  'runs',
  'run_steps',
  'signals',
  'llm_usage',
  'orders',
  'order_events',
  'executions',
  'trades',
  'strategies',
  'prompt_versions',
  'prompt_templates',
] as const
export type CopiedTable = (typeof COPIED_TABLES)[number]

/**
 * An evaluation bundle (F25) also holds the evaluation's row (with its stored report) and its
 * decisions with their fills and outcomes. A run bundle has neither table (so older apps still read it).
 */
export const EVALUATION_TABLES = ['evaluations', 'evaluation_decisions'] as const

export type BundleErrorKind = 'not_found' | 'invalid' | 'empty' | 'cancelled'

/** A bundle that cannot be written, opened or imported, with a message meant for the user. */
export class BundleError extends Error {
  readonly kind: BundleErrorKind
  constructor(kind: BundleErrorKind, message: string) {
    super(message)
    this.name = 'BundleError'
    this.kind = kind
  }
}

export interface ColumnInfo {
  name: string
  type: string
  notnull: number
  pk: number
}

export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/** A table's columns as SQLite reports them (`schema` is `main` or an attached name). */
export function tableColumns(db: Database.Database, schema: string, table: string): ColumnInfo[] {
  return db
    .prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?, ?) ORDER BY cid`)
    .all(table, schema) as ColumnInfo[]
}

/** CREATE TABLE for a copy with the same columns, types, NOT NULLs and primary key (no CHECKs or FKs). */
export function mirrorTableSql(table: string, cols: ColumnInfo[], extra: string[] = []): string {
  if (cols.length === 0) throw new Error(`The live database has no table ${table}`)
  const defs = [
    ...cols.map((c) => `${quote(c.name)}${c.type ? ` ${c.type}` : ''}${c.notnull ? ' NOT NULL' : ''}`),
    ...extra,
  ]
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
  if (pk.length > 0) defs.push(`PRIMARY KEY (${pk.map((c) => quote(c.name)).join(', ')})`)
  return `CREATE TABLE main.${quote(table)} (${defs.join(', ')})`
}

export function writeMeta(db: Database.Database, meta: BundleMeta): void {
  db.exec('CREATE TABLE main.bundle_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
  const put = db.prepare('INSERT INTO main.bundle_meta (key, value) VALUES (?, ?)')
  for (const [k, v] of Object.entries(meta)) put.run(k, JSON.stringify(v))
}

/**
 * Read and check a bundle's identity and meta. Refuses, with a message naming the file, anything
 * that is not an SQLite database, not one of our bundles, or a format this app does not read.
 */
export function readMeta(db: Database.Database, label: string): BundleMeta {
  let appId: unknown
  let rows: { key: string; value: string }[]
  try {
    appId = db.pragma('application_id', { simple: true })
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bundle_meta'`).get()
    if (appId !== APPLICATION_ID || !hasMeta) throw new BundleError('invalid', `${label} is not a Workstation bundle.`)
    rows = db.prepare('SELECT key, value FROM bundle_meta').all() as typeof rows
  } catch (e) {
    if (e instanceof BundleError) throw e
    const code = (e as { code?: string }).code
    if (code === 'SQLITE_NOTADB')
      throw new BundleError('invalid', `${label} is not a Workstation bundle (not an SQLite database).`)
    throw new BundleError('invalid', `${label} is damaged and cannot be read (${(e as Error).message}).`)
  }
  const raw: Record<string, unknown> = {}
  try {
    for (const r of rows) raw[r.key] = JSON.parse(r.value)
  } catch {
    throw new BundleError('invalid', `${label} has a damaged description (bundle_meta is not JSON).`)
  }
  if (raw.format !== BUNDLE_FORMAT) throw new BundleError('invalid', `${label} is not a Workstation bundle.`)
  checkFormatVersion(raw.formatVersion, label)
  const meta = BundleMeta.safeParse(raw)
  if (!meta.success) {
    const issue = meta.error.issues[0]
    throw new BundleError(
      'invalid',
      `${label} has a damaged description (${issue?.path.join('.') || 'meta'}: ${issue?.message ?? 'invalid'}).`,
    )
  }
  return meta.data
}

/** Refuses a format this app does not read: any but 1 to BUNDLE_FORMAT_VERSION; a newer one says to update. */
function checkFormatVersion(v: unknown, label: string): void {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= BUNDLE_FORMAT_VERSION) return
  const shown = typeof v === 'number' ? v : String(v)
  const hint =
    typeof v === 'number' && v > BUNDLE_FORMAT_VERSION
      ? ' It was written by a newer version: update this app to open it.'
      : ''
  throw new BundleError(
    'invalid',
    `${label} uses bundle format ${shown}; this app reads formats 1 to ${BUNDLE_FORMAT_VERSION}.${hint}`,
  )
}

/**
 * Before the schema check: a bundle that says it is of a newer format is refused as such, not as
 * damaged for the tables a newer format may add. Reads one row of `bundle_meta` only when it is a
 * plain table with exactly the columns `key` and `value` (no view, virtual table or generated column,
 * so nothing the file defines runs); anything else is left to the schema check, which names it.
 */
export function refuseNewerFormat(db: Database.Database, label: string): void {
  const object = db.prepare(`SELECT type, sql FROM sqlite_master WHERE name = 'bundle_meta'`).get() as
    { type: string; sql: string | null } | undefined
  if (!object || object.type !== 'table' || /^\s*CREATE\s+VIRTUAL\b/i.test(object.sql ?? '')) return
  const cols = db.prepare(`SELECT name, hidden FROM pragma_table_xinfo('bundle_meta') ORDER BY cid`).all() as {
    name: string
    hidden: number
  }[]
  if (cols.map((c) => `${c.name}/${c.hidden}`).join(',') !== 'key/0,value/0') return
  const text = db.prepare(`SELECT value FROM bundle_meta WHERE key = 'formatVersion'`).pluck().get()
  let v: unknown
  try {
    v = typeof text === 'string' ? JSON.parse(text) : null
  } catch {
    return
  }
  if (typeof v === 'number' && v > BUNDLE_FORMAT_VERSION) checkFormatVersion(v, label)
}

/** Yield to the event loop between batches so a long export or cleanup never freezes the app. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
