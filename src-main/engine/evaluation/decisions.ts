import type { Bar } from '../../contract/models'
import { firstBarAfter } from '../../domain/evaluation/calendar'
import { simulateBracket } from '../../domain/evaluation/fills'
import type * as repo from '../../store/evaluation-repo'
import type { Decision } from './asof-pipeline'

// One decision's row: the verdict's levels, and the bracket simulated on the bars after t (§2).

export const SLIPPAGE_BPS = 5

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
  const sim = simulateBracket(
    daily.slice(start, start + horizon),
    { side: risk.side, entry: risk.entry, stop: risk.stop, target: risk.target },
    { horizon, slippageBps: SLIPPAGE_BPS, plan: 'fixed', qty: Math.max(1, risk.qty) },
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
  }
}

/** A stored row as the contract's decision (the review library reads bundles with it too). */
export { toDecision } from '../../store/evaluation-repo'
