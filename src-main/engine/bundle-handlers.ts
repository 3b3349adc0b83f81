import { existsSync, mkdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { z } from 'zod'
import {
  BUNDLE_EXT,
  type BundleProgress,
  DEFAULT_RETENTION_POLICY,
  RetentionPolicy,
  RetentionResult,
  type BundleSelection,
  type RetentionState,
  type bundleMethods,
} from '../contract/bundles-api'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import { exportInWorker } from '../store/bundle-jobs'
import {
  BundleError,
  importBundle,
  listReviewLibraries,
  openBundle,
  removeReviewLibrary,
  reviewLibraryFile,
  type ReviewLibrary,
} from '../store/bundles'
import type { Store } from '../store/db'
import { createExclusive, createRetentionJob, type Exclusive, type RetentionJob } from '../store/retention'
import { readSettings, writeSettings } from '../store/settings-repo'
import type { Timers } from '../timers'

// RPC for portable bundles (F20) and retention (F21). Exports and retention runs take turns
// (`exclusive`), so a cleanup never deletes an artifact file an export is about to read.

type Methods = typeof bundleMethods
export type BundleMethod = keyof Methods
/** Typed from the bundle contract alone; the same shape as the dispatcher's `Handlers` entries. */
export type BundleHandlers = {
  [M in BundleMethod]: (
    input: z.output<Methods[M]['input']>,
  ) => Promise<z.output<Methods[M]['output']>> | z.output<Methods[M]['output']>
}

export const RETENTION_KEY = 'retention'
export const RETENTION_LAST_RUN_KEY = 'retention.lastRun'
const LINEAGE_TABLES = ['runs', 'run_steps', 'signals', 'llm_usage', 'schedule_fires', 'artifacts']

export interface BundleDeps {
  store: Store
  dataDir: string
  now: () => number
  appVersion: string
  retention: RetentionJob
  exclusive: Exclusive
  bus?: EventBus
  /** A path the host itself chose (the desktop app's save dialog): the only export target outside exports/. */
  exportTargetApproved?: (file: string) => boolean
  /** Import and export time limits (default 10 minutes each). */
  jobTimeoutMs?: number
}

export const EXPORTS_DIR = 'exports'
const JOB_TIMEOUT_MS = 10 * 60_000

/** The stored policy; a missing or unreadable one means retention is off (never delete on doubt). */
export function readRetentionPolicy(store: Store): RetentionPolicy | null {
  const parsed = RetentionPolicy.safeParse(readSettings(store.db).get(RETENTION_KEY))
  return parsed.success ? parsed.data : null
}

export function createBundleHandlers(d: BundleDeps): BundleHandlers {
  function state(): RetentionState {
    const rows = readSettings(d.store.db)
    const last = rows.get(RETENTION_LAST_RUN_KEY) as { at?: unknown; result?: unknown } | undefined
    const result = RetentionResult.safeParse(last?.result)
    return {
      policy: readRetentionPolicy(d.store),
      defaults: DEFAULT_RETENTION_POLICY,
      lastRun: result.success && typeof last?.at === 'number' ? { at: last.at, result: result.data } : null,
    }
  }

  const jobs = new Map<string, AbortController>()
  /** Run a bundle job with progress events under its id (one at a time per id), cancellable. */
  async function job<T>(
    op: BundleProgress['op'],
    id: string | undefined,
    run: (o: {
      signal: AbortSignal
      onProgress: (phase: BundleProgress['phase'], done: number, total: number) => void
    }) => Promise<T>,
  ): Promise<T> {
    const key = id ?? `${op}-${jobs.size}-${d.now()}`
    if (jobs.has(key)) throw new RpcError('CONFLICT', `A bundle job "${key}" is already running.`)
    const abort = new AbortController()
    jobs.set(key, abort)
    try {
      return await run({
        signal: abort.signal,
        onProgress: (phase, done, total) => d.bus?.emit('bundles.progress', { job: key, op, phase, done, total }),
      })
    } finally {
      jobs.delete(key)
    }
  }

  /** Where an export goes: DATA_DIR/exports/<name> (never overwritten), or a path the host approved. */
  function exportTarget(file: string | undefined, name: string): string {
    const exportsDir = join(d.dataDir, EXPORTS_DIR)
    if (file !== undefined && !d.exportTargetApproved?.(file) && dirname(resolve(file)) !== resolve(exportsDir))
      throw new RpcError(
        'FORBIDDEN',
        `Bundles are exported to the data folder's ${EXPORTS_DIR}/ ` +
          `folder: give a name (like "${basename(file, BUNDLE_EXT)}") ` +
          `instead of a path.`,
      )
    mkdirSync(exportsDir, { recursive: true, mode: 0o700 })
    const want = file ?? join(exportsDir, `${name}${BUNDLE_EXT}`)
    const stem = want.slice(0, -BUNDLE_EXT.length)
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? want : `${stem}-${n}${BUNDLE_EXT}`
      if (!existsSync(candidate)) return candidate
    }
    throw new RpcError('CONFLICT', `Too many exports named ${basename(want)}: choose another name.`)
  }

  function withLibrary<T>(id: string, fn: (lib: ReviewLibrary) => T): T {
    const lib = translate(() => openBundle(reviewLibraryFile(d.dataDir, id)), `No review library ${id}.`)
    try {
      return fn(lib)
    } finally {
      lib.close()
    }
  }

  return {
    'lineage.export': async ({ selection, file, name, job: id }) => {
      const at = d.now()
      const timeoutMs = d.jobTimeoutMs ?? JOB_TIMEOUT_MS
      return translateAsync(() =>
        job('export', id, (o) =>
          d.exclusive(() =>
            exportInWorker(
              {
                storeFile: d.store.file,
                dataDir: d.dataDir,
                selection,
                destFile: exportTarget(file, name ?? defaultName(selection, at)),
                now: at,
                appVersion: d.appVersion,
              },
              { ...o, timeoutMs },
            ),
          ),
        ),
      )
    },
    'lineage.import': ({ file, job: id }) =>
      translateAsync(() =>
        job('import', id, (o) => importBundle(d.dataDir, file, d.now(), { ...o, timeoutMs: d.jobTimeoutMs })),
      ),
    'bundles.cancel': ({ job: id }) => {
      const running = jobs.get(id)
      running?.abort()
      return { cancelled: running !== undefined }
    },
    'review.list': () => listReviewLibraries(d.dataDir),
    'review.remove': ({ id }) => {
      translate(() => removeReviewLibrary(d.dataDir, id))
      return listReviewLibraries(d.dataDir)
    },
    'review.listRuns': ({ id, ...filter }) => withLibrary(id, (lib) => lib.listRuns(filter)),
    'review.getRun': ({ id, runId }) =>
      withLibrary(id, (lib) => {
        const run = lib.getRun(runId)
        if (!run) throw new RpcError('NOT_FOUND', `No run ${runId} in this bundle`)
        return run
      }),
    'review.stepStats': ({ id, from, to }) => withLibrary(id, (lib) => lib.stepStats(from, to)),
    'review.getArtifact': ({ id, sha256 }) =>
      withLibrary(id, (lib) => {
        const a = translate(() => lib.readArtifact(sha256))
        if (!a) throw new RpcError('NOT_FOUND', `No artifact ${sha256} in this bundle`)
        const url = `/artifacts/${sha256}?${new URLSearchParams({ review: id }).toString()}`
        return { sha256, mime: a.mime, bytes: a.content.length, url }
      }),
    'review.listEvaluations': ({ id }) => withLibrary(id, (lib) => lib.listEvaluations()),
    'review.evaluationReport': ({ id, evaluationId }) =>
      withLibrary(id, (lib) => {
        const report = lib.evaluationReport(evaluationId)
        if (!report) throw new RpcError('NOT_FOUND', `No evaluation report ${evaluationId} in this bundle`)
        return report
      }),
    'review.evaluationDecisions': ({ id, evaluationId, ...q }) =>
      withLibrary(id, (lib) => lib.evaluationDecisions(evaluationId, q)),
    'retention.get': () => state(),
    'retention.set': ({ policy }) => {
      writeSettings(
        d.store.db,
        new Map([[RETENTION_KEY, policy]]),
        { actor: 'user', action: 'retention.set', details: { policy } },
        d.now(),
      )
      d.bus?.emit('db.changed', { tables: ['settings', 'audit_log'] })
      return state()
    },
    'retention.run': async () => {
      if (!readRetentionPolicy(d.store))
        throw new RpcError('CONFLICT', 'Retention is off: save a retention policy first.')
      const result = await d.retention.runNow()
      if (!result)
        throw new RpcError(
          'UNAVAILABLE',
          'Retention did not run: the app is shutting down or retention was just turned off.',
        )
      return result
    },
  }
}

