import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type Database from 'better-sqlite3'
import type { RetentionPolicy, RetentionResult } from '../contract/bundles-api'
import type { Timers } from '../timers'
import { quote, yieldToLoop } from './bundles-format'
import type { Store } from './db'

// Retention (F21). Runs older than the window go, with their steps, signals and LLM usage, in
// short transactions of at most BATCH runs (the writer is never held long and the event loop runs
// between batches). A run stays when anything else still points at it: the trading ledger
// (orders, trades; executions hang off orders), a replay of it, or any table added later that
// references `runs` or `signals` (found through PRAGMA foreign_key_list, so the rule cannot drift
// from the schema). Running runs always stay. Then artifact rows and files no remaining step
// references, and files under DATA_DIR/artifacts with no row, are deleted once older than the
// artifact window. Every decision is re-checked inside the transaction that acts on it.

export const DAY_MS = 86_400_000
const BATCH = 500

/** Children deleted with their run; schedule_fires keeps its row and forgets the run. */
const DELETED_WITH_RUN = ['run_steps', 'signals', 'llm_usage']
const UNLINKED_FROM_RUN = ['schedule_fires']

export interface RetentionOptions {
  pause?: () => Promise<void>
  batchSize?: number
}

export async function applyRetention(
  store: Store,
  dataDir: string,
  policy: RetentionPolicy,
  now: number,
  opts: RetentionOptions = {},
): Promise<RetentionResult> {
  const pause = opts.pause ?? yieldToLoop
  const db = store.sqlite
  const runCutoff = now - policy.keepRunsDays * DAY_MS
  const artifactCutoff = now - policy.keepArtifactsDays * DAY_MS
  const r: RetentionResult = {
    runsDeleted: 0,
    stepsDeleted: 0,
    signalsDeleted: 0,
    llmUsageDeleted: 0,
    runsKept: 0,
    artifactsDeleted: 0,
    orphanFilesDeleted: 0,
    bytesFreed: 0,
  }

  const pick = db
    .prepare(
      `SELECT id FROM runs WHERE started_at < @cutoff AND status <> 'running' ` +
        `${protectedRunsClause(db)} ORDER BY started_at, id LIMIT @limit`,
    )
    .pluck()
  const ids = 'IN (SELECT value FROM json_each(@ids))'
  const unlink = UNLINKED_FROM_RUN.map((t) => db.prepare(`UPDATE ${quote(t)} SET run_id = NULL WHERE run_id ${ids}`))
  const [steps, signals, usage] = DELETED_WITH_RUN.map((t) => db.prepare(`DELETE FROM ${quote(t)} WHERE run_id ${ids}`))
  const runs = db.prepare(`DELETE FROM runs WHERE id ${ids}`)
  const deleteBatch = db.transaction((): number => {
    const batch = pick.all({ cutoff: runCutoff, limit: opts.batchSize ?? BATCH }) as string[]
    if (batch.length === 0) return 0
    const p = { ids: JSON.stringify(batch) }
    for (const u of unlink) u.run(p)
    r.stepsDeleted += steps!.run(p).changes
    r.signalsDeleted += signals!.run(p).changes
    r.llmUsageDeleted += usage!.run(p).changes
    r.runsDeleted += runs.run(p).changes
    return batch.length
  })
  while (deleteBatch() > 0) await pause()
  r.runsKept = db.prepare('SELECT count(*) FROM runs WHERE started_at < ?').pluck().get(runCutoff) as number

  await deleteUnreferencedArtifacts(db, dataDir, artifactCutoff, r, pause, opts.batchSize ?? BATCH)
  await deleteOrphanFiles(db, dataDir, artifactCutoff, r, pause)
  return r
}

/**
 * `AND id NOT IN (…)` for every reference to a run, or to one of its signals, from a row that
 * does not go with the run: orders, trades, replays, and whatever references them in the future.
 */
function protectedRunsClause(db: Database.Database): string {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[]
  const parts: string[] = []
  for (const t of tables) {
    const fks = db.prepare('SELECT "table" AS target, "from" AS col FROM pragma_foreign_key_list(?)').all(t) as {
      target: string
      col: string
    }[]
    for (const fk of fks) {
      const c = quote(fk.col)
      if (fk.target === 'runs' && !DELETED_WITH_RUN.includes(t) && !UNLINKED_FROM_RUN.includes(t)) {
        parts.push(`AND id NOT IN (SELECT ${c} FROM ${quote(t)} WHERE ${c} IS NOT NULL)`)
      } else if (fk.target === 'signals') {
        parts.push(
          `AND id NOT IN (SELECT run_id FROM signals WHERE id IN (SELECT ${c} FROM ${quote(t)} WHERE ` +
            `${c} IS NOT NULL))`,
        )
      }
    }
  }
  return parts.join(' ')
}

