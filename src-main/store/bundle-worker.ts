import { parentPort, workerData } from 'node:worker_threads'
import { importIntoFresh } from './bundle-import'
import { exportBundle } from './bundles'
import { BundleError } from './bundles-format'
import type { JobRequest, JobMessage } from './bundle-jobs'

// Worker-thread entry for bundle import and export (bundle-jobs.ts starts it): the SQLite work of
// one job runs here, so the engine's event loop keeps answering (/healthz, RPC, SIGTERM) whatever
// the file does. Progress, the result or the error go back as messages.

const req = workerData as JobRequest
const post = (m: JobMessage) => parentPort!.postMessage(m)

async function run(): Promise<unknown> {
  if (req.kind === 'import') {
    return importIntoFresh(req.sourceFile, req.destFile, req.label, req.caps, (phase, done, total) =>
      post({ t: 'progress', phase, done, total }),
    )
  }
  return exportBundle({ file: req.storeFile }, req.dataDir, req.selection, req.destFile, req.now, {
    appVersion: req.appVersion,
    onProgress: (done, total) => post({ t: 'progress', phase: 'copying', done, total }),
    pause: () => Promise.resolve(),
  })
}

run().then(
  (result) => post({ t: 'done', result }),
  (e: unknown) =>
    post({
      t: 'error',
      bundle: e instanceof BundleError ? e.kind : null,
      message: e instanceof Error ? e.message : String(e),
    }),
)
