import { createHash } from 'node:crypto'
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path'
import type Database from 'better-sqlite3'
import { openSqlite } from './sqlite'
import { version as APP_VERSION } from '../../package.json'
import {
  BUNDLE_FORMAT,
  EVALUATION_BUNDLE_FORMAT_VERSION,
  RUN_BUNDLE_FORMAT_VERSION,
  type BundleCounts,
  type BundleMeta,
  type BundleSelection,
  type ExportResult,
  type MissingArtifact,
} from '../contract/bundles-api'
import {
  APPLICATION_ID,
  BundleError,
  COPIED_TABLES,
  type CopiedTable,
  EVALUATION_TABLES,
  mirrorTableSql,
  quote,
  tableColumns,
  writeMeta,
  yieldToLoop,
} from './bundles-format'
import type { Store } from './db'

export { BundleError } from './bundles-format'
export { openBundle, validateBundle, type ReviewLibrary } from './bundles-read'
export { importBundle, listReviewLibraries, removeReviewLibrary, reviewLibraryFile } from './bundles-library'

// Export (F20): the selected runs and everything needed to review them offline, copied into one
// fresh SQLite file. The live database is attached to the bundle's own connection and read inside
// one transaction, so the copy is a consistent snapshot, SQLite streams the rows (nothing is
// gathered in memory) and the app's writer connection is never blocked. Artifacts are read one at
// a time, checked against their sha256 and stored as BLOBs; one that is missing or damaged is
// listed in the bundle meta and the result, never silently dropped. The file is written under a
// temporary name, checked, and renamed into place. (This SQLite build takes no URI file names, so
// the attachment cannot be opened with mode=ro: only SELECTs ever name `live`.)

export interface ExportOptions {
  /** Called as work completes: runs copied plus artifacts copied, out of their sum. */
  onProgress?: (done: number, total: number) => void
  appVersion?: string
  /** Between batches; defaults to yielding to the event loop. */
  pause?: () => Promise<void>
}

const RUN_BATCH = 500
const ARTIFACT_PAGE = 256
const PAUSE_EVERY_BYTES = 16 * 1024 * 1024
const SHA256 = /^[0-9a-f]{64}$/

/** Rows of each table that belong to the selection (`temp.sel`), once the runs are in `main`. */
const RELATED: Record<Exclude<CopiedTable, 'runs' | 'run_steps'>, string> = {
  signals: 'run_id IN (SELECT id FROM temp.sel)',
  llm_usage: 'run_id IN (SELECT id FROM temp.sel)',
  orders: 'run_id IN (SELECT id FROM temp.sel) OR signal_id IN (SELECT id FROM main.signals)',
  order_events: 'order_id IN (SELECT id FROM main.orders)',
  executions: 'order_id IN (SELECT id FROM main.orders)',
  trades: 'run_id IN (SELECT id FROM temp.sel) OR signal_id IN (SELECT id FROM main.signals)',
  strategies: 'id IN (SELECT strategy_id FROM main.runs UNION SELECT strategy_id FROM main.signals)',
  prompt_versions:
    `id IN (SELECT prompt_version_id FROM main.signals UNION SELECT json_extract(config, ` +
    `'$.promptVersionId') FROM main.strategies WHERE json_valid(config))`,
  prompt_templates: 'id IN (SELECT template_id FROM main.prompt_versions)',
}

