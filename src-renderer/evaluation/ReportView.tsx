import { useMemo, useState } from 'react'
import type { EvaluationDecision, EvaluationReport } from '../../src-main/contract/evaluations-api'
import { navigate } from '../components/navigate'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'
import { EquityChart, ReliabilityDiagram, RHistogram } from './plots'
import { ReportSections } from './ReportSections'
import { ProbesPanel } from './ProbesPanel'
import { AbPanel } from './AbPanel'
import { ExportButton } from '../lineage/Library'

// The report of one evaluation: metrics with 95 % intervals per arm, baselines beside them, the
// figures, the self-tests, and the decisions behind every number (each opens its run).

type Arm = EvaluationReport['arms'][number]
type Filter = { label: string; test: (d: EvaluationDecision) => boolean }

const f2 = (v: number | null | undefined, dp = 2) => (v === null || v === undefined ? '—' : v.toFixed(dp))
const pctOf = (v: number | null | undefined, dp = 1) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(dp)} %`
const ci = (i: { low: number; high: number } | null | undefined, fmt: (v: number) => string) =>
  i ? `${fmt(i.low)} … ${fmt(i.high)}` : 'too little data'
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 })

const isTrade: Filter = { label: 'closed trades', test: (d) => d.r !== null }
const METRICS: { key: keyof Arm['metrics']; label: string; fmt: (v: number) => string; filter: Filter }[] = [
  { key: 'winRate', label: 'Win rate', fmt: (v) => pctOf(v), filter: isTrade },
  { key: 'expectancyR', label: 'Expectancy (mean R, net)', fmt: (v) => `${f2(v)} R`, filter: isTrade },
  { key: 'profitFactor', label: 'Profit factor', fmt: (v) => f2(v), filter: isTrade },
  { key: 'maxDrawdownPct', label: 'Max drawdown', fmt: (v) => `${f2(v)} %`, filter: isTrade },
  { key: 'sharpe', label: 'Sharpe (annualised)', fmt: (v) => f2(v), filter: isTrade },
  {
    key: 'brier',
    label: 'Brier (target before stop)',
    fmt: (v) => f2(v, 3),
    filter: { label: 'resolved signals', test: (d) => d.exit?.reason === 'target' || d.exit?.reason === 'stop' },
  },
]

function Link({ f, pick, children }: { f: Filter; pick(f: Filter): void; children: React.ReactNode }) {
  return (
    <button className="linkish" onClick={() => pick(f)} title={`Show the ${f.label} behind this number`}>
      {children}
    </button>
  )
}

/** `review`: the report read from an imported bundle (review library), offline. */
export function ReportView({ report, review = null }: { report: EvaluationReport; review?: string | null }) {
  const [arm, setArm] = useState(0)
  const [filter, setFilter] = useState<Filter | null>(null)
  const a = report.arms[arm]!
  const { data: decisions, error } = useLoad(
    () =>
      review
        ? call('review.evaluationDecisions', { id: review, evaluationId: report.id, arm, limit: 5000 })
        : call('evaluations.decisions', { evaluationId: report.id, arm, limit: 5000 }),
    `${review}/${report.id}/${arm}`,
  )
  const runLink = (runId: string) => (review ? `#/lineage/review/${review}/${runId}` : `#/lineage/${runId}`)
  const notKept = useMemo(() => (decisions ?? []).filter((d) => d.runId && d.runKept === false).length, [decisions])
  const shown = useMemo(() => (decisions ?? []).filter((d) => !filter || filter.test(d)), [decisions, filter])
  const pick = (f: Filter) => {
    setFilter(f)
    requestAnimationFrame(() => document.getElementById('lab-decisions')?.scrollIntoView({ block: 'start' }))
  }
  return (
    <div data-testid="lab-report">
      <section className="panel">
        <div className="row">
          <span className="strong">
            {report.symbol} · {report.from} → {report.to} · horizon {report.horizon} sessions
          </span>
          <span className="muted">
            data: {report.source === 'simulator' ? 'the simulator' : "the gateway's history"} · capital{' '}
            {usd.format(report.capital)} · trials on this strategy and symbol: {report.trials}
          </span>
          <span className="grow" />
          <span className={report.lookahead.passed ? 'tone-ok' : 'tone-bad'} data-testid="lab-lookahead">
            Look-ahead self-test {report.lookahead.passed ? 'passed' : 'FAILED'} ({report.lookahead.checked} dates)
          </span>
          {review ? (
            <span className="muted">read-only, from an imported bundle</span>
          ) : (
            // The evaluation as one bundle: its decision runs (inputs, artifacts, answers), its row with
            // this report, and its decisions with fills and outcomes, readable offline in the review library.
            <ExportButton selection={{ evaluationId: report.id }} label="Export evaluation" />
          )}
          <span className={report.warmup.passed ? 'tone-ok' : 'tone-bad'}>
            Warm-up {report.warmup.passed ? 'ok' : 'FAILED'} (max Δ {f2(report.warmup.maxDeviationPct, 3)} %)
          </span>
        </div>
        {report.lookahead.failures.map((x) => (
          <div key={`${x.date}${x.artifact}`} className="notice tone-bad">
            {x.date}: the {x.artifact} differ between the truncated and the full store.
          </div>
        ))}
        {report.arms.length > 1 && (
          <div className="segmented" style={{ marginTop: 8 }}>
            {report.arms.map((x, i) => (
              <button key={i} className={i === arm ? 'on' : ''} onClick={() => (setArm(i), setFilter(null))}>
                {x.label}
              </button>
            ))}
          </div>
        )}
      </section>
      {report.probes && report.probes.length > 0 && <ProbesPanel report={report} />}
      {report.ab && <AbPanel ab={report.ab} />}
      <div className="lab-grid">
        <section className="panel">
          <h2>{a.label}</h2>
          <table className="grid" data-testid="lab-metrics">
            <thead>
              <tr>
                <th>Metric</th>
                <th className="num">Value</th>
                <th className="num">95 % interval</th>
              </tr>
            </thead>
            <tbody>
              {METRICS.map((m) => (
                <tr key={m.key}>
                  <td>{m.label}</td>
                  <td className="num">
                    <Link pick={pick} f={m.filter}>
                      {a.metrics[m.key] === null ? '—' : m.fmt(a.metrics[m.key]!)}
                    </Link>
                  </td>
                  <td className="num muted">{ci(a.intervals[m.key], m.fmt)}</td>
                </tr>
              ))}
              <tr>
                <td>Decisions · trades</td>
                <td className="num">
                  <Link pick={pick} f={{ label: 'decisions', test: () => true }}>
                    {a.decisions}
                  </Link>{' '}
                  ·{' '}
                  <Link pick={pick} f={isTrade}>
                    {a.trades}
                  </Link>
                </td>
                <td className="num muted">
                  {Object.entries(a.actions)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(' · ')}
                </td>
              </tr>
              <tr>
                <td>Net P&amp;L after costs · commissions and fees</td>
                <td className="num">{usd.format(a.netPnl)}</td>
                <td className="num muted">{usd.format(a.costs)}</td>
              </tr>
              <tr>
                <td>LLM spend (booked in the dashed curve)</td>
                <td className="num">{usd.format(a.llmUsd)}</td>
                <td className="num muted">{a.provider === 'rules' ? 'rules analyst: free' : a.model}</td>
              </tr>
              <tr>
                <td>Repeat-call noise (3 calls): flip rate · SD of R</td>
                <td className="num">{a.noise ? pctOf(a.noise.flipRate) : '—'}</td>
                <td className="num muted">
                  {!a.noise
                    ? 'not measured'
                    : a.noise.deterministic
                      ? 'deterministic: 0'
                      : `${f2(a.noise.sdR, 3)} R on ${a.noise.sampled} dates`}
                </td>
              </tr>
              <tr>
                <td>Ambiguous bars (stop first) · optimistic bound</td>
                <td className="num">
                  <Link pick={pick} f={{ label: 'ambiguous trades', test: (d) => d.ambiguous }}>
                    {pctOf(a.ambiguousShare)}
                  </Link>
                </td>
                <td className="num muted">{f2(a.expectancyOptimisticR)} R</td>
              </tr>
              <tr>
                <td>Ambiguous trades resolved from 5-minute bars · mean R with them</td>
                <td className="num">{a.intraday ? `${a.intraday.resolved} of ${a.intraday.ambiguous}` : '—'}</td>
                <td className="num muted">{a.intraday ? `${f2(a.intraday.expectancyR)} R` : 'not recorded'}</td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="panel">
          <h2>Baselines (same dates, brackets and costs)</h2>
          <table className="grid" data-testid="lab-baselines">
            <tbody>
              <tr>
                <td>This arm: return</td>
                <td className="num">{a.returnPct === null ? '—' : `${f2(a.returnPct)} %`}</td>
              </tr>
              <tr>
                <td>Buy-and-hold</td>
                <td className="num">{report.buyAndHoldPct === null ? '—' : `${f2(report.buyAndHoldPct)} %`}</td>
              </tr>
              <tr>
                <td>Always HOLD</td>
                <td className="num">0.00 %</td>
              </tr>
              <tr>
                <td>Random entries, same count and R geometry (1,000 seeds): median R · p-value</td>
                <td className="num">
                  {f2(a.baselines.randomMedianR)} R · p {f2(a.baselines.randomP, 3)}
                </td>
              </tr>
              <tr>
                <td>Knowledge cutoff {a.cutoff.date ?? 'none (not a language model, or unknown)'}: after · before</td>
                <td className="num">
                  {f2(a.cutoff.after.expectancyR)} R ({a.cutoff.after.trades}) ·{' '}
                  {a.cutoff.date
                    ? `${f2(a.cutoff.before.expectancyR)} R (${a.cutoff.before.trades}) may be memorised`
                    : '—'}
                </td>
              </tr>
            </tbody>
          </table>
          <h2 style={{ marginTop: 12 }}>Calibration</h2>
          <div className="row">
            <ReliabilityDiagram bins={a.calibration.bins} />
            <dl className="facts">
              <dt>Resolved signals</dt>
              <dd className="num">{a.calibration.n}</dd>
              <dt>ECE</dt>
              <dd className="num">{f2(a.calibration.ece, 3)}</dd>
              <dt>Brier skill</dt>
              <dd className="num">{f2(a.calibration.skill, 3)}</dd>
              <dt>AUROC</dt>
              <dd className="num">{f2(a.calibration.auroc, 3)}</dd>
              <dt>Point-biserial r</dt>
              <dd className="num">{f2(a.calibration.pointBiserial, 3)}</dd>
            </dl>
          </div>
        </section>
      </div>
      <div className="lab-grid">
        <section className="panel">
          <h2>Equity (solid: after trading costs · dashed: after LLM cost too)</h2>
          <EquityChart sessions={report.sessions} arms={report.arms} />
        </section>
        <section className="panel">
          <h2>R per trade (net)</h2>
          <RHistogram
            values={a.rValues}
            onPick={(lo, hi) =>
              pick({ label: `trades from ${lo} R to ${hi} R`, test: (d) => d.r !== null && d.r >= lo && d.r < hi })
            }
          />
        </section>
      </div>
      <ReportSections report={report} arm={a} />
      <section className="panel" id="lab-decisions">
        <div className="row">
          <h2 style={{ margin: 0 }}>
            Decisions{filter ? ` — ${filter.label} (${shown.length})` : ` (${shown.length})`}
          </h2>
          {filter && (
            <button className="btn small" onClick={() => setFilter(null)}>
              Show all
            </button>
          )}
        </div>
        {error && <div className="notice tone-bad">Could not load the decisions: {error}</div>}
        {notKept > 0 && (
          <div className="notice" data-testid="lab-runs-not-kept">
            The runs of {notKept} of {decisions!.length} decisions were not kept (retention deleted them): their
            decisions, fills and outcomes are all here, but those runs cannot be opened.
          </div>
        )}
        <DecisionTable rows={shown} link={runLink} />
      </section>
    </div>
  )
}

