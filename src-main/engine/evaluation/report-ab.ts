import { PRIMARY_METRIC_LABEL, type EvaluationReport, type PrimaryMetric } from '../../contract/evaluations-api'
import {
  cohenKappa,
  mcnemarExact,
  minimumDetectableEffect,
  pairedBlockBootstrap,
  verdict,
} from '../../domain/evaluation/ab'
import { stdev } from '../../domain/evaluation/rng'
import { nyWeekStart } from '../../domain/indicators/ny-time'
import type { DecisionRow } from '../../store/evaluation-repo'

// Arm 0 (A) against arm 1 (B) on the same dates (EVALUATION.md §5), on the primary metric declared
// before the run. Each paired date gives one difference A − B, oriented so that positive favours A:
//  - meanR: R net of the date's decision (a HOLD or no fill counts 0 R);
//  - hitRate: target before stop (1/0), on dates where both arms' trades reached target or stop;
//  - brier: B's squared error minus A's, (p − hit)², on dates where both have a confidence and an outcome.

const hit = (x: DecisionRow) => x.exitReason === 'target'
const decided = (x: DecisionRow) => x.exitReason === 'target' || x.exitReason === 'stop'

export function pairedValue(metric: PrimaryMetric, a: DecisionRow, b: DecisionRow): number | null {
  if (metric === 'meanR') return (a.r ?? 0) - (b.r ?? 0)
  if (!decided(a) || !decided(b)) return null
  if (metric === 'hitRate') return Number(hit(a)) - Number(hit(b))
  if (a.confidence === null || b.confidence === null) return null
  return (b.confidence - Number(hit(b))) ** 2 - (a.confidence - Number(hit(a))) ** 2
}

export function abOf(rows: readonly DecisionRow[], metric: PrimaryMetric): NonNullable<EvaluationReport['ab']> {
  const label = PRIMARY_METRIC_LABEL[metric]
  const a = new Map(rows.filter((d) => d.arm === 0).map((d) => [d.date, d]))
  const b = new Map(rows.filter((d) => d.arm === 1).map((d) => [d.date, d]))
  const dates = [...a.keys()].filter((d) => b.has(d)).sort()
  const diffs = dates
    .map((d) => ({ week: nyWeekStart(Date.parse(`${d}T17:00:00Z`)), d: pairedValue(metric, a.get(d)!, b.get(d)!) }))
    .filter((x): x is { week: string; d: number } => x.d !== null)
  const paired = pairedBlockBootstrap(diffs, { seed: 23, resamples: 10_000 })
  const both = dates.filter((d) => a.get(d)!.r !== null && b.get(d)!.r !== null)
  const bCount = both.filter((d) => hit(a.get(d)!) && !hit(b.get(d)!)).length
  const cCount = both.filter((d) => !hit(a.get(d)!) && hit(b.get(d)!)).length
  const ds = diffs.map((x) => x.d)
  return {
    metric: label,
    pairs: ds.length,
    meanDiff: paired?.meanDiff ?? null,
    interval: paired?.interval ?? null,
    p: paired?.p ?? null,
    mcnemarP: both.length ? mcnemarExact(bCount, cCount) : null,
    kappa: cohenKappa(
      dates.map((d) => a.get(d)!.action),
      dates.map((d) => b.get(d)!.action),
    ),
    mde: minimumDetectableEffect(stdev(ds), ds.length),
    verdict: verdict(ds, paired, label),
  }
}
