import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type Database from 'better-sqlite3'
import { openSqlite } from './sqlite'
import { getTableColumns, getTableName } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import type { BundleCounts, BundleMeta } from '../contract/bundles-api'
import type { EvaluationDecision, EvaluationListItem, EvaluationReport } from '../contract/evaluations-api'
import type { RunStep, RunSummary } from '../contract/models'
import { checkBundleFile } from './bundle-import'
import { BundleError, quote, readMeta, tableColumns, yieldToLoop } from './bundles-format'
import { decisionPage, evaluationListItem, getEvaluation, listEvaluations } from './evaluation-repo'
import { getRun, listRuns, stepStats, type RunFilter, type StepStats } from './lineage-repo'
import * as schema from './schema'

// Reading a bundle (F20): a read-only "review library" that answers with exactly the shapes of the
// live lineage store, because it runs the very same lineage-repo queries against the bundle's
// copies of `runs` and `run_steps`. No gateway, no key and no live database are involved.

export interface ReviewLibrary {
  file: string
  meta: BundleMeta
  listRuns(filter: RunFilter): RunSummary[]
  getRun(runId: string): (RunSummary & { steps: RunStep[] }) | null
  stepStats(from: number, to: number): StepStats[]
  /** The artifact's bytes, checked against its sha256; null when the bundle does not hold it. */
  readArtifact(sha256: string): { mime: string; content: Buffer } | null
  /** The evaluations of an evaluation bundle (F25), with their stored reports and decisions. */
  listEvaluations(): EvaluationListItem[]
  /** null: no such evaluation in this bundle, or it has no report. */
  evaluationReport(evaluationId: string): EvaluationReport | null
  evaluationDecisions(
    evaluationId: string,
    q: { arm?: number; offset?: number; limit?: number; tradesOnly?: boolean },
  ): EvaluationDecision[]
  close(): void
}

