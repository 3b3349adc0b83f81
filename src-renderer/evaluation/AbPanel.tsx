import type { AbRow, EvaluationReport } from '../../src-main/contract/evaluations-api'

// The A/B comparison (EVALUATION.md §5): the verdict on the metric declared before the run, its
// paired statistics, and every paired statistic beside its repeat-call noise floor (3 calls on a 10 %
// sample): what call-to-call randomness alone could move it. A difference inside its floor is noise.

type Ab = NonNullable<EvaluationReport['ab']>

const f2 = (v: number | null | undefined, dp = 2) => (v === null || v === undefined ? '—' : v.toFixed(dp))
const ci = (i: { low: number; high: number } | null | undefined, fmt: (v: number) => string) =>
  i ? `${fmt(i.low)} … ${fmt(i.high)}` : 'too little data'
const signed = (v: number, dp: number) => `${v > 0 ? '+' : ''}${v.toFixed(dp)}`

/** Mean R in R; hit rate and Brier as plain differences of shares and scores; κ as is. */
const UNIT: Record<AbRow['key'], string> = { meanR: ' R', hitRate: '', brier: '', kappa: '' }
const DP: Record<AbRow['key'], number> = { meanR: 3, hitRate: 3, brier: 3, kappa: 2 }
const READING: Record<AbRow['key'], string> = {
  meanR: 'A − B, mean R net per paired date (no trade counts 0 R)',
  hitRate: 'A − B, target before stop, on dates both arms reached one',
  brier: "B's Brier term minus A's (positive: A's confidence is better), on dates both resolved",
  kappa: 'agreement of the two arms’ actions beyond chance (1 identical, 0 chance)',
}

function floorText(row: AbRow, deterministic: boolean): string {
  if (deterministic) return '0 (deterministic: rules analyst)'
  return row.noiseFloor === null ? '—' : `±${row.noiseFloor.toFixed(DP[row.key])}${UNIT[row.key]}`
}

/** Whether a difference stands out of its noise floor; κ is not a difference from 0, so it has none. */
function against(row: AbRow): string {
  if (row.key === 'kappa' || row.value === null || row.noiseFloor === null) return '—'
  if (row.noiseFloor === 0) return row.value === 0 ? 'no difference' : 'exact (no call noise)'
  return Math.abs(row.value) > row.noiseFloor ? 'beyond noise' : 'within noise'
}

export function abLine(ab: Ab): string {
  const unit = ab.metric === 'mean R net' ? ' R' : ''
  return (
    `${ab.pairs} pairs · difference ${f2(ab.meanDiff, 3)} (95 % ${ci(ab.interval, (v) => f2(v, 3))}) · ` +
    `McNemar p ${f2(ab.mcnemarP, 3)} · κ ${f2(ab.kappa)} · minimum detectable effect ${f2(ab.mde, 3)}${unit}` +
    (ab.deterministic
      ? ' · repeat-call noise floor 0 (both arms deterministic)'
      : ab.noiseFloor === null || ab.noiseFloor === undefined
        ? ' · repeat-call noise floor not measured'
        : ` · repeat-call noise floor ±${f2(ab.noiseFloor, 3)}${unit}`)
  )
}

export function AbPanel({ ab }: { ab: Ab }) {
  const deterministic = ab.deterministic === true
  return (
    <section className="panel" data-testid="lab-ab">
      <h2>A/B (arm 1 − arm 2, {ab.metric}, paired by date)</h2>
      <div className={ab.verdict.startsWith('Not enough') ? 'notice tone-warn' : 'notice'}>{ab.verdict}</div>
      <div className="muted">{abLine(ab)}</div>
      {ab.rows && (
        <table className="grid" data-testid="lab-ab-noise" style={{ marginTop: 8 }}>
          <thead>
            <tr>
              <th>Paired statistic</th>
              <th className="num">Pairs</th>
              <th className="num">Difference A − B · κ</th>
              <th className="num">Repeat-call noise floor (95 %)</th>
              <th>Against the floor</th>
            </tr>
          </thead>
          <tbody>
            {ab.rows.map((r) => (
              <tr key={r.key} title={READING[r.key]} className={r.label === ab.metric ? 'active' : ''}>
                <td>
                  {r.label}
                  {r.label === ab.metric ? ' (declared)' : ''}
                </td>
                <td className="num">{r.pairs}</td>
                <td className="num">
                  {r.value === null
                    ? '—'
                    : r.key === 'kappa'
                      ? `κ ${r.value.toFixed(DP.kappa)}`
                      : `${signed(r.value, DP[r.key])}${UNIT[r.key]}`}
                </td>
                <td className="num" title={r.noiseFloor === null && !deterministic ? 'not measured' : undefined}>
                  {floorText(r, deterministic)}
                </td>
                <td className="muted">{against(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ab.rows && !deterministic && ab.rows.some((r) => r.noiseFloor === null) && (
        <div className="muted" style={{ marginTop: 6 }}>
          — : not measured (the repeat calls were off, or no sampled date had two calls with a value for it).
        </div>
      )}
    </section>
  )
}
