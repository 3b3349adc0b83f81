import { existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { BundleSelection, ExportResult } from '../contract/bundles-api'
import type { ImportCaps, ImportedBundle, ImportPhase } from './bundle-import'
import { BundleError, type BundleErrorKind } from './bundles-format'

// Bundle import and export off the main thread: one worker thread per job, progress relayed as it
// comes, a timeout, and cancel. When a job times out or is cancelled the worker is terminated and
// its partial output removed; the engine never waited on it.

export type JobRequest =
  | { kind: 'import'; sourceFile: string; destFile: string; label: string; caps: ImportCaps }
  | {
      kind: 'export'
      storeFile: string
      dataDir: string
      selection: BundleSelection
      destFile: string
      now: number
      appVersion: string
    }

export type JobMessage =
  | { t: 'progress'; phase: ImportPhase; done: number; total: number }
  | { t: 'done'; result: unknown }
  | { t: 'error'; bundle: BundleErrorKind | null; message: string }

export interface JobOptions {
  timeoutMs: number
  onProgress?: (phase: ImportPhase, done: number, total: number) => void
  signal?: AbortSignal
}

/** The built worker next to the bundled main (out/main), or the TypeScript source through tsx (tests). */
function startWorker(req: JobRequest): Worker {
  // Bundled, this code sits in out/main or out/main/chunks; the worker entry is out/main/bundle-worker.js.
  for (const built of [join(__dirname, 'bundle-worker.js'), join(__dirname, '..', 'bundle-worker.js')])
    if (existsSync(built)) return new Worker(built, { workerData: req })
  const source = join(__dirname, 'bundle-worker.ts')
  const tsx = createRequire(join(__dirname, 'noop.js')).resolve('tsx/cjs')
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)})`, {
    eval: true,
    workerData: req,
  })
}

function runJob<T>(req: JobRequest, opts: JobOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker(req)
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const stop = (err: Error) =>
      finish(() => {
        void worker.terminate()
        rmSync(req.destFile, { force: true })
        rmSync(`${req.destFile}-journal`, { force: true })
        reject(err)
      })
    const what = req.kind === 'import' ? 'Import' : 'Export'
    const timer = setTimeout(
      () =>
        stop(
          new BundleError(
            'invalid',
            `${what} stopped: it took longer than ${Math.ceil(opts.timeoutMs / 1000)} s. Nothing was changed.`,
          ),
        ),
      opts.timeoutMs,
    )
    timer.unref()
    const onAbort = () => stop(new BundleError('cancelled', `${what} cancelled. Nothing was changed.`))
    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort)
    // Progress is relayed on a phase change, at the end of a phase, or every 100 ms: a big file
    // reports per megabyte, which would otherwise be hundreds of events a second.
    let lastPhase = ''
    let lastAt = 0
    worker.on('message', (m: JobMessage) => {
      if (m.t === 'progress') {
        const at = performance.now()
        if (m.phase !== lastPhase || m.done >= m.total || at - lastAt >= 100) {
          lastPhase = m.phase
          lastAt = at
          opts.onProgress?.(m.phase, m.done, m.total)
        }
      } else if (m.t === 'done') finish(() => resolve(m.result as T))
      else finish(() => reject(m.bundle ? new BundleError(m.bundle, m.message) : new Error(m.message)))
      if (m.t !== 'progress') void worker.terminate()
    })
    worker.on('error', (e) => finish(() => reject(e)))
    worker.on('exit', (code) => finish(() => reject(new Error(`The ${req.kind} worker stopped (exit ${code}).`))))
  })
}

export const importInWorker = (
  r: Omit<Extract<JobRequest, { kind: 'import' }>, 'kind'>,
  o: JobOptions,
): Promise<ImportedBundle> => runJob({ kind: 'import', ...r }, o)

export const exportInWorker = (
  r: Omit<Extract<JobRequest, { kind: 'export' }>, 'kind'>,
  o: JobOptions,
): Promise<ExportResult> => runJob({ kind: 'export', ...r }, o)
