import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { ReportFigures, ReportInput } from './report'

// The report off the main thread (EVALUATION.md §9: the UI never blocks): one worker thread per
// report, the built entry next to the bundled main, or the TypeScript source through tsx (tests).

function startWorker(input: ReportInput): Worker {
  for (const built of [join(__dirname, 'report-worker.js'), join(__dirname, '..', 'report-worker.js')])
    if (existsSync(built)) return new Worker(built, { workerData: input })
  const source = join(__dirname, 'report-worker.ts')
  const tsx = createRequire(join(__dirname, 'noop.js')).resolve('tsx/cjs')
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)})`, {
    eval: true,
    workerData: input,
  })
}

export function buildReportOffThread(input: ReportInput): Promise<ReportFigures> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(input)
    let settled = false
    worker.once('message', (m: { t: 'done'; report: ReportFigures } | { t: 'error'; message: string }) => {
      settled = true
      if (m.t === 'done') resolve(m.report)
      else reject(new Error(`The report could not be computed: ${m.message}`))
      void worker.terminate()
    })
    worker.once('error', (e) => {
      settled = true
      reject(e)
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The report worker stopped (exit code ${code}) before it answered.`))
    })
  })
}
