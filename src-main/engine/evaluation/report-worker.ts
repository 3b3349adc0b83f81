import { parentPort, workerData } from 'node:worker_threads'
import { buildReport, type ReportInput } from './report'

// Worker-thread entry for an evaluation's report (report-jobs.ts starts it): the bootstrap intervals,
// the 1,000-seed random baseline and the paired statistics run here, so the engine keeps answering.

try {
  parentPort!.postMessage({ t: 'done', report: buildReport(workerData as ReportInput) })
} catch (e) {
  parentPort!.postMessage({ t: 'error', message: e instanceof Error ? e.message : String(e) })
}