function exitText(x: NonNullable<EvaluationDecision['exit']>): string {
  return x.reason === 'expired' ? `expired ${x.date}` : `${x.reason} ${x.date} @ ${x.price.toFixed(2)}`
}

/** A decision's run can be opened unless retention deleted it (older servers do not say: assume kept). */
const opens = (d: EvaluationDecision) => d.runId !== null && d.runKept !== false

function DecisionTable({ rows, link }: { rows: EvaluationDecision[]; link(runId: string): string }) {
  return (
    <div className="lab-table-wrap">
      <table className="grid" data-testid="lab-decisions">
        <thead>
          <tr>
            <th>Session</th>
            <th>Action</th>
            <th>Status</th>
            <th className="num">Entry</th>
            <th className="num">Stop</th>
            <th className="num">Target</th>
            <th className="num">Conf.</th>
            <th>Fill</th>
            <th>Exit</th>
            <th className="num">R</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr
              key={d.date}
              tabIndex={opens(d) ? 0 : -1}
              className={opens(d) ? 'clickable' : ''}
              onClick={() => opens(d) && navigate(link(d.runId!))}
              onKeyDown={(e) => e.key === 'Enter' && opens(d) && navigate(link(d.runId!))}
              title={
                opens(d)
                  ? "Open this decision's run in the timeline"
                  : d.runId
                    ? `Run ${d.runId} was not kept: retention deleted it; the decision and its outcome remain`
                    : 'This decision has no run'
              }
            >
              <td className="mono">{d.date}</td>
              <td>{d.action}</td>
              <td className="muted">{d.status}</td>
              <td className="num">{f2(d.entry)}</td>
              <td className="num">{f2(d.stop)}</td>
              <td className="num">{f2(d.targets[0])}</td>
              <td className="num">{f2(d.confidence)}</td>
              <td className="mono">{d.fill ? `${d.fill.date} @ ${d.fill.price.toFixed(2)}` : '—'}</td>
              <td className="mono">{d.exit ? exitText(d.exit) : '—'}</td>
              <td className={`num ${d.r === null ? '' : d.r > 0 ? 'up' : 'down'}`}>{f2(d.r)}</td>
              <td className="muted">
                {[d.ambiguous && 'ambiguous', d.runId && d.runKept === false && 'run not kept']
                  .filter(Boolean)
                  .join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
