import { useState } from 'react'
import { fmtCost, fmtDateTime, fmtDuration, fmtInt } from '../lineage/format'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'
import { OutcomesPanel } from './StatsOutcomes'

const WINDOWS = [
  { id: '1d', label: '24 h', ms: 86_400_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { id: '365d', label: '1 year', ms: 365 * 86_400_000 },
] as const

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((n / d) * 100).toFixed(1)} %`)

/** F18: per step, per strategy, per model and prompt version, over a chosen window. */
export function StatsPage(_props: { params: string[] }) {
  const [window_, setWindow] = useState<(typeof WINDOWS)[number]['id']>('30d')
  const span = WINDOWS.find((w) => w.id === window_)!.ms
  const {
    data: stats,
    error,
    loading,
  } = useLoad(() => call('lineage.stats', { from: Date.now() - span, to: Date.now() }), window_, [
    'runs',
    'signals',
    'trades',
    'evaluations',
  ])

  return (
    <div className="page wide" data-testid="stats-page">
      <header className="page-header">
        <h1>Statistics</h1>
        <div className="page-actions">
          {loading && <span className="muted">Computing…</span>}
          <div className="segmented">
            {WINDOWS.map((w) => (
              <button key={w.id} className={w.id === window_ ? 'on' : ''} onClick={() => setWindow(w.id)}>
                {w.label}
              </button>
            ))}
          </div>
        </div>
      </header>
      {error && (
        <div className="notice tone-bad">Could not compute statistics: {error}. Check the engine connection.</div>
      )}
      {stats && (
        <>
          <section className="panel">
            <h2>Steps</h2>
            <table className="grid" data-testid="stats-steps">
              <thead>
                <tr>
                  <th>Step</th>
                  <th className="num">Runs</th>
                  <th className="num">Success</th>
                  <th className="num">Failed</th>
                  <th className="num">p50</th>
                  <th className="num">p95</th>
                  <th>Top errors</th>
                </tr>
              </thead>
              <tbody>
                {stats.steps.map((s) => (
                  <tr key={s.step}>
                    <td className="mono">{s.step}</td>
                    <td className="num">{fmtInt(s.total)}</td>
                    <td className="num">{pct(s.succeeded, s.total - (s.total - s.succeeded - s.failed))}</td>
                    <td className={`num ${s.failed > 0 ? 'down' : ''}`}>{fmtInt(s.failed)}</td>
                    <td className="num">{fmtDuration(s.p50Ms)}</td>
                    <td className="num">{fmtDuration(s.p95Ms)}</td>
                    <td className="muted wrap">
                      {stats.topErrors
                        .filter((e) => e.step === s.step)
                        .map((e) => `${e.message} (×${e.count})`)
                        .join(' · ')}
                    </td>
                  </tr>
                ))}
                {stats.steps.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      No runs in this window.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2>Strategies</h2>
            <table className="grid" data-testid="stats-strategies">
              <thead>
                <tr>
                  <th>Strategy</th>
                  <th className="num">Runs</th>
                  <th className="num">Success</th>
                  <th className="num">Failed</th>
                  <th className="num">Aborted</th>
                  <th className="num">p50 run</th>
                  <th className="num">Signals</th>
                  <th className="num">Actionable</th>
                  <th className="num">Review</th>
                  <th>Last run</th>
                </tr>
              </thead>
              <tbody>
                {stats.strategies.map((s) => (
                  <tr key={s.strategyId}>
                    <td className="strong">{s.name}</td>
                    <td className="num">{fmtInt(s.runs)}</td>
                    <td className="num">{pct(s.succeeded, s.runs)}</td>
                    <td className={`num ${s.failed > 0 ? 'down' : ''}`}>{fmtInt(s.failed)}</td>
                    <td className="num">{fmtInt(s.aborted)}</td>
                    <td className="num">{fmtDuration(s.p50Ms)}</td>
                    <td className="num">{fmtInt(s.signals)}</td>
                    <td className="num">{fmtInt(s.actionable)}</td>
                    <td className="num">{fmtInt(s.reviews)}</td>
                    <td className="mono">{fmtDateTime(s.lastRunAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2>Models and prompt versions</h2>
            <table className="grid" data-testid="stats-models">
              <thead>
                <tr>
                  <th>Analyst</th>
                  <th>Prompt</th>
                  <th className="num">Signals</th>
                  <th className="num">Accepted</th>
                  <th className="num">Downgraded</th>
                  <th className="num">Review</th>
                  <th className="num">Buy / Sell / Hold</th>
                  <th className="num">Tokens in / out</th>
                  <th className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {stats.models.map((m) => (
                  <tr key={`${m.provider}|${m.model}|${m.promptVersionId}`}>
                    <td>{m.provider === 'rules' ? 'Rules-based (no language model)' : `${m.provider} · ${m.model}`}</td>
                    <td>{m.promptLabel ?? '—'}</td>
                    <td className="num">{fmtInt(m.signals)}</td>
                    <td className="num">{pct(m.accepted, m.signals)}</td>
                    <td className="num">{pct(m.downgraded, m.signals)}</td>
                    <td className={`num ${m.reviews > 0 ? 'tone-warn' : ''}`}>{pct(m.reviews, m.signals)}</td>
                    <td className="num">
                      {m.buys} / {m.sells} / {m.holds}
                    </td>
                    <td className="num">
                      {fmtInt(m.promptTokens)} / {fmtInt(m.completionTokens)}
                    </td>
                    <td className="num">
                      {fmtCost(m.costMicros)}
                      {m.unpricedCalls > 0 && <span className="muted"> + {m.unpricedCalls} unpriced</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <OutcomesPanel outcomes={stats.outcomes} />
        </>
      )}
    </div>
  )
}
