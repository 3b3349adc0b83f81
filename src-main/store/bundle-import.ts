import { createHash } from 'node:crypto'
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { BundleCounts, BundleMeta } from '../contract/bundles-api'
import { DEFAULT_EVALUATION_CAPS, evaluationRowChecker } from './bundle-evaluations'
import {
  APPLICATION_ID,
  BundleError,
  COPIED_TABLES,
  EVALUATION_TABLES,
  quote,
  readMeta,
  refuseNewerFormat,
  writeMeta,
} from './bundles-format'
import * as schema from './schema'
import { openSqlite } from './sqlite'

// Importing a bundle (F20) treats the file as data, never as code. A bundle is an SQLite file that
// anyone could have written, and SQLite runs what its schema says: a VIEW named `runs` with a
// recursive CTE hangs whoever reads `runs`, a TRIGGER runs on writes, a generated column computes
// on reads. So, before any row is read, the schema is checked object by object against the one the
// app writes (tables it knows with columns it knows, their indexes, nothing else), and every refusal
// names the object. Then the rows are copied into a FRESH database created from the app's own table
// definitions, and that copy is the only file the review library ever opens; the foreign file is
// opened read-only, read once, and never served. Caps on the file size and on the artifacts' count
// and size are checked before the copy and refused with the numbers. This runs in a worker thread
// (bundle-jobs.ts), so a slow or hostile file never blocks the engine's event loop.

export interface ImportCaps {
  maxBundleBytes: number
  maxArtifactBytes: number
  maxArtifacts: number
}

export const DEFAULT_IMPORT_CAPS: ImportCaps = {
  maxBundleBytes: 1024 * 1024 * 1024,
  maxArtifactBytes: 32 * 1024 * 1024,
  maxArtifacts: 50_000,
}

export type ImportPhase = 'hashing' | 'checking' | 'copying' | 'verifying'
export type Progress = (phase: ImportPhase, done: number, total: number) => void

/**
 * The tables a bundle may hold: the copied lineage tables, `artifacts` (with `content`) and `bundle_meta`,
 * and, in an evaluation bundle only (`optional`), the evaluation tables.
 */
function expectedTables(): Map<string, { columns: string[]; table: SQLiteTable | null; optional?: boolean }> {
  const byName = new Map<string, SQLiteTable>()
  for (const value of Object.values(schema)) {
    try {
      const cfg = getTableConfig(value as SQLiteTable)
      byName.set(cfg.name, value as SQLiteTable)
    } catch {
      // not a table (relations, enums)
    }
  }
  const out = new Map<string, { columns: string[]; table: SQLiteTable | null; optional?: boolean }>()
  for (const name of [...COPIED_TABLES, 'artifacts', ...EVALUATION_TABLES] as const) {
    const table = byName.get(name)
    if (!table) throw new Error(`The app schema has no table ${name}`)
    const columns = getTableConfig(table).columns.map((c) => c.name)
    const optional = (EVALUATION_TABLES as readonly string[]).includes(name)
    out.set(name, { columns: name === 'artifacts' ? [...columns, 'content'] : columns, table, optional })
  }
  out.set('bundle_meta', { columns: ['key', 'value'], table: null })
  return out
}

/**
 * Refuse, naming it, any object that is not one of the expected tables or an index on one: views,
 * triggers, virtual tables, unknown tables, generated or unknown columns. Reads only sqlite_master
 * and table_xinfo, so nothing the bundle defines is ever executed.
 */
export function checkBundleSchema(db: Database.Database, label: string): void {
  const expected = expectedTables()
  const objects = db.prepare('SELECT type, name, tbl_name AS tbl, sql FROM sqlite_master').all() as {
    type: string
    name: string
    tbl: string
    sql: string | null
  }[]
  for (const o of objects) {
    if (o.type === 'view' || o.type === 'trigger')
      throw new BundleError('invalid', `${label} was refused: it defines a ${o.type.toUpperCase()} "${o.name}".`)
    if (o.type === 'index') {
      if (!expected.has(o.tbl))
        throw new BundleError('invalid', `${label} was refused: unknown index "${o.name}" on "${o.tbl}".`)
      continue
    }
    if (o.type !== 'table' || !expected.has(o.name))
      throw new BundleError('invalid', `${label} was refused: unknown ${o.type} "${o.name}".`)
    if (/^\s*CREATE\s+VIRTUAL\b/i.test(o.sql ?? ''))
      throw new BundleError('invalid', `${label} was refused: "${o.name}" is a virtual table.`)
  }
  for (const [name, want] of expected) {
    const cols = db.prepare('SELECT name, hidden FROM pragma_table_xinfo(?)').all(name) as {
      name: string
      hidden: number
    }[]
    if (cols.length === 0 && want.optional) continue
    if (cols.length === 0) throw new BundleError('invalid', `${label} is not a complete bundle (no table "${name}").`)
    for (const c of cols) {
      if (c.hidden !== 0)
        throw new BundleError('invalid', `${label} was refused: "${name}.${c.name}" is a generated or hidden column.`)
      if (!want.columns.includes(c.name))
        throw new BundleError('invalid', `${label} was refused: unknown column "${name}.${c.name}".`)
    }
  }
}

