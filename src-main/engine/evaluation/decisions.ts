import type { EvaluationReport, EvaluationView } from '../../contract/evaluations-api'
import type { Bar } from '../../contract/models'
import { firstBarAfter } from '../../domain/evaluation/calendar'
import { simulateBracket } from '../../domain/evaluation/fills'
import { resolveAmbiguousDay } from '../../domain/evaluation/intraday'
import { nyDate } from '../../domain/indicators/ny-time'
import type * as repo from '../../store/evaluation-repo'
import type { Decision } from './asof-pipeline'

// One decision's row: the verdict's levels, and the bracket simulated on the bars after t (§2).

export const SLIPPAGE_BPS = 5
/** The slippage sweep shown side by side in the report (EVALUATION.md §2), basis points. */
export const SWEEP_BPS = [0, 5, 10, 25] as const

export function decisionRow(
  id: string,
  arm: number,
  t: string,
  dec: Decision,
  daily: readonly Bar[],
  horizon: number,
  now: number,
): Parameters<typeof repo.insertDecision>[1] {
  const v = dec.verdict
  const draft = v.draft
  const action = v.finalAction === 'EXIT' ? 'REVIEW' : v.finalAction
  const base = {
    evaluationId: id,
    arm,
    date: t,
    runId: dec.runId,
    cacheKey: dec.cacheKey,
    inputsSha256: dec.hashes.context,
    action,
    status: v.status,
    entry: draft?.entry ?? null,
    stop: draft?.stop_loss ?? null,
    targets: draft?.targets.map((x) => x.price) ?? [],
    confidence: draft?.confidence ?? null,
    costMicros: dec.costMicros,
    createdAt: now,
    ambiguous: false,
    costs: 0,
  }
  const risk = dec.risk
  if (risk.kind !== 'open' || risk.entry === null || risk.stop === null || risk.target === null || risk.side === null)
    return base
  const start = firstBarAfter(daily, t)
  if (start < 0) return base
  const bars = daily.slice(start, start + horizon)
  const bracket = { side: risk.side, entry: risk.entry, stop: risk.stop, target: risk.target }
  const simAt = (slippageBps: number) =>
    simulateBracket(bars, bracket, { horizon, slippageBps, plan: 'fixed', qty: Math.max(1, risk.qty) })
  const sim = simAt(SLIPPAGE_BPS)
  // The same bracket under each slippage of the sweep: a pure recomputation, no model call.
  const sweep = Object.fromEntries(
    SWEEP_BPS.map((bps) => [String(bps), bps === SLIPPAGE_BPS ? sim.rNet : simAt(bps).rNet]),
  )
  return {
    ...base,
    fillDate: sim.fill?.date ?? null,
    fillPrice: sim.fill?.price ?? null,
    exitDate: sim.exit?.date ?? null,
    exitPrice: sim.exit?.price ?? null,
    exitReason: sim.exit?.reason ?? null,
    r: sim.rNet,
    rOptimistic: sim.rNetOptimistic,
    ambiguous: sim.ambiguous,
    pnl: sim.pnl,
    costs: sim.costs,
    mfeR: sim.mfeR,
    maeR: sim.maeR,
    fillVariants: {
      sweep,
      ambiguousAt: sim.ambiguousAt
        ? {
            date: sim.ambiguousAt.date,
            intrabarEntry: sim.ambiguousAt.intrabarEntry,
            bracket,
            rStop: sim.rNet,
            rTarget: sim.rNetOptimistic,
          }
        : null,
    },
  }
}

/** A stored row as the contract's decision (the review library reads bundles with it too). */
export { toDecision } from '../../store/evaluation-repo'

/** Intraday bars of one NYSE session (5-minute), or null when the source has none. */
export type IntradaySource = (date: string) => Promise<Bar[] | null>

/** Resolve a row's ambiguous bar from the intraday bars of its session (EVALUATION.md §2), in place. */
export async function resolveIntraday(
  row: Parameters<typeof repo.insertDecision>[1],
  daily: readonly Bar[],
  intraday: IntradaySource,
): Promise<void> {
  const at = row.fillVariants?.ambiguousAt
  if (!at) return
  const day = daily.find((b) => nyDate(b.t) === at.date)
  const bars = day ? await intraday(at.date).catch(() => null) : null
  if (!day || !bars) return
  const first = resolveAmbiguousDay(at.bracket, bars, day, at.intrabarEntry)
  row.fillVariants = {
    ...row.fillVariants!,
    intraday: first ? { first, r: first === 'stop' ? at.rStop : at.rTarget, bar: '5min' } : null,
  }
}

/** An evaluation row as the stable `evaluations.get` view. */
export function toView(e: repo.EvaluationRow): EvaluationView {
  const rep = e.report as EvaluationReport | null
  return {
    id: e.id,
    status: e.status as EvaluationView['status'],
    progress: { done: e.done, total: e.total },
    error: e.error,
    report: rep
      ? {
          decisions: rep.arms.reduce((s, a) => s + a.decisions, 0),
          trades: rep.arms.reduce((s, a) => s + a.trades, 0),
          lookahead: { passed: rep.lookahead.passed, checked: rep.lookahead.checked },
          arms: rep.arms.map((a) => ({ label: a.label, metrics: a.metrics })),
        }
      : null,
  }
}