/** `evaluation-<id>` for an evaluation, `run-<id>` for one run, otherwise `runs-<UTC date and time>`. */
function defaultName(selection: BundleSelection, at: number): string {
  if ('evaluationId' in selection)
    return `evaluation-${selection.evaluationId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}`
  if ('runIds' in selection && selection.runIds.length === 1)
    return `run-${selection.runIds[0]!.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 70)}`
  return `runs-${new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`
}

function toRpc(e: unknown, notFound?: string): unknown {
  if (!(e instanceof BundleError)) return e
  if (e.kind === 'invalid') return new RpcError('BAD_INPUT', e.message)
  if (e.kind === 'cancelled') return new RpcError('CONFLICT', e.message)
  return new RpcError('NOT_FOUND', notFound ?? e.message)
}

function translate<T>(fn: () => T, notFound?: string): T {
  try {
    return fn()
  } catch (e) {
    throw toRpc(e, notFound)
  }
}

async function translateAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw toRpc(e)
  }
}

export interface BundleServices {
  deps: BundleDeps
  /** Stop the daily retention job and wait for a run in progress. */
  stop(): Promise<void>
}

/** Everything the bundle and retention methods need, with the daily retention job started. */
export function createBundleServices(o: {
  store: Store
  dataDir: string
  now: () => number
  timers: Timers
  appVersion: string
  bus?: EventBus
  onError?: (err: unknown) => void
}): BundleServices {
  const exclusive = createExclusive()
  const retention = createRetentionJob({
    store: o.store,
    dataDir: o.dataDir,
    now: o.now,
    timers: o.timers,
    exclusive,
    policy: () => readRetentionPolicy(o.store),
    onError: o.onError,
    onResult(result, at) {
      writeSettings(
        o.store.db,
        new Map([[RETENTION_LAST_RUN_KEY, { at, result }]]),
        { actor: 'system', action: 'retention.run', details: { ...result } },
        at,
      )
      const tables =
        result.runsDeleted + result.artifactsDeleted > 0
          ? [...LINEAGE_TABLES, 'settings', 'audit_log']
          : ['settings', 'audit_log']
      o.bus?.emit('db.changed', { tables })
    },
  })
  return {
    deps: {
      store: o.store,
      dataDir: o.dataDir,
      now: o.now,
      appVersion: o.appVersion,
      retention,
      exclusive,
      bus: o.bus,
    },
    stop: () => retention.stop(),
  }
}
