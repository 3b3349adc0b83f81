import type { OutcomeStats } from '../../src-main/contract/runs'
import { fmtInt } from '../lineage/format'

// F18 outcomes: per analyst and prompt version, from live trades and from evaluations, each in its own
// table with its source named. A metric with too little data shows "—", never 0.

const dash = '—'
const pct = (v: number | null) => (v === null ? dash : `${(v * 100).toFixed(1)} %`)
const r = (v: number | null) => (v === null ? dash : `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)} R`)
const fixed = (v: number | null, n: number) => (v === null ? dash : v.toFixed(n))
const tone = (v: number | null) => (v === null || v === 0 ? '' : v > 0 ? 'up' : 'down')
const analyst = (o: OutcomeStats) =>
  o.provider === 'rules' ? 'Rules-based (no language model)' : `${o.provider} · ${o.model}`

function OutcomeTable({
  rows,
  source,
  testId,
  empty,
}: {
  rows: OutcomeStats[]
  source: 'live' | 'evaluation'
  testId: string
  empty: string
}) {
  const live = source === 'live'
  return (
    <table className="grid" data-testid={testId} data-source={source}>
      <thead>
        <tr>
          <th>Analyst</th>
          <th>Prompt</th>
          {!live && <th className="num">Evaluations</th>}
          <th className="num" title={live ? 'Signals created in this window' : 'Decisions (one per session)'}>
            {live ? 'Signals' : 'Decisions'}
          </th>
          <th className="num" title="Trades with a realised R">
            Trades
          </th>
          <th className="num">Win rate</th>
          <th className="num" title="Mean R per trade (expectancy), net of costs">
            Mean R
          </th>
          <th className="num" title="Gross winning R over gross losing R; — without a losing trade">
            Profit factor
          </th>
          <th
            className="num"
            title="Brier score of the stated confidence against target-before-stop (lower is better; 0.25 is a coin)"
          >
            Brier
          </th>
          <th className="num" title="Trades that ended at the target or the stop: the Brier sample">
            n
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((o) => (
          <tr key={`${o.provider}|${o.model}|${o.promptVersionId ?? ''}`}>
            <td>{analyst(o)}</td>
            <td>{o.promptLabel ?? (o.promptVersionId ? o.promptVersionId.slice(0, 8) : dash)}</td>
            {!live && <td className="num">{fmtInt(o.evaluations ?? 0)}</td>}
            <td className="num">{fmtInt(o.signals)}</td>
            <td className="num">{fmtInt(o.trades)}</td>
            <td className="num">{pct(o.winRate)}</td>
            <td className={`num ${tone(o.expectancyR)}`}>{r(o.expectancyR)}</td>
            <td className="num">{fixed(o.profitFactor, 2)}</td>
            <td className="num">{fixed(o.brier, 3)}</td>
            <td className="num muted">{fmtInt(o.calibrated)}</td>
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={live ? 9 : 10} className="muted">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}

export function OutcomesPanel({ outcomes }: { outcomes: { live: OutcomeStats[]; evaluation: OutcomeStats[] } }) {
  return (
    <section className="panel" data-testid="stats-outcomes">
      <h2>Outcomes by analyst and prompt version</h2>
      <h3 className="subhead">
        Live trades <span className="muted">— round trips closed in this window, by the signal that opened them</span>
      </h3>
      <OutcomeTable
        rows={outcomes.live}
        source="live"
        testId="stats-outcomes-live"
        empty="No signals or closed trades in this window."
      />
      <h3 className="subhead">
        Evaluations{' '}
        <span className="muted">
          — simulated fills of evaluations that passed their self-tests, finished in this window
        </span>
      </h3>
      <OutcomeTable
        rows={outcomes.evaluation}
        source="evaluation"
        testId="stats-outcomes-evaluation"
        empty="No finished evaluation in this window: run one in the Evaluation lab."
      />
    </section>
  )
}
