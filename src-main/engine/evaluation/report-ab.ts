import { PRIMARY_METRIC_LABEL, PrimaryMetric, type EvaluationReport } from '../../contract/evaluations-api'
import {
  cohenKappa,
  expectedAgreement,
  mcnemarExact,
  minimumDetectableEffect,
  pairedBlockBootstrap,
  verdict,
} from '../../domain/evaluation/ab'
import { stdev } from '../../domain/evaluation/rng'
import { nyWeekStart } from '../../domain/indicators/ny-time'
import type { DecisionRow } from '../../store/evaluation-repo'
import { abFloors } from './noise'

// Arm 0 (A) against arm 1 (B) on the same dates (EVALUATION.md §5), on the primary metric declared
// before the run. Each paired date gives one difference A − B, oriented so that positive favours A:
//  - meanR: R net of the date's decision (a HOLD or no fill counts 0 R);
//  - hitRate: target before stop (1/0), on dates where both arms' trades reached target or stop;
//  - brier: B's squared error minus A's, (p − hit)², on dates where both have a confidence and an outcome.
// The declared metric gets the bootstrap interval, p and verdict; every paired statistic (the three
// differences and κ on actions) is listed with its repeat-call noise floor (noise.ts), and the floor
// beside the verdict is the declared metric's.

const hit = (x: DecisionRow) => x.exitReason === 'target'
const decided = (x: DecisionRow) => x.exitReason === 'target' || x.exitReason === 'stop'

export function pairedValue(metric: PrimaryMetric, a: DecisionRow, b: DecisionRow): number | null {
  if (metric === 'meanR') return (a.r ?? 0) - (b.r ?? 0)
  if (!decided(a) || !decided(b)) return null
  if (metric === 'hitRate') return Number(hit(a)) - Number(hit(b))
  if (a.confidence === null || b.confidence === null) return null
  return (b.confidence - Number(hit(b))) ** 2 - (a.confidence - Number(hit(a))) ** 2
}

type Noise = EvaluationReport['arms'][number]['noise']

export function abOf(
  rows: readonly DecisionRow[],
  metric: PrimaryMetric,
  arms: readonly { provider: string; noise?: Noise }[] = [],
): NonNullable<EvaluationReport['ab']> {
  const label = PRIMARY_METRIC_LABEL[metric]
  const a = new Map(rows.filter((d) => d.arm === 0).map((d) => [d.date, d]))
  const b = new Map(rows.filter((d) => d.arm === 1).map((d) => [d.date, d]))
  const dates = [...a.keys()].filter((d) => b.has(d)).sort()
  const paired = (m: PrimaryMetric) =>
    dates
      .map((d) => ({ week: nyWeekStart(Date.parse(`${d}T17:00:00Z`)), d: pairedValue(m, a.get(d)!, b.get(d)!) }))
      .filter((x): x is { week: string; d: number } => x.d !== null)
  const byMetric = Object.fromEntries(PrimaryMetric.options.map((m) => [m, paired(m).map((x) => x.d)])) as Record<
    PrimaryMetric,
    number[]
  >
  const diffs = paired(metric)
  const result = pairedBlockBootstrap(diffs, { seed: 23, resamples: 10_000 })
  const both = dates.filter((d) => a.get(d)!.r !== null && b.get(d)!.r !== null)
  const bCount = both.filter((d) => hit(a.get(d)!) && !hit(b.get(d)!)).length
  const cCount = both.filter((d) => !hit(a.get(d)!) && hit(b.get(d)!)).length
  const ds = diffs.map((x) => x.d)
  const actionsA = dates.map((d) => a.get(d)!.action)
  const actionsB = dates.map((d) => b.get(d)!.action)
  const kappa = cohenKappa(actionsA, actionsB)
  const pairs = { ...mapValues(byMetric, (xs) => xs.length), kappa: dates.length }
  const floors =
    arms.length >= 2
      ? abFloors(rows, arms, pairs, expectedAgreement(actionsA, actionsB))
      : { meanR: null, hitRate: null, brier: null, kappa: null }
  return {
    metric: label,
    pairs: ds.length,
    meanDiff: result?.meanDiff ?? null,
    interval: result?.interval ?? null,
    p: result?.p ?? null,
    mcnemarP: both.length ? mcnemarExact(bCount, cCount) : null,
    kappa,
    mde: minimumDetectableEffect(stdev(ds), ds.length),
    verdict: verdict(ds, result, label),
    noiseFloor: floors[metric],
    rows: [
      ...PrimaryMetric.options.map((m) => ({
        key: m,
        label: PRIMARY_METRIC_LABEL[m],
        pairs: pairs[m],
        value: byMetric[m].length ? byMetric[m].reduce((s, x) => s + x, 0) / byMetric[m].length : null,
        noiseFloor: floors[m],
      })),
      { key: 'kappa' as const, label: 'κ on actions', pairs: dates.length, value: kappa, noiseFloor: floors.kappa },
    ],
    deterministic: arms.length >= 2 && arms.slice(0, 2).every((x) => x.noise?.deterministic === true),
  }
}

function mapValues<K extends string, V, W>(o: Record<K, V>, f: (v: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v as V)])) as Record<K, W>
}
