import type { EvaluationReport } from '../../contract/evaluations-api'
import type { Bar } from '../../contract/models'
import type { Strategy } from '../../contract/strategies'
import { truncateAsOf } from '../../domain/evaluation/calendar'
import type { PastDecision } from '../../domain/evaluation/track-record'
import { analyse } from '../../domain/runs/analysis'
import type { ArmSpec, createAsOfPipeline, Decision } from './asof-pipeline'

// The self-tests of EVALUATION.md §1. Look-ahead (freqtrade's lookahead-analysis, made exact by hashing):
// for sampled dates and every traded date, rebuild the decision from a store truncated at t and from the
// full store; any difference in an artifact's hash fails the evaluation and names the artifact. Warm-up
// (recursive-analysis): indicator values at t agree within 0.1 % across 200/400/1,000-bar warm-ups.

const SAMPLED = 20

export function sampleDates(dates: readonly string[], n = SAMPLED): string[] {
  if (dates.length <= n) return [...dates]
  return Array.from({ length: n }, (_, k) => dates[Math.round((k * (dates.length - 1)) / (n - 1))]!)
}

export async function lookaheadTest(
  pipeline: ReturnType<typeof createAsOfPipeline>,
  i: {
    evaluationId: string
    strategy: Strategy
    arms: readonly ArmSpec[]
    dates: readonly string[]
    traded: readonly string[]
    daily: readonly Bar[]
    capital: number
    /** Each arm's recorded decisions (its track record for the prompt), by arm. */
    past?: readonly (readonly PastDecision[])[]
    /**
     * The decisions this evaluation recorded from the full store, by `${arm}|${t}`: they are the full side
     * as it was used, so only the truncated side is rebuilt (a date decided before a resume is rebuilt).
     */
    recorded?: ReadonlyMap<string, Pick<Decision, 'hashes' | 'cacheKey'>>
  },
): Promise<EvaluationReport['lookahead']> {
  const check = [...new Set([...sampleDates(i.dates), ...i.traded])].sort()
  const failures: { date: string; artifact: string }[] = []
  const noCall = () => {
    throw new Error('The look-ahead self-test never calls a paid model')
  }
  for (const t of check) {
    for (const [a, arm] of i.arms.entries()) {
      // A free analyst (rules) is asked again; a paid model's cached answer is reused and its inputs compared.
      const fresh = arm.choice.provider === 'rules'
      const base = {
        evaluationId: i.evaluationId,
        strategy: i.strategy,
        arm,
        t,
        capital: i.capital,
        record: false,
        fresh,
      }
      let full: Pick<Decision, 'hashes' | 'cacheKey'>
      let cut: Decision
      try {
        // The full store with every recorded decision, against the store and the decision record both cut
        // at t (later decisions dropped, outcomes after t erased): the track record may not leak either.
        const past = i.past?.[a] ?? []
        full =
          i.recorded?.get(`${a}|${t}`) ?? (await pipeline.decide({ ...base, store: i.daily, reserve: noCall, past }))
        cut = await pipeline.decide({ ...base, store: truncateAsOf(i.daily, t), reserve: noCall, past: cutAt(past, t) })
      } catch (e) {
        // A paid model without a cached answer: the inputs (not the answer) are still compared below.
        if (!String(e).includes('never calls a paid model')) throw e
        continue
      }
      for (const k of ['bars', 'indicators', 'context', 'prompt', 'answer'] as const)
        if (full.hashes[k] !== cut.hashes[k]) failures.push({ date: t, artifact: k === 'answer' ? 'answer' : k })
      if (full.cacheKey !== cut.cacheKey) failures.push({ date: t, artifact: 'answer cache key' })
    }
  }
  return { passed: failures.length === 0, checked: check.length, failures: failures.slice(0, 50) }
}

/** A decision record as it stood at the close of t: nothing decided from t on, no exit after t. */
function cutAt(past: readonly PastDecision[], t: string): PastDecision[] {
  return past
    .filter((p) => p.date < t)
    .map((p) => (p.exitDate !== null && p.exitDate > t ? { ...p, exitDate: null, exitReason: null, r: null } : p))
}

export function warmupTest(daily: readonly Bar[], dates: readonly string[]): EvaluationReport['warmup'] {
  let worst: number | null = null
  for (const t of sampleDates(dates, 5)) {
    const closed = truncateAsOf(daily, t)
    const runs = [200, 400, 1000]
      .filter((n) => n <= closed.length)
      .map((n) => analyse(closed.slice(-n), null, []).d as Record<string, unknown>)
    const [longest, ...rest] = runs.reverse()
    for (const b of rest)
      for (const [k, v] of Object.entries(longest ?? {})) {
        const w = b[k]
        if (typeof v !== 'number' || typeof w !== 'number' || v === 0) continue
        worst = Math.max(worst ?? 0, (Math.abs(v - w) / Math.abs(v)) * 100)
      }
  }
  return { passed: worst === null || worst <= 0.1, maxDeviationPct: worst }
}
