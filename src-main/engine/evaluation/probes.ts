import type { EvaluationProbe, EvaluationReport } from '../../contract/evaluations-api'
import { isBright, modelAction, viewOf, type InputView } from '../../domain/evaluation/blinding'
import type { DecisionRow } from '../../store/evaluation-repo'

// Blinding deltas, the mirror probe and the no-chart baseline (EVALUATION.md §6, §7): every arm that
// saw less (or a mirrored series) against the bright arm with the same analyst, model and prompt,
// paired by date. Pure, from the stored decisions and the arms' metrics.

type Arm = { provider: string; model: string; promptVersionId: string | null; view?: InputView }
type Metrics = EvaluationReport['arms'][number]['metrics']

const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b)

export function probesOf(
  arms: readonly Arm[],
  metrics: readonly Metrics[],
  decisions: readonly DecisionRow[],
): EvaluationProbe[] {
  const viewAt = (k: number) => arms[k]!.view ?? viewOf({})
  const out: EvaluationProbe[] = []
  arms.forEach((arm, k) => {
    const v = viewAt(k)
    if (isBright(v)) return
    const base = arms.findIndex(
      (b, j) =>
        j !== k &&
        isBright(viewAt(j)) &&
        b.provider === arm.provider &&
        b.model === arm.model &&
        b.promptVersionId === arm.promptVersionId,
    )
    if (base < 0) return
    const mine = new Map(decisions.filter((d) => d.arm === k).map((d) => [d.date, d.action]))
    const theirs = decisions.filter((d) => d.arm === base && mine.has(d.date))
    const same = theirs.filter((d) => mine.get(d.date) === d.action).length
    let flips: EvaluationProbe['flips'] = null
    if (v.mirror) {
      // The stored action of a mirrored arm is mapped back to the real side; the model's own answer
      // flipped when its real side equals the base's, i.e. it said SELL on the mirror where the base said BUY.
      const directional = theirs.filter((d) => d.action === 'BUY' || d.action === 'SELL')
      const opposite = (a: string) => (a === 'BUY' ? 'SELL' : 'BUY')
      const flipped = directional.filter((d) => modelAction(mine.get(d.date)!, v) === opposite(d.action)).length
      flips = {
        directional: directional.length,
        flipped,
        share: directional.length ? flipped / directional.length : null,
      }
    }
    out.push({
      kind: v.mirror ? 'mirror' : !v.charts ? 'noChart' : 'blinding',
      arm: k,
      base,
      pairs: theirs.length,
      agreement: theirs.length ? same / theirs.length : null,
      deltaExpectancyR: sub(metrics[base]!.expectancyR, metrics[k]!.expectancyR),
      deltaWinRate: sub(metrics[base]!.winRate, metrics[k]!.winRate),
      flips,
    })
  })
  return out
}