/** The file's identity (application_id) and then its schema, with SQLite's own failures said plainly. */
export function checkBundleFile(db: Database.Database, label: string): void {
  try {
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID)
      throw new BundleError('invalid', `${label} is not a Workstation bundle.`)
    refuseNewerFormat(db, label)
    checkBundleSchema(db, label)
  } catch (e) {
    if (e instanceof BundleError) throw e
    if ((e as { code?: string }).code === 'SQLITE_NOTADB')
      throw new BundleError('invalid', `${label} is not a Workstation bundle (not an SQLite database).`)
    throw new BundleError('invalid', `${label} is damaged and cannot be read (${(e as Error).message}).`)
  }
}

/** CREATE TABLE / INDEX for the app's own definition of a bundle table (types and keys; no CHECKs). */
function createOwnTable(out: Database.Database, name: string, table: SQLiteTable | null): void {
  if (!table) {
    out.exec('CREATE TABLE bundle_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    return
  }
  const cfg = getTableConfig(table)
  const defs = cfg.columns.map((c) => `${quote(c.name)} ${c.getSQLType()}${c.primary ? ' PRIMARY KEY' : ''}`)
  if (name === 'artifacts') defs.push('"content" BLOB NOT NULL')
  for (const pk of cfg.primaryKeys) defs.push(`PRIMARY KEY (${pk.columns.map((c) => quote(c.name)).join(', ')})`)
  out.exec(`CREATE TABLE ${quote(name)} (${defs.join(', ')})`)
  for (const idx of cfg.indexes) {
    const cols = idx.config.columns.map((c) => ('name' in c ? quote(String(c.name)) : null))
    if (cols.some((c) => c === null)) continue
    out.exec(`CREATE INDEX ${quote(idx.config.name)} ON ${quote(name)} (${cols.join(', ')})`)
  }
}

function sha256File(file: string, onBytes: (n: number) => void): string {
  const hash = createHash('sha256')
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(1024 * 1024)
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      hash.update(buf.subarray(0, n))
      onBytes(n)
    }
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

export interface ImportedBundle {
  /** sha256 of the source file (the library id is its first 24 hex digits). */
  sha256: string
  meta: BundleMeta
}

/**
 * Check `sourceFile` and copy it into a fresh bundle at `destFile` (which must not exist). Throws a
 * BundleError naming what was refused; on any failure `destFile` is removed.
 */
export function importIntoFresh(
  sourceFile: string,
  destFile: string,
  label: string,
  caps: ImportCaps = DEFAULT_IMPORT_CAPS,
  progress: Progress = () => {},
): ImportedBundle {
  if (!existsSync(sourceFile) || !statSync(sourceFile).isFile())
    throw new BundleError('not_found', `No bundle named ${label} was found.`)
  const size = statSync(sourceFile).size
  if (size > caps.maxBundleBytes)
    throw new BundleError(
      'invalid',
      `${label} was refused: it is ${size} bytes, over the ${caps.maxBundleBytes}-byte limit for a bundle.`,
    )
  let hashed = 0
  const sha256 = sha256File(sourceFile, (n) => progress('hashing', (hashed += n), size))
  let src: Database.Database
  try {
    src = openSqlite(sourceFile, { readonly: true, fileMustExist: true })
  } catch (e) {
    throw new BundleError('invalid', `${label} cannot be opened (${(e as Error).message}).`)
  }
  let out: Database.Database | null = null
  try {
    progress('checking', 0, 1)
    checkBundleFile(src, label)
    const meta = readMeta(src, label)
    checkArtifactCaps(src, label, caps)
    progress('checking', 1, 1)

    out = openSqlite(destFile, { timeout: 5000 })
    out.pragma(`application_id = ${APPLICATION_ID}`)
    out.pragma(`user_version = ${meta.formatVersion}`)
    out.exec('BEGIN')
    const present = new Set(src.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all())
    const expected = new Map([...expectedTables()].filter(([name, def]) => !def.optional || present.has(name)))
    for (const [name, def] of expected) if (name !== 'bundle_meta') createOwnTable(out, name, def.table)
    const runIds = () => new Set(out!.prepare('SELECT id FROM runs').pluck().all() as string[])
    const missingRuns = new Set(meta.missingRuns ?? [])
    const checkEvaluationRow = evaluationRowChecker(label, runIds, DEFAULT_EVALUATION_CAPS, missingRuns)
    const total = Object.values(meta.counts).reduce((a, b) => a + b, 0) - meta.counts.artifactBytes
    let done = 0
    progress('copying', 0, total)
    const actual: Record<string, number> = {}
    for (const [name, def] of expected) {
      if (name === 'bundle_meta') continue
      const have = (src.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[]).filter((c) =>
        def.columns.includes(c),
      )
      const list = have.map(quote).join(', ')
      const insert = out.prepare(`INSERT INTO ${quote(name)} (${list}) VALUES (${have.map(() => '?').join(', ')})`)
      const shaAt = have.indexOf('sha256')
      const contentAt = have.indexOf('content')
      const bytesAt = have.indexOf('bytes')
      let n = 0
      for (const row of src
        .prepare(`SELECT ${list} FROM main.${quote(name)}`)
        .raw()
        .iterate() as Iterable<unknown[]>) {
        if (name === 'artifacts') checkArtifact(row[shaAt], row[contentAt], row[bytesAt], label)
        if (def.optional) checkEvaluationRow(name, Object.fromEntries(have.map((c, k) => [c, row[k]])))
        insert.run(...row)
        n++
        if (++done % 500 === 0) progress('copying', done, total)
      }
      actual[name] = n
    }
    progress('copying', done, total)
    // A run the meta lists as not kept must not be in the file: the description would be false.
    const held = runIds()
    const listed = [...missingRuns].find((id) => held.has(id))
    if (listed !== undefined)
      throw new BundleError('invalid', `${label} does not match its description (run ${listed} is listed as not kept).`)
    writeMeta(out, meta)
    checkCounts(meta.counts, actual, label)
    out.exec('COMMIT')
    progress('verifying', 0, 1)
    const check = out.pragma('quick_check', { simple: true })
    if (check !== 'ok')
      throw new BundleError('invalid', `${label} could not be copied (quick_check: ${String(check)}).`)
    out.close()
    progress('verifying', 1, 1)
    return { sha256, meta }
  } catch (e) {
    if (out?.open) out.close()
    rmSync(destFile, { force: true })
    rmSync(`${destFile}-journal`, { force: true })
    if (e instanceof BundleError) throw e
    throw new BundleError('invalid', `${label} is damaged and cannot be read (${(e as Error).message}).`)
  } finally {
    src.close()
  }
}

function checkArtifactCaps(src: Database.Database, label: string, caps: ImportCaps): void {
  const { n, biggest } = src
    .prepare('SELECT count(*) AS n, coalesce(max(length(content)), 0) AS biggest FROM artifacts')
    .get() as {
    n: number
    biggest: number
  }
  if (n > caps.maxArtifacts)
    throw new BundleError(
      'invalid',
      `${label} was refused: it holds ${n} artifacts, over the limit of ${caps.maxArtifacts}.`,
    )
  if (biggest > caps.maxArtifactBytes)
    throw new BundleError(
      'invalid',
      `${label} was refused: an artifact of ${biggest} bytes is ` +
        `over the ${caps.maxArtifactBytes}-byte limit per artifact.`,
    )
}

function checkArtifact(sha: unknown, content: unknown, bytes: unknown, label: string): void {
  const ok =
    typeof sha === 'string' &&
    Buffer.isBuffer(content) &&
    content.length === bytes &&
    createHash('sha256').update(content).digest('hex') === sha
  if (!ok) throw new BundleError('invalid', `${label} holds a damaged artifact (${String(sha)}).`)
}

const COUNT_KEYS: Record<string, keyof BundleCounts> = {
  runs: 'runs',
  run_steps: 'steps',
  signals: 'signals',
  strategies: 'strategies',
  prompt_templates: 'promptTemplates',
  prompt_versions: 'promptVersions',
  llm_usage: 'llmUsage',
  orders: 'orders',
  order_events: 'orderEvents',
  executions: 'executions',
  trades: 'trades',
  artifacts: 'artifacts',
  evaluations: 'evaluations',
  evaluation_decisions: 'evaluationDecisions',
}

function checkCounts(counts: BundleCounts, actual: Record<string, number>, label: string): void {
  for (const [table, key] of Object.entries(COUNT_KEYS)) {
    if ((actual[table] ?? 0) !== (counts[key] ?? 0))
      throw new BundleError(
        'invalid',
        `${label} does not match its description (${key}: ${actual[table] ?? 0}, expected ${counts[key]}).`,
      )
  }
}
