import type { EvaluationReport } from '../../contract/evaluations-api'
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

/** Per-date variance of R (a HOLD or no fill counts 0) over the three calls, pooled; and the flip rate. */
export function noiseOf(rows: readonly DecisionRow[], a: number, provider: string): Noise | null {
  if (provider === 'rules') return { sampled: 0, flipRate: 0, sdR: 0, deterministic: true }
  const main = new Map(rows.filter((d) => d.arm === a).map((d) => [d.date, d]))
  const reps = new Map<string, DecisionRow[]>()
  for (const d of rows)
    for (let k = 1; k <= NOISE_REPEATS; k++)
      if (d.arm === repeatArm(a, k)) reps.set(d.date, [...(reps.get(d.date) ?? []), d])
  const groups = [...reps]
    .filter(([t, rs]) => main.has(t) && rs.length === NOISE_REPEATS)
    .map(([t, rs]) => [main.get(t)!, ...rs])
  if (groups.length === 0) return null
  let variance = 0
  let flips = 0
  for (const g of groups) {
    const rs = g.map((d) => d.r ?? 0)
    const m = rs.reduce((s, x) => s + x, 0) / rs.length
    variance += rs.reduce((s, x) => s + (x - m) ** 2, 0) / (rs.length - 1)
    if (new Set(g.map((d) => d.action)).size > 1) flips++
  }
  return {
    sampled: groups.length,
    flipRate: flips / groups.length,
    sdR: Math.sqrt(variance / groups.length),
    deterministic: false,
  }
}

/** ± what call-to-call noise alone moves a paired mean R difference over `pairs` dates (95 %). */
export function noiseFloor(a: Noise | null | undefined, b: Noise | null | undefined, pairs: number): number | null {
  if (!a || !b || pairs < 1) return null
  return (1.959964 * Math.sqrt(a.sdR ** 2 + b.sdR ** 2)) / Math.sqrt(pairs)
}
