import { randomUUID } from 'node:crypto'
import type {
  EvaluationDecision,
  EvaluationReport,
  EvaluationRequest,
  EvaluationView,
} from '../../contract/evaluations-api'
import type { Bar } from '../../contract/models'
import type { Strategy } from '../../contract/strategies'
import { isBright, viewLabel, viewOf } from '../../domain/evaluation/blinding'
import { decisionDates } from '../../domain/evaluation/calendar'
import { toPastDecision as pastOf } from '../../domain/evaluation/track-record'
import { nyDate } from '../../domain/indicators/ny-time'
import { RpcError } from '../../rpc/errors'
import * as repo from '../../store/evaluation-repo'
import { chooseAnalyst } from '../analyst'
import type { ResolvedPrompt, RunEnvironment } from '../executor'
import type { StrategyService } from '../strategies'
import { createAsOfPipeline, type Analyst, type ArmSpec, type Decision } from './asof-pipeline'
import { createBudget, resumePatch } from './budget'
import { estimateCost } from './estimate'
import { checkRange, loadBars } from './bars'
import { noiseWork } from './noise'
import { commitBatch } from './commit-batch'
import { finishEvaluation } from './finish'
import { decisionRow, resolveIntraday, toView } from './decisions'

// The evaluation lab's engine service (F25): resumable, cancellable, budgeted evaluations replaying each
// session close through the pipeline's steps, bracket fills, self-tests and the report.

export const DEFAULT_HORIZON = 20
export const CAPITAL = 100_000

export interface EvaluationDeps extends RunEnvironment {
  strategies: StrategyService
  prompt(strategy: Strategy, versionId?: string): ResolvedPrompt
  /** Daily history from the gateway (paced) or the simulator. */
  history(conid: number, period: string): Promise<Bar[]>
  source(): { kind: 'simulator' | 'gateway'; key: string }
  /** 5-minute bars of one session, to resolve a same-bar ambiguity (null: none for that date). */
  intraday?(conid: number, date: string): Promise<Bar[] | null>
  /** Test seam: the analyst asked for every fresh answer (default: the pipeline's own). */
  analyst?: Analyst
  concurrency?: number
}

export interface EvaluationService {
  estimate(r: EvaluationRequest): Promise<ReturnType<typeof estimateCost>>
  start(r: EvaluationRequest): Promise<{ evaluationId: string }>
  get(id: string): EvaluationView
  decisions(q: {
    evaluationId: string
    arm?: number
    offset?: number
    limit?: number
    tradesOnly?: boolean
  }): EvaluationDecision[]
  list(): ReturnType<typeof repo.listEvaluations>
  cancel(id: string): EvaluationView
  report(id: string): EvaluationReport
  /** Resume every evaluation left running (at start-up), or one stopped evaluation (optionally with a
   * new budget); finished dates are never asked again. */
  resume(id?: string, budgetUsd?: number): EvaluationView | null
  /** Stop working without changing any status (shutdown; a later start resumes). */
  stop(): Promise<void>
  /** Wait for the evaluations in progress. */
  drain(): Promise<void>
}