export async function exportBundle(
  store: Pick<Store, 'file'>,
  dataDir: string,
  selection: BundleSelection,
  destFile: string,
  now: number,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const pause = opts.pause ?? yieldToLoop
  mkdirSync(dirname(destFile), { recursive: true, mode: 0o700 })
  const temp = `${destFile}.${process.pid}.partial`
  rmSync(temp, { force: true })
  const out = openSqlite(temp, { timeout: 5000 })
  const evaluationId = 'evaluationId' in selection ? selection.evaluationId : null
  // A bundle of runs keeps format 1 (older apps read it); one with an evaluation is format 2.
  const formatVersion = evaluationId === null ? RUN_BUNDLE_FORMAT_VERSION : EVALUATION_BUNDLE_FORMAT_VERSION
  try {
    out.pragma(`application_id = ${APPLICATION_ID}`)
    out.pragma(`user_version = ${formatVersion}`)
    out.prepare('ATTACH DATABASE ? AS live').run(store.file)
    out.exec('BEGIN')

    const runCount = selectRuns(out, selection)
    out.exec(`CREATE TEMP TABLE want (sha PRIMARY KEY)`)
    out.exec(
      `INSERT OR IGNORE INTO temp.want SELECT j.value FROM temp.sel JOIN live.run_steps s ON ` +
        `s.run_id = sel.id, json_each(s.artifacts) j`,
    )
    const total = runCount + count(out, 'temp.want')
    let done = 0
    opts.onProgress?.(done, total)

    const columns = new Map<string, string[]>()
    for (const t of [...COPIED_TABLES, 'artifacts', ...(evaluationId === null ? [] : EVALUATION_TABLES)]) {
      const cols = tableColumns(out, 'live', t)
      out.exec(mirrorTableSql(t, cols, t === 'artifacts' ? ['"content" BLOB NOT NULL'] : []))
      columns.set(
        t,
        cols.map((c) => c.name),
      )
    }
    const list = (t: string) => columns.get(t)!.map(quote).join(', ')
    const copy = (t: string, where: string) =>
      out.prepare(`INSERT OR IGNORE INTO main.${t} (${list(t)}) SELECT ${list(t)} FROM live.${t} WHERE ${where}`)

    // Runs and their steps (the bulk of the rows) in keyset batches over the selection.
    const page = out.prepare('SELECT id FROM temp.sel WHERE id > ? ORDER BY id LIMIT ?').pluck()
    const batch = 'IN (SELECT id FROM temp.sel WHERE id > @lo AND id <= @hi)'
    const copyRuns = copy('runs', `id ${batch}`)
    const copySteps = copy('run_steps', `run_id ${batch}`)
    for (let lo = ''; ;) {
      const ids = page.all(lo, RUN_BATCH) as string[]
      if (ids.length === 0) break
      const hi = ids.at(-1)!
      copyRuns.run({ lo, hi })
      copySteps.run({ lo, hi })
      lo = hi
      done += ids.length
      opts.onProgress?.(done, total)
      await pause()
    }
    for (const [t, where] of Object.entries(RELATED)) copy(t, where).run()
    // Bracket children of included parents, in case a child leg was recorded without its run.
    copy('orders', 'parent_id IN (SELECT id FROM main.orders)').run()
    copy('order_events', 'order_id IN (SELECT id FROM main.orders)').run()
    copy('executions', 'order_id IN (SELECT id FROM main.orders)').run()
    if (evaluationId !== null) {
      // The evaluation's row (its request and stored report) and every decision with its fill and outcome.
      copy('evaluations', 'id = ?').run(evaluationId)
      copy('evaluation_decisions', 'evaluation_id = ?').run(evaluationId)
    }

    const artifacts = await copyArtifacts(out, dataDir, columns.get('artifacts')!, pause, () =>
      opts.onProgress?.(++done, total),
    )
    const meta: BundleMeta = {
      format: BUNDLE_FORMAT,
      formatVersion,
      appVersion: opts.appVersion ?? APP_VERSION,
      createdAt: now,
      selection,
      range: rangeOf(out, evaluationId),
      counts: countRows(out, artifacts.bytes, evaluationId !== null),
      missingArtifacts: artifacts.missing,
      ...(evaluationId === null ? {} : { missingRuns: missingRuns(out, evaluationId) }),
    }
    writeMeta(out, meta)
    copyIndexes(out)
    out.exec('COMMIT')
    out.exec('DETACH DATABASE live')
    const check = out.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`The new bundle failed quick_check: ${String(check)}`)
    out.close()
    chmodSync(temp, 0o600)
    // Never overwrite: a hard link fails if the name was taken meanwhile; then the temp name goes.
    try {
      linkSync(temp, destFile)
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST')
        throw new BundleError('invalid', `${basename(destFile)} already exists: nothing was overwritten.`)
      throw e
    }
    rmSync(temp)
    const c = meta.counts
    return {
      file: destFile,
      runs: c.runs,
      steps: c.steps,
      artifacts: c.artifacts,
      bytes: statSync(destFile).size,
      missingArtifacts: artifacts.missing,
    }
  } catch (e) {
    if (out.open) {
      if (out.inTransaction) out.exec('ROLLBACK')
      out.close()
    }
    rmSync(temp, { force: true })
    rmSync(`${temp}-journal`, { force: true })
    throw e
  }
}

/** Start times of the first and last run; with none (all deleted by retention), the evaluation's creation. */
function rangeOf(out: Database.Database, evaluationId: string | null): BundleMeta['range'] {
  const r = out.prepare('SELECT min(started_at) AS "from", max(started_at) AS "to" FROM main.runs').get() as {
    from: number | null
    to: number | null
  }
  if (r.from !== null && r.to !== null) return { from: r.from, to: r.to }
  const created = out.prepare('SELECT created_at FROM main.evaluations WHERE id = ?').pluck().get(evaluationId)
  return { from: created as number, to: created as number }
}

/**
 * The runs an evaluation's decisions name that the store no longer holds (retention deleted them):
 * the decisions still go into the bundle with their run ids, and the meta lists these as absent.
 */
function missingRuns(out: Database.Database, evaluationId: string): string[] {
  return out
    .prepare(
      'SELECT DISTINCT run_id FROM live.evaluation_decisions WHERE evaluation_id = ? AND run_id IS NOT NULL ' +
        'AND run_id NOT IN (SELECT id FROM main.runs) ORDER BY run_id',
    )
    .pluck()
    .all(evaluationId) as string[]
}

/**
 * Fill `temp.sel` with the selected run ids; refuses unknown ids and an empty selection. An
 * evaluation goes out even when retention deleted all its runs (its row, report and decisions remain).
 */
