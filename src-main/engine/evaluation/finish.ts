import type { EvaluationReport, EvaluationRequest } from '../../contract/evaluations-api'
import type { Bar } from '../../contract/models'
import type { Strategy } from '../../contract/strategies'
import { toPastDecision as pastOf } from '../../domain/evaluation/track-record'
import type { Db } from '../../store/db'
import * as repo from '../../store/evaluation-repo'
import type { ArmSpec, createAsOfPipeline, Decision } from './asof-pipeline'
import { SLIPPAGE_BPS } from './decisions'
import { buildReportOffThread } from './report-jobs'
import { lookaheadTest, warmupTest } from './self-test'
import { otherTrials, recordTrialMetrics } from './trials'

// The end of an evaluation whose dates are all decided: the self-tests of EVALUATION.md §1 on the recorded
// decisions, the trial it counts for (§5), the report (off the main thread), and its final status.

export interface FinishInput {
  id: string
  request: EvaluationRequest
  horizon: number
  strategy: Strategy
  arms: readonly ArmSpec[]
  dates: string[]
  daily: Bar[]
  capital: number
  /** Decisions recorded by this execution, by `${arm}|${t}` (the look-ahead test's full side). */
  recorded: ReadonlyMap<string, Pick<Decision, 'hashes' | 'cacheKey'>>
}

export interface FinishDeps {
  db: Db
  now: () => number
  source(): { kind: 'simulator' | 'gateway' }
  pipeline: ReturnType<typeof createAsOfPipeline>
  progress(phase: 'self-test' | 'report'): void
}

export async function finishEvaluation(d: FinishDeps, x: FinishInput): Promise<void> {
  const { id, strategy, arms, dates, daily, request: r } = x
  const rows = repo.decisionsOf(d.db, id)
  const symbol = strategy.config.symbol
  arms.forEach((arm, a) =>
    repo.putTrial(d.db, {
      evaluationId: id,
      arm: a,
      strategyId: strategy.id,
      symbol,
      fromDate: r.from,
      toDate: r.to,
      label: arm.label,
      sharpe: null,
      expectancyR: null,
      trades: rows.filter((row) => row.arm === a && row.r !== null).length,
      createdAt: d.now(),
    }),
  )
  // The report's figures in their worker thread while the self-tests run here: two cores, both busy.
  const figures = buildReportOffThread({
    id,
    strategyId: strategy.id,
    symbol,
    from: r.from,
    to: r.to,
    horizon: x.horizon,
    source: d.source().kind,
    capital: x.capital,
    slippageBps: SLIPPAGE_BPS,
    sessions: dates,
    daily,
    arms: arms.map((arm) => ({
      label: arm.label,
      provider: arm.choice.provider,
      model: arm.choice.model,
      promptVersionId: arm.prompt.versionId,
      view: arm.view,
    })),
    decisions: rows,
    trials: repo.trialCount(d.db, strategy.id, symbol),
    primaryMetric: r.primaryMetric,
    minConfidence: strategy.config.risk.minConfidence,
    otherTrials: otherTrials(d.db, { evaluationId: id, strategyId: strategy.id, symbol, from: r.from, to: r.to }),
  })
  figures.catch(() => undefined) // awaited below; a self-test failure must not leave it unhandled
  d.progress('self-test')
  const traded = [...new Set(rows.filter((row) => row.fillDate !== null).map((row) => row.date))]
  const look = await lookaheadTest(d.pipeline, {
    evaluationId: id,
    strategy,
    arms,
    dates,
    traded,
    daily,
    capital: x.capital,
    past: arms.map((_, a) => rows.filter((row) => row.arm === a).map(pastOf)),
    recorded: x.recorded,
  })
  const warm = warmupTest(daily, dates)
  d.progress('report')
  const report: EvaluationReport = { ...(await figures), lookahead: look, warmup: warm }
  recordTrialMetrics(d.db, report)
  const failed = !look.passed
    ? `Look-ahead self-test failed on ${look.failures[0]!.date}: the ${look.failures[0]!.artifact} artifact ` +
      'differs between a store truncated at that date and the full store.'
    : !warm.passed
      ? `Warm-up test failed: indicator values differ by ${warm.maxDeviationPct?.toFixed(3)} % ` +
        'across warm-ups (limit 0.1 %).'
      : null
  repo.updateEvaluation(d.db, id, {
    status: failed ? 'failed' : 'succeeded',
    error: failed,
    report,
    finishedAt: d.now(),
    updatedAt: d.now(),
  })
}
