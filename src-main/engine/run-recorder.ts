import { redactPaths } from '../rpc/redact'
import { StepId, type RunStep, type RunSummary } from '../contract/models'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { createRun, finishRun, getRunSummary, recordSteps, type StepRecord } from '../store/lineage-repo'
import { StepFailure } from './steps/types'

export { StepFailure }

// Runs every step of a run through one wrapper (F8): the step's input, output or error (with its
// stack and any partial output), artifacts and duration become a `run_steps` row when the step ends,
// and a `lineage.stepRecorded` event. A failing lineage write never changes what the step did: it is
// retried once, then counted and raised as an alert, never swallowed silently.

export interface RunRecorderDeps {
  db: Db
  bus: EventBus
  now: () => number
  /** Monotonic milliseconds for durations. */
  perfNow: () => number
  appVersion: string
}

/**
 * What a step's return value records: top-level keys starting with `_` are handed to the next steps
 * in memory (bars, images, parsed answers) and never written; everything else is the recorded output.
 */
export function recordedOutput(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('_')))
}

export interface StepContext {
  /** Add an artifact hash to this step's record. */
  artifact(sha256: string): void
  /** What the step had produced so far, kept if it then fails. */
  partial(output: unknown): void
}

export interface RunRecorder {
  readonly runId: string
  step<T>(step: StepId, input: unknown, fn: (ctx: StepContext) => Promise<T>): Promise<T>
  /** Record a step that did not run, with why (`output`). */
  skip(step: StepId, input: unknown, output: unknown): void
  finish(status: 'succeeded' | 'failed' | 'aborted', error?: string | null, summary?: unknown): void
  /** Lineage writes that failed even after a retry (shown in the UI; a healthy store keeps 0). */
  failedWrites(): number
}

const SEQ = new Map(StepId.options.map((s, i) => [s, i]))

export function startRun(
  d: RunRecorderDeps,
  run: {
    id: string
    strategyId: string | null
    trigger: RunSummary['trigger']
    scheduledFor: number | null
    replayOf: string | null
    daySeq?: number | null
  },
  opts: { holdSteps?: boolean } = {},
): RunRecorder {
  createRun(d.db, { ...run, startedAt: d.now(), appVersion: d.appVersion })
  const attempts = new Map<StepId, number>()
  let failed = 0
  const announce = () => {
    // The summary alone: reading and parsing every step row twice per run cost the lab ~1 ms a decision.
    const summary = getRunSummary(d.db, run.id)
    if (summary) d.bus.emit('lineage.runUpdated', summary)
  }
  if (!opts.holdSteps) announce()
  // An evaluation decision (holdSteps) keeps its step rows until it finishes and writes them with the
  // run's end in one transaction: one commit per decision instead of one per step. A crash in between
  // leaves the run `running` with no steps (aborted at the next start) and its date undecided (resumed).
  const held: StepRecord[] = []

  function write(rec: StepRecord): void {
    if (opts.holdSteps) held.push(rec)
    else writeRows([rec], `Step ${rec.step}`, `${rec.seq}-${rec.attempt}`)
  }

  /** Step rows (with the run's end, for held steps) in one transaction, retried once; announced once written. */
  function writeRows(rows: StepRecord[], what: string, key: string, end?: () => void): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        d.db.transaction(() => {
          recordSteps(d.db, rows)
          end?.()
        })
        for (const { runId, ...step } of rows)
          d.bus.emit('lineage.stepRecorded', { runId, ...(step as Omit<RunStep, never>) })
        return
      } catch (e) {
        if (attempt === 1) writeFailed(what, key, e)
      }
    }
  }

  function writeFailed(what: string, key: string, e: unknown) {
    failed++
    d.bus.emit('alerts.raised', {
      id: `lineage-${run.id}-${key}`,
      level: 'error',
      title: 'Lineage write failed',
      message:
        `${what} of run ${run.id} could not be recorded: ` +
        `${e instanceof Error ? e.message : String(e)}. Check the disk and the data folder.`,
      at: d.now(),
    })
  }

  return {
    runId: run.id,
    async step(step, input, fn) {
      const attempt = (attempts.get(step) ?? 0) + 1
      attempts.set(step, attempt)
      const artifacts: string[] = []
      let partial: unknown = undefined
      const startedAt = d.now()
      const t0 = d.perfNow()
      const base = { runId: run.id, step, seq: SEQ.get(step)!, attempt, startedAt, input, artifacts }
      try {
        const output = await fn({ artifact: (sha) => void artifacts.push(sha), partial: (o) => void (partial = o) })
        write({
          ...base,
          status: 'succeeded',
          durationMs: d.perfNow() - t0,
          output: recordedOutput(output),
          error: null,
        })
        return output
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e))
        const partialOutput = e instanceof StepFailure && e.partialOutput !== undefined ? e.partialOutput : partial
        write({
          ...base,
          status: 'failed',
          durationMs: d.perfNow() - t0,
          output: null,
          // Shown in the timeline: no absolute paths (issue #9); file names and line numbers remain.
          error: {
            message: redactPaths(err.message),
            stack: err.stack ? redactPaths(err.stack) : null,
            ...(partialOutput !== undefined ? { partialOutput } : {}),
          },
        })
        throw e
      }
    },
    skip(step, input, output) {
      const attempt = (attempts.get(step) ?? 0) + 1
      attempts.set(step, attempt)
      write({
        runId: run.id,
        step,
        seq: SEQ.get(step)!,
        attempt,
        startedAt: d.now(),
        input,
        artifacts: [],
        status: 'skipped',
        durationMs: 0,
        output,
        error: null,
      })
    },
    finish(status, error = null, summary = null) {
      if (opts.holdSteps) {
        const rows = held.splice(0)
        writeRows(rows, `${rows.length} steps and the end`, 'held', () =>
          finishRun(d.db, run.id, status, d.now(), error, summary),
        )
      } else finishRun(d.db, run.id, status, d.now(), error, summary)
      announce()
    },
    failedWrites: () => failed,
  }
}