async function deleteUnreferencedArtifacts(
  db: Database.Database,
  dataDir: string,
  cutoff: number,
  r: RetentionResult,
  pause: () => Promise<void>,
  batchSize: number,
): Promise<void> {
  // Candidates: old rows no step references right now. Steps recorded after this point (id above
  // `seen`) are checked again in each batch, so an artifact picked up meanwhile is kept.
  const seen = (db.prepare('SELECT coalesce(max(id), 0) FROM run_steps').pluck().get() as number) ?? 0
  db.exec('DROP TABLE IF EXISTS temp.retention_candidates')
  db.exec('CREATE TEMP TABLE retention_candidates (sha256 TEXT PRIMARY KEY)')
  try {
    db.prepare(
      `INSERT INTO temp.retention_candidates SELECT sha256 FROM artifacts WHERE created_at < ? ` +
        `AND sha256 NOT IN (SELECT j.value FROM run_steps s, json_each(s.artifacts) j WHERE j.type ` +
        `= 'text')`,
    ).run(cutoff)
    const page = db.prepare(
      'SELECT rowid AS rid, sha256 FROM temp.retention_candidates WHERE rowid > ? ORDER BY rowid LIMIT ?',
    )
    const newlyReferenced = db
      .prepare(`SELECT DISTINCT j.value FROM run_steps s, json_each(s.artifacts) j WHERE s.id > ? AND j.type = 'text'`)
      .pluck()
    const row = db.prepare('SELECT path FROM artifacts WHERE sha256 = ? AND created_at < ?').pluck()
    const del = db.prepare('DELETE FROM artifacts WHERE sha256 = ?')
    const deleteBatch = db.transaction((batch: string[]): string[] => {
      const keep = new Set(newlyReferenced.all(seen) as string[])
      const paths: string[] = []
      for (const sha of batch) {
        const path = keep.has(sha) ? undefined : (row.get(sha, cutoff) as string | undefined)
        if (path === undefined) continue
        del.run(sha)
        paths.push(path)
      }
      return paths
    })
    for (let last = 0; ;) {
      const rows = page.all(last, batchSize) as { rid: number; sha256: string }[]
      if (rows.length === 0) break
      last = rows.at(-1)!.rid
      // Rows go first, files right after in the same tick: a crash in between leaves only orphan
      // files, which the next pass removes; nothing can re-reference a row between the two.
      for (const path of deleteBatch(rows.map((x) => x.sha256))) {
        r.artifactsDeleted++
        r.bytesFreed += removeFile(dataDir, path)
      }
      await pause()
    }
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.retention_candidates')
  }
}

const ARTIFACT_FILE = /^([0-9a-f]{64})(\.[a-z]+)?(\.\d+\.tmp)?$/

/** Files under DATA_DIR/artifacts named like artifacts that no row describes (or leftover temp files). */
async function deleteOrphanFiles(
  db: Database.Database,
  dataDir: string,
  cutoff: number,
  r: RetentionResult,
  pause: () => Promise<void>,
): Promise<void> {
  const root = join(dataDir, 'artifacts')
  if (!existsSync(root)) return
  const rowPath = db.prepare('SELECT path FROM artifacts WHERE sha256 = ?').pluck()
  for (const sub of readdirSync(root).sort()) {
    const dir = join(root, sub)
    if (!/^[0-9a-f]{2}$/.test(sub) || !statSync(dir).isDirectory()) continue
    for (const name of readdirSync(dir).sort()) {
      const m = ARTIFACT_FILE.exec(name)
      if (!m) continue
      const file = join(dir, name)
      const st = statSync(file)
      if (!st.isFile() || st.mtimeMs >= cutoff) continue
      const stored = m[3] ? undefined : (rowPath.get(m[1]!) as string | undefined)
      const described = stored !== undefined && slashes(stored) === slashes(relative(dataDir, file))
      if (described) continue
      rmSync(file)
      r.orphanFilesDeleted++
      r.bytesFreed += st.size
    }
    await pause()
  }
}

const slashes = (p: string) => p.replaceAll('\\', '/')

function removeFile(dataDir: string, path: string): number {
  const file = join(dataDir, path)
  if (!existsSync(file)) return 0
  const size = statSync(file).size
  rmSync(file)
  return size
}

export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>

/** Runs jobs one after another (retention and exports never interleave their file work). */
export function createExclusive(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn)
    tail = run.catch(() => undefined)
    return run
  }
}

export interface RetentionJobOptions {
  store: Store
  dataDir: string
  /** The policy in force; `null` means retention is off and a tick does nothing. */
  policy: () => RetentionPolicy | null
  now: () => number
  timers: Timers
  exclusive?: Exclusive
  /** First run this long after start (default 10 minutes), then every `everyMs` (default a day). */
  firstRunAfterMs?: number
  everyMs?: number
  onResult?: (result: RetentionResult, at: number) => void
  onError?: (err: unknown) => void
  pause?: () => Promise<void>
}

export interface RetentionJob {
  /** Apply the policy now (a run already in progress is shared); null when retention is off. */
  runNow(): Promise<RetentionResult | null>
  /** Cancel the timers and wait for a run in progress. */
  stop(): Promise<void>
}

export function createRetentionJob(o: RetentionJobOptions): RetentionJob {
  const exclusive = o.exclusive ?? createExclusive()
  let running: Promise<RetentionResult | null> | null = null
  let stopped = false

  function runNow(): Promise<RetentionResult | null> {
    if (stopped) return Promise.resolve(null)
    running ??= exclusive(async () => {
      const policy = o.policy()
      if (!policy || stopped) return null
      const at = o.now()
      const result = await applyRetention(o.store, o.dataDir, policy, at, { pause: o.pause })
      o.onResult?.(result, at)
      return result
    }).finally(() => {
      running = null
    })
    return running
  }

  const tick = () => void runNow().catch((e: unknown) => o.onError?.(e))
  const cancel = [o.timers.after(tick, o.firstRunAfterMs ?? 10 * 60_000), o.timers.every(tick, o.everyMs ?? DAY_MS)]
  return {
    runNow,
    async stop() {
      stopped = true
      for (const c of cancel) c()
      await running?.catch(() => undefined)
    },
  }
}
