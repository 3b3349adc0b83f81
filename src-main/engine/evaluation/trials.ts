import type { EvaluationReport } from '../../contract/evaluations-api'
import { decisionDates } from '../../domain/evaluation/calendar'
import type { Db } from '../../store/db'
import * as repo from '../../store/evaluation-repo'
import type { TrialInput } from './report-sections'

// Trials for the best-of-N view (EVALUATION.md §5): every arm of every finished evaluation of the same
// strategy and symbol on an overlapping window, counted from the evaluation_trials table.

export function otherTrials(
  db: Db,
  q: { evaluationId: string; strategyId: string; symbol: string; from: string; to: string },
): Omit<TrialInput, 'current'>[] {
  return repo
    .trialsFor(db, q.strategyId, q.symbol, q.from, q.to)
    .filter((t) => t.evaluationId !== q.evaluationId)
    .map((t) => ({
      evaluationId: t.evaluationId,
      arm: t.arm,
      label: t.label,
      sharpe: t.sharpe,
      expectancyR: t.expectancyR,
      trades: t.trades,
      sessions: decisionDates(t.fromDate, t.toDate).length,
    }))
}

/** Book each arm's figures on its trial row once the report exists. */
export function recordTrialMetrics(db: Db, report: EvaluationReport): void {
  report.arms.forEach((a, k) =>
    repo.setTrialMetrics(db, report.id, k, { sharpe: a.metrics.sharpe, expectancyR: a.metrics.expectancyR }),
  )
}
