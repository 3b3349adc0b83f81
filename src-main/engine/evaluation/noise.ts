import type { AbRow, EvaluationReport } from '../../contract/evaluations-api'
import { seededRng } from '../../domain/evaluation/rng'
import type { DecisionRow } from '../../store/evaluation-repo'
import type { ArmSpec } from './asof-pipeline'
import { NOISE_REPEATS, noiseSample } from './estimate'

// The repeat-call noise floor (EVALUATION.md §5): on a seeded 10 % sample of dates (at most 25) each
// language-model arm is asked twice more with byte-identical inputs; with its first answer that is
// three calls per date. The repeats are stored as decision rows of their own arm number (never shown
// as an arm), cached under their own key, so a re-run replays them for free. The rules analyst is
// deterministic: its noise is 0 by construction and costs nothing.

/** The row arm of repeat k (1, 2) of arm a. */
export const repeatArm = (a: number, k: number) => 100 + a * 10 + k

export function noiseDates(dates: readonly string[], a: number): string[] {
  const rng = seededRng(7_919 + a)
  const pool = [...dates]
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[pool[i], pool[j]] = [pool[j]!, pool[i]!]
  }
  return pool.slice(0, noiseSample(dates.length)).sort()
}

export function noiseWork(arms: readonly ArmSpec[], dates: readonly string[], enabled: boolean) {
  if (!enabled) return []
  return arms.flatMap((arm, a) =>
    arm.choice.provider === 'rules'
      ? []
      : noiseDates(dates, a).flatMap((t) =>
          Array.from({ length: NOISE_REPEATS }, (_, i) => ({ arm, a, t, repeat: i + 1, rowArm: repeatArm(a, i + 1) })),
        ),
  )
}

type Noise = NonNullable<EvaluationReport['arms'][number]['noise']>
type Floors = Record<AbRow['key'], number | null>

const Z = 1.959964
const hit = (d: DecisionRow) => Number(d.exitReason === 'target')
const decided = (d: DecisionRow) => d.exitReason === 'target' || d.exitReason === 'stop'

/**
 * The pooled within-date variance: Σ over dates of the squared deviations from that date's mean,
 * over Σ (n − 1). Dates with fewer than two values give no degree of freedom; null when none does.
 */
export function pooledVariance(groups: readonly (readonly number[])[]): number | null {
  let ss = 0
  let df = 0
  for (const g of groups) {
    if (g.length < 2) continue
    const m = g.reduce((s, x) => s + x, 0) / g.length
    ss += g.reduce((s, x) => s + (x - m) ** 2, 0)
    df += g.length - 1
  }
  return df === 0 ? null : ss / df
}

/** Arm a's sampled dates, each with its three calls (main answer first); only dates with all three. */
function callGroups(rows: readonly DecisionRow[], a: number): DecisionRow[][] {
  const main = new Map(rows.filter((d) => d.arm === a).map((d) => [d.date, d]))
  const reps = new Map<string, DecisionRow[]>()
  for (const d of rows)
    for (let k = 1; k <= NOISE_REPEATS; k++)
      if (d.arm === repeatArm(a, k)) reps.set(d.date, [...(reps.get(d.date) ?? []), d])
  return [...reps]
    .filter(([t, rs]) => main.has(t) && rs.length === NOISE_REPEATS)
    .map(([t, rs]) => [main.get(t)!, ...rs])
}

/**
 * Per-date spread over the three calls, pooled over the sampled dates, for each paired statistic's
 * per-date value (as report-ab.ts pairs them): R net (a HOLD or no fill counts 0); the hit (1/0) over
 * the calls that reached target or stop; the Brier term (p − hit)² over those with a confidence.
 * And the flip rate: the share of sampled dates whose action was not the same in all three calls.
 */