export function createEvaluationService(d: EvaluationDeps): EvaluationService {
  const pipeline = createAsOfPipeline({
    ...d,
    analyst: d.analyst,
    cache: {
      get: (key) => {
        const row = repo.getAnswer(d.db, key)
        return row ? { rawText: row.rawText, answer: { ...(row.answer as object), usage: [] } as never } : null
      },
      put: (key, arm, answer, cost) =>
        repo.putAnswer(d.db, {
          key,
          provider: arm.choice.provider,
          model: arm.choice.model,
          rawText: answer.rawText,
          answer: { ...answer, usage: [] },
          costMicros: cost,
          createdAt: d.now(),
        }),
    },
  })
  const active = new Map<string, { flags: { cancelled: boolean; stopped: boolean }; done: Promise<void> }>()

  async function armsOf(strategy: Strategy, r: EvaluationRequest): Promise<ArmSpec[]> {
    const cfg = await d.analystConfig()
    const specs = r.arms ?? [{}]
    return specs.map((a) => {
      const provider = a.analyst === 'rules' ? 'rules' : a.analyst === 'llm' ? 'openai' : strategy.config.provider
      const choice = chooseAnalyst({ provider, model: a.model ?? strategy.config.model }, cfg)
      const prompt = d.prompt(strategy, a.promptVersionId)
      const view = viewOf(a)
      const shown = viewLabel(view)
      const label =
        `${choice.label}${choice.provider === 'rules' ? '' : ` · ${prompt.name} v${prompt.version ?? '?'}`}` +
        (shown ? ` · ${shown}` : '')
      return { label, choice, prompt, view }
    })
  }

  function view(id: string): EvaluationView {
    const e = repo.getEvaluation(d.db, id)
    if (!e) throw new RpcError('NOT_FOUND', `No evaluation ${id}`)
    return toView(e)
  }

  function progress(id: string, etaMs: number | null, phase?: 'self-test' | 'report') {
    const e = repo.getEvaluation(d.db, id)!
    d.bus.emit('evaluations.progress', {
      evaluationId: id,
      status: e.status as EvaluationView['status'],
      done: e.done,
      total: e.total,
      etaMs,
      ...(phase ? { phase } : {}),
    })
    if (e.status !== 'running' || e.done === 0) d.bus.emit('db.changed', { tables: ['evaluations'] })
  }

  async function execute(id: string, flags: { cancelled: boolean; stopped: boolean }): Promise<void> {
    const e = repo.getEvaluation(d.db, id)!
    const r = e.request as EvaluationRequest
    const strategy = d.strategies.get(e.strategyId)
    const arms = await armsOf(strategy, r)
    const daily = await loadBars(d, strategy.config.conid, r.from, r.to, e.horizon)
    // NYSE sessions the data holds a bar for; t+1 is the data's next bar.
    const barDates = new Set(daily.map((b) => nyDate(b.t)))
    const dates = decisionDates(r.from, r.to).filter((t) => barDates.has(t))
    if (dates.length === 0) throw new Error(`The ${d.source().kind} has no daily bars between ${r.from} and ${r.to}.`)
    const repeats = noiseWork(arms, dates, r.noiseFloor ?? arms.some((x) => x.choice.provider !== 'rules'))
    const total = dates.length * arms.length + repeats.length
    const done = repo.doneKeys(d.db, id)
    repo.updateEvaluation(d.db, id, { total, done: done.size, source: d.source().kind, updatedAt: d.now() })
    const budget = createBudget(e.budgetMicros, e.spentMicros, estimateCost(arms, 1, 0).usdHigh * 1e6)
    const t0 = d.perfNow()
    let doneNow = 0
    // Each arm walks its dates in order: a decision's prompt shows the arm's earlier decisions as known at
    // t (the track record), so t waits for t-1; the noise floor's repeats come last. Arms run side by side.
    const recorded = repo.decisionsOf(d.db, id)
    const chains = arms.map((arm, a) => ({
      arm,
      past: recorded.filter((x) => x.arm === a).map(pastOf),
      todo: [
        ...dates.map((t) => ({ t, repeat: 0, rowArm: a })),
        ...repeats.filter((w) => w.a === a).map((w) => ({ t: w.t, repeat: w.repeat, rowArm: w.rowArm })),
      ].filter((w) => !done.has(`${w.rowArm}|${w.t}`)),
    }))
    const remaining = chains.reduce((n, c) => n + c.todo.length, 0)
    const batch = commitBatch(d.db)
    const recordedNow = new Map<string, Pick<Decision, 'hashes' | 'cacheKey'>>()
    let next = 0
    let halted: unknown = null
    const worker = async () => {
      while (next < chains.length && !flags.cancelled && !flags.stopped && halted === null) {
        const c = chains[next++]!
        for (const w of c.todo) {
          if (flags.cancelled || flags.stopped || halted !== null) break
          const slot = budget.slot()
          const dec = await pipeline
            .decide({
              evaluationId: id,
              strategy,
              arm: c.arm,
              t: w.t,
              store: daily,
              capital: CAPITAL,
              record: true,
              reserve: slot.reserve,
              repeat: w.repeat,
              past: c.past,
            })
            .catch((err: unknown) => {
              halted ??= err
              return null
            })
            .finally(slot.release)
          if (dec === null) return
          budget.book(dec.costMicros)
          const row = decisionRow(id, w.rowArm, w.t, dec, daily, e.horizon, d.now())
          if (d.intraday) await resolveIntraday(row, daily, (t) => d.intraday!(strategy.config.conid, t))
          // The decision and the progress it makes in one transaction, with the free dates before it.
          const progressed = { done: done.size + doneNow + 1, spentMicros: budget.spent(), updatedAt: d.now() }
          const paid = !dec.cached && c.arm.choice.provider !== 'rules'
          // Only its writes wait in the batch: the decision's analysis and verdict can be collected meanwhile.
          const { ready, commit } = dec
          const committed = await batch.add(
            {
              ready,
              write: () =>
                commit(() => {
                  repo.insertDecision(d.db, row)
                  repo.updateEvaluation(d.db, id, progressed)
                }),
            },
            paid,
          )
          if (w.repeat === 0) {
            c.past.push(pastOf(row))
            recordedNow.set(`${w.rowArm}|${w.t}`, { hashes: dec.hashes, cacheKey: dec.cacheKey })
          }
          doneNow++
          const elapsed = d.perfNow() - t0
          if (committed) progress(id, doneNow >= 3 ? (elapsed / doneNow) * (remaining - doneNow) : null)
          // A macrotask turn per date: the app keeps answering during a rules evaluation (§9, UI never blocks).
          await new Promise<void>((r) => setImmediate(r))
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(d.concurrency ?? 2, chains.length)) }, worker))
    if (await batch.flush()) progress(id, null)
    // Every call in flight has been booked before the evaluation stops.
    if (halted !== null) throw halted
    if (flags.stopped) return
    if (flags.cancelled) {
      repo.updateEvaluation(d.db, id, { status: 'cancelled', finishedAt: d.now(), updatedAt: d.now() })
      progress(id, null)
      return
    }
    await finishEvaluation(
      { db: d.db, now: d.now, source: d.source, pipeline, progress: (phase) => progress(id, null, phase) },
      { id, request: r, horizon: e.horizon, strategy, arms, dates, daily, capital: CAPITAL, recorded: recordedNow },
    )
    progress(id, 0)
  }

  function launch(id: string) {
    const flags = { cancelled: false, stopped: false }
    const done = execute(id, flags)
      .catch((err: unknown) => {
        if (flags.stopped) return
        const msg = err instanceof Error ? err.message : String(err)
        repo.updateEvaluation(d.db, id, { status: 'failed', error: msg, finishedAt: d.now(), updatedAt: d.now() })
        progress(id, null)
      })
      .finally(() => active.delete(id))
    active.set(id, { flags, done })
  }

  return {
    async estimate(r) {
      const strategy = d.strategies.get(r.strategyId)
      const dates = checkRange(d.now(), r)
      const arms = await armsOf(strategy, r)
      const cached = arms.map((a) =>
        // Cached dates are counted by model; a blinded, mirrored or no-chart arm asks another question,
        // so it is estimated as fresh (an upper bound, never an underestimate).
        a.choice.provider === 'rules' || !isBright(a.view ?? viewOf({}))
          ? 0
          : repo.cachedDates(d.db, strategy.id, a.choice.model, r.from, r.to),
      )
      const noise = r.noiseFloor ?? arms.some((x) => x.choice.provider !== 'rules')
      return estimateCost(
        arms,
        dates.length,
        cached.reduce((s, x) => s + x, 0),
        Math.min(d.concurrency ?? 2, arms.length), // each arm walks its dates in order
        noise,
      )
    },
    async start(r) {
      const strategy = d.strategies.get(r.strategyId)
      const dates = checkRange(d.now(), r)
      const arms = await armsOf(strategy, r)
      const est = estimateCost(
        arms,
        dates.length,
        0,
        2,
        r.noiseFloor ?? arms.some((x) => x.choice.provider !== 'rules'),
      )
      const id = randomUUID()
      repo.insertEvaluation(d.db, {
        id,
        strategyId: strategy.id,
        fromDate: r.from,
        toDate: r.to,
        horizon: r.horizon ?? DEFAULT_HORIZON,
        request: r,
        status: 'running',
        done: 0,
        total: dates.length * arms.length,
        error: null,
        source: d.source().kind,
        budgetMicros: Math.ceil((r.budgetUsd ?? est.usdHigh) * 1e6),
        spentMicros: 0,
        report: null,
        createdAt: d.now(),
        updatedAt: d.now(),
        finishedAt: null,
      })
      d.bus.emit('db.changed', { tables: ['evaluations'] })
      launch(id)
      return { evaluationId: id }
    },
    get: view,
    decisions(q) {
      if (!repo.getEvaluation(d.db, q.evaluationId)) throw new RpcError('NOT_FOUND', `No evaluation ${q.evaluationId}`)
      return repo.decisionPage(d.db, q.evaluationId, q)
    },
    list: () => repo.listEvaluations(d.db),
    cancel(id) {
      const e = repo.getEvaluation(d.db, id)
      if (!e) throw new RpcError('NOT_FOUND', `No evaluation ${id}`)
      const a = active.get(id)
      if (a) a.flags.cancelled = true
      else if (e.status === 'running')
        repo.updateEvaluation(d.db, id, { status: 'cancelled', finishedAt: d.now(), updatedAt: d.now() })
      return view(id)
    },
    report(id) {
      const e = repo.getEvaluation(d.db, id)
      if (!e) throw new RpcError('NOT_FOUND', `No evaluation ${id}`)
      if (!e.report) throw new RpcError('CONFLICT', `Evaluation ${id} is ${e.status}; its report is not ready.`)
      return e.report as EvaluationReport
    },
    resume(id, budgetUsd) {
      if (id === undefined) {
        for (const e of repo.runningEvaluations(d.db)) if (!active.has(e.id)) launch(e.id)
        return null
      }
      repo.updateEvaluation(d.db, id, resumePatch(repo.getEvaluation(d.db, id), id, active.has(id), budgetUsd, d.now()))
      launch(id)
      return view(id)
    },
    async stop() {
      for (const a of active.values()) a.flags.stopped = true
      await Promise.allSettled([...active.values()].map((a) => a.done))
    },
    async drain() {
      await Promise.allSettled([...active.values()].map((a) => a.done))
    },
  }
}