function selectRuns(out: Database.Database, selection: BundleSelection): number {
  out.exec('CREATE TEMP TABLE sel (id TEXT PRIMARY KEY)')
  if ('evaluationId' in selection) {
    const known = out.prepare('SELECT 1 FROM live.evaluations WHERE id = ?').get(selection.evaluationId)
    if (!known) throw new BundleError('not_found', `No evaluation ${selection.evaluationId}: nothing was exported.`)
    out
      .prepare(
        'INSERT OR IGNORE INTO temp.sel SELECT d.run_id FROM live.evaluation_decisions d JOIN live.runs r ' +
          'ON r.id = d.run_id WHERE d.evaluation_id = ?',
      )
      .run(selection.evaluationId)
  } else if ('runIds' in selection) {
    const add = out.prepare('INSERT OR IGNORE INTO temp.sel SELECT id FROM live.runs WHERE id = ?')
    const unknown = [...new Set(selection.runIds)].filter((id) => add.run(id).changes === 0)
    if (unknown.length > 0) {
      const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''
      throw new BundleError('not_found', `No run ${unknown.slice(0, 5).join(', ')}${more}: nothing was exported.`)
    }
  } else {
    const strategy = selection.strategyId === undefined ? '' : ' AND strategy_id = @strategyId'
    out
      .prepare(
        `INSERT INTO temp.sel SELECT id FROM live.runs WHERE started_at >= @from AND started_at <= @to${strategy}`,
      )
      .run(selection)
  }
  const n = count(out, 'temp.sel')
  if (n === 0 && !('evaluationId' in selection))
    throw new BundleError('empty', 'No runs match this selection: nothing was exported.')
  return n
}

async function copyArtifacts(
  out: Database.Database,
  dataDir: string,
  names: string[],
  pause: () => Promise<void>,
  progressed: () => void,
): Promise<{ missing: MissingArtifact[]; bytes: number }> {
  const root = resolve(dataDir)
  const page = out.prepare('SELECT rowid AS r, sha FROM temp.want WHERE rowid > ? ORDER BY rowid LIMIT ?')
  const cols = names.map(quote).join(', ')
  const row = out.prepare(`SELECT ${cols} FROM live.artifacts WHERE sha256 = ?`).raw()
  const pathAt = names.indexOf('path')
  const insert = out.prepare(
    `INSERT INTO main.artifacts (${cols}, "content") VALUES (${names.map(() => '?').join(', ')}, ?)`,
  )
  const missing: MissingArtifact[] = []
  let bytes = 0
  let sincePause = 0
  for (let last = 0; ;) {
    const refs = page.all(last, ARTIFACT_PAGE) as { r: number; sha: unknown }[]
    if (refs.length === 0) break
    for (const { r, sha } of refs) {
      last = r
      const content =
        typeof sha === 'string' && SHA256.test(sha)
          ? readChecked(row.get(sha) as unknown[] | undefined, pathAt, root, sha)
          : 'invalid_ref'
      if (typeof content === 'string') {
        missing.push({ sha256: String(sha), reason: content })
      } else {
        insert.run(...content.values, content.bytes)
        bytes += content.bytes.length
        sincePause += content.bytes.length
      }
      progressed()
      if (sincePause >= PAUSE_EVERY_BYTES) {
        sincePause = 0
        await pause()
      }
    }
    await pause()
  }
  return { missing, bytes }
}

function readChecked(
  values: unknown[] | undefined,
  pathAt: number,
  root: string,
  sha: string,
): MissingArtifact['reason'] | { values: unknown[]; bytes: Buffer } {
  if (!values) return 'no_row'
  const file = resolve(root, String(values[pathAt]))
  const rel = relative(root, file)
  if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(file)) return 'no_file'
  const bytes = readFileSync(file)
  if (createHash('sha256').update(bytes).digest('hex') !== sha) return 'corrupt'
  return { values, bytes }
}

function countRows(out: Database.Database, artifactBytes: number, evaluation: boolean): BundleCounts {
  return {
    ...(evaluation
      ? { evaluations: count(out, 'main.evaluations'), evaluationDecisions: count(out, 'main.evaluation_decisions') }
      : {}),
    runs: count(out, 'main.runs'),
    steps: count(out, 'main.run_steps'),
    signals: count(out, 'main.signals'),
    strategies: count(out, 'main.strategies'),
    promptTemplates: count(out, 'main.prompt_templates'),
    promptVersions: count(out, 'main.prompt_versions'),
    llmUsage: count(out, 'main.llm_usage'),
    orders: count(out, 'main.orders'),
    orderEvents: count(out, 'main.order_events'),
    executions: count(out, 'main.executions'),
    trades: count(out, 'main.trades'),
    artifacts: count(out, 'main.artifacts'),
    artifactBytes,
  }
}

/** The live indexes of the copied tables, so a bundle's timeline queries are as fast as the app's. */
function copyIndexes(out: Database.Database): void {
  const sqls = out
    .prepare(
      `SELECT sql FROM live.sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name ` +
        `IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .all(JSON.stringify(COPIED_TABLES)) as string[]
  for (const sql of sqls) out.exec(sql)
}

export function count(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) ?? 0
}