export function noiseOf(rows: readonly DecisionRow[], a: number, provider: string): Noise | null {
  if (provider === 'rules') return { sampled: 0, flipRate: 0, sdR: 0, deterministic: true, sdHit: 0, sdBrier: 0 }
  const groups = callGroups(rows, a)
  if (groups.length === 0) return null
  const sd = (v: number | null) => (v === null ? null : Math.sqrt(v))
  return {
    sampled: groups.length,
    flipRate: groups.filter((g) => new Set(g.map((d) => d.action)).size > 1).length / groups.length,
    sdR: sd(pooledVariance(groups.map((g) => g.map((d) => d.r ?? 0))))!,
    deterministic: false,
    sdHit: sd(pooledVariance(groups.map((g) => g.filter(decided).map(hit)))),
    sdBrier: sd(
      pooledVariance(
        groups.map((g) =>
          g.filter((d) => decided(d) && d.confidence !== null).map((d) => (d.confidence! - hit(d)) ** 2),
        ),
      ),
    ),
  }
}

/** ± what call-to-call noise alone moves a paired mean R difference over `pairs` dates (95 %). */
export function noiseFloor(a: Noise | null | undefined, b: Noise | null | undefined, pairs: number): number | null {
  return meanFloor(a?.sdR, b?.sdR, pairs)
}

/** ± 1.96 · √(sdA² + sdB²) / √pairs: the two arms' calls are independent, each date's noise too. */
function meanFloor(a: number | null | undefined, b: number | null | undefined, pairs: number): number | null {
  if (a === null || a === undefined || b === null || b === undefined || pairs < 1) return null
  return (Z * Math.sqrt(a ** 2 + b ** 2)) / Math.sqrt(pairs)
}

/**
 * Within-date variance of "arm a's call agrees with arm b's main answer" over arm a's three calls,
 * pooled over a's sampled dates: how much a's randomness alone moves each date's agreement. 0 for a
 * deterministic analyst; null when not measured.
 */
export function agreementVariance(rows: readonly DecisionRow[], a: number, b: number, provider: string) {
  if (provider === 'rules') return 0
  const other = new Map(rows.filter((d) => d.arm === b).map((d) => [d.date, d.action]))
  const groups = callGroups(rows, a)
    .filter((g) => other.has(g[0]!.date))
    .map((g) => g.map((d) => Number(d.action === other.get(d.date))))
  return pooledVariance(groups)
}

/**
 * The repeat-call noise floor beside each paired statistic of arm 0 against arm 1 (§5), 95 %:
 *  - mean R, hit rate, Brier: ± 1.96 · √(va + vb) / √pairs, with each arm's pooled within-date
 *    variance of that statistic's per-date value and the statistic's own pair count;
 *  - κ on actions (not a mean): by the delta method on the observed agreement po, holding the chance
 *    agreement pe fixed (it moves only through the marginals, a second-order effect): po is a mean of
 *    per-date agreements whose call-to-call variance is about va + vb (agreementVariance, each arm's
 *    calls against the other's main answer), so κ = (po − pe) / (1 − pe) moves by
 *    ± 1.96 · √(va + vb) / (√pairs · (1 − pe)).
 * A floor is null when either arm's noise was not measured (or no sampled date had two calls with a
 * value); two deterministic arms have 0 everywhere.
 */
export function abFloors(
  rows: readonly DecisionRow[],
  arms: readonly { provider: string; noise?: Noise | null }[],
  pairs: Record<AbRow['key'], number>,
  expectedAgreement: number | null,
): Floors {
  const [a, b] = [arms[0]!, arms[1]!]
  const va = agreementVariance(rows, 0, 1, a.provider)
  const vb = agreementVariance(rows, 1, 0, b.provider)
  const pe = expectedAgreement
  return {
    meanR: meanFloor(a.noise?.sdR, b.noise?.sdR, pairs.meanR),
    hitRate: meanFloor(a.noise?.sdHit, b.noise?.sdHit, pairs.hitRate),
    brier: meanFloor(a.noise?.sdBrier, b.noise?.sdBrier, pairs.brier),
    kappa:
      va === null || vb === null || pe === null || pe >= 1 || pairs.kappa < 1
        ? null
        : (Z * Math.sqrt(va + vb)) / (Math.sqrt(pairs.kappa) * (1 - pe)),
  }
}