/** Open a bundle read-only. Refuses a missing file, a file that is not a bundle, or an unknown format. */
export function openBundle(file: string): ReviewLibrary {
  const { sqlite, meta } = openChecked(file)
  try {
    shimMissingColumns(sqlite)
    const db = drizzle(sqlite, { schema })
    const artifact = sqlite.prepare('SELECT mime, content FROM artifacts WHERE sha256 = ?')
    // A run bundle (or a library imported before F25) has no evaluation tables.
    const hasEvaluations =
      sqlite
        .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'evaluation_decisions'`)
        .pluck()
        .get() === 1
    return {
      file,
      meta,
      // A bundle holds what the user chose to export: its evaluation runs are listed too.
      listRuns: (f) => listRuns(db, { includeEval: true, ...f }),
      getRun: (id) => getRun(db, id),
      stepStats: (from, to) => stepStats(db, from, to),
      readArtifact(sha256) {
        const row = artifact.get(sha256) as { mime: string; content: Buffer } | undefined
        if (!row) return null
        if (createHash('sha256').update(row.content).digest('hex') !== sha256) {
          throw new BundleError('invalid', `Artifact ${sha256} in ${basename(file)} is damaged.`)
        }
        return { mime: row.mime, content: row.content }
      },
      listEvaluations: () => (hasEvaluations ? listEvaluations(db).map(evaluationListItem) : []),
      evaluationReport: (id) =>
        hasEvaluations ? ((getEvaluation(db, id)?.report ?? null) as EvaluationReport | null) : null,
      evaluationDecisions: (id, q) => (hasEvaluations ? decisionPage(db, id, q) : []),
      close: () => sqlite.close(),
    }
  } catch (e) {
    sqlite.close()
    throw e
  }
}

/**
 * Everything import checks before a bundle joins the review library: the file's integrity
 * (quick_check), its meta, that the row counts match what the meta promises, and the sha256 and
 * size of every artifact. Returns the meta; throws a BundleError saying what is wrong.
 */
export async function validateBundle(
  file: string,
  opts: { label?: string; pause?: () => Promise<void> } = {},
): Promise<BundleMeta> {
  const name = opts.label ?? basename(file)
  const pause = opts.pause ?? yieldToLoop
  const { sqlite, meta } = openChecked(file, name)
  try {
    const check = sqlite.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new BundleError('invalid', `${name} is damaged (integrity check: ${String(check)}).`)
    const actual = countsOf(sqlite)
    for (const [k, v] of Object.entries(actual) as [keyof BundleCounts, number][]) {
      if (meta.counts[k] !== v)
        throw new BundleError(
          'invalid',
          `${name} does not match its description (${k}: ${v}, expected ${meta.counts[k]}).`,
        )
    }
    let n = 0
    for (const a of sqlite.prepare('SELECT sha256, bytes, content FROM artifacts').iterate() as IterableIterator<{
      sha256: string
      bytes: number
      content: Buffer
    }>) {
      const ok =
        Buffer.isBuffer(a.content) &&
        a.content.length === a.bytes &&
        createHash('sha256').update(a.content).digest('hex') === a.sha256
      if (!ok) throw new BundleError('invalid', `${name} holds a damaged artifact (${String(a.sha256)}).`)
      if (++n % 64 === 0) await pause()
    }
    return meta
  } catch (e) {
    if (e instanceof BundleError) throw e
    throw new BundleError('invalid', `${name} is damaged and cannot be read (${(e as Error).message}).`)
  } finally {
    sqlite.close()
  }
}

function openChecked(file: string, name = basename(file)): { sqlite: Database.Database; meta: BundleMeta } {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new BundleError('not_found', `No bundle named ${name} was found.`)
  let sqlite: Database.Database
  try {
    sqlite = openSqlite(file, { readonly: true, fileMustExist: true })
  } catch (e) {
    throw new BundleError('invalid', `${name} cannot be opened (${(e as Error).message}).`)
  }
  try {
    // Before anything is read: a view, trigger or unknown object is refused by name, never run.
    checkBundleFile(sqlite, name)
    return { sqlite, meta: readMeta(sqlite, name) }
  } catch (e) {
    sqlite.close()
    throw e
  }
}

function countsOf(sqlite: Database.Database): BundleCounts {
  const has = (t: string) =>
    sqlite.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(t) === 1
  const n = (t: string) =>
    sqlite
      .prepare(`SELECT count(*) FROM ${quote(t)}`)
      .pluck()
      .get() as number
  return {
    runs: n('runs'),
    steps: n('run_steps'),
    signals: n('signals'),
    strategies: n('strategies'),
    promptTemplates: n('prompt_templates'),
    promptVersions: n('prompt_versions'),
    llmUsage: n('llm_usage'),
    orders: n('orders'),
    orderEvents: n('order_events'),
    executions: n('executions'),
    trades: n('trades'),
    artifacts: n('artifacts'),
    artifactBytes: sqlite.prepare('SELECT coalesce(sum(length(content)), 0) FROM artifacts').pluck().get() as number,
    ...(has('evaluations') ? { evaluations: n('evaluations') } : {}),
    ...(has('evaluation_decisions') ? { evaluationDecisions: n('evaluation_decisions') } : {}),
  }
}

/**
 * A bundle written before a column was added to `runs` or `run_steps` lacks it; a TEMP view
 * (searched before `main`) supplies it as NULL, so the current lineage queries still read the file.
 */
function shimMissingColumns(sqlite: Database.Database): void {
  for (const table of [schema.runs, schema.runSteps]) {
    const name = getTableName(table)
    const have = new Set(tableColumns(sqlite, 'main', name).map((c) => c.name))
    const lacking = Object.values(getTableColumns(table))
      .map((c) => c.name)
      .filter((c) => !have.has(c))
    if (lacking.length === 0) continue
    sqlite.exec(
      `CREATE TEMP VIEW ${quote(name)} AS SELECT *, ` +
        `${lacking.map((c) => `NULL AS ${quote(c)}`).join(', ')} FROM main.${quote(name)}`,
    )
  }
}
