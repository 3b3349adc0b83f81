import { useState } from 'react'
import type { SignalSummary } from '../../src-main/contract/runs'
import { fmtPrice } from '../components/format'
import { fmtDateTime, fmtNum } from '../lineage/format'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'
import { wallClock } from '../components/navigate'

const actionTone = (a: string) => (a === 'BUY' ? 'up' : a === 'SELL' ? 'down' : a === 'REVIEW' ? 'tone-warn' : '')

/** F11: every signal with its status, levels, reward/risk, expiry and outcome, linked to its run. */
export function SignalsPage(_props: { params: string[] }) {
  const [strategyId, setStrategyId] = useState('')
  const [status, setStatus] = useState<'' | SignalSummary['status']>('')
  const filter = { limit: 500, ...(strategyId ? { strategyId } : {}), ...(status ? { status } : {}) }
  const list = useLoad(
    async () => ({ signals: await call('signals.list', filter), at: wallClock() }),
    JSON.stringify(filter),
    ['signals'],
  )
  const strategies = useLoad(() => call('strategies.list', {}), 'strategies', ['strategies']).data ?? []
  const signals = list.data?.signals ?? null
  const now = list.data?.at ?? 0
  const error = list.error
  const names = new Map(strategies.map((s) => [s.id, s.name]))

  return (
    <div className="page wide" data-testid="signals-page">
      <header className="page-header">
        <h1>Signals</h1>
        <div className="page-actions">
          <select value={strategyId} onChange={(e) => setStrategyId(e.target.value)} aria-label="Strategy">
            <option value="">All strategies</option>
            {strategies.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)} aria-label="Status">
            <option value="">Any status</option>
            <option value="ACCEPTED">Accepted</option>
            <option value="DOWNGRADED">Downgraded</option>
            <option value="REVIEW">Review</option>
          </select>
        </div>
      </header>
      {error && (
        <div className="notice tone-bad" role="alert">
          Could not load signals: {error}. Check the engine connection.
        </div>
      )}
      <section className="panel">
        {signals === null ? (
          <p className="muted">Loading…</p>
        ) : signals.length === 0 ? (
          <p className="muted">No signals yet. Each run records one; start a run from the Strategies page.</p>
        ) : (
          <table className="grid signals-table" data-testid="signals-table">
            <thead>
              <tr>
                <th className="col-time">Time</th>
                <th className="col-strategy">Strategy</th>
                <th className="col-symbol">Symbol</th>
                <th className="col-action">Action</th>
                <th className="col-status">Status</th>
                <th className="num col-conf optional">Conf.</th>
                <th className="num col-price">Entry</th>
                <th className="num col-price">Stop</th>
                <th className="num col-targets">Targets</th>
                <th className="num col-rr">R:R</th>
                <th className="col-analyst optional">Analyst</th>
                <th className="col-expires optional">Expires</th>
                <th className="col-reason">Outcome / reason</th>
              </tr>
            </thead>
            <tbody>
              {signals.map((s) => {
                const drafted = s.draftAction && s.draftAction !== s.action ? s.draftAction : null
                const reason = s.outcome ? JSON.stringify(s.outcome) : (s.reason ?? '')
                const targets = s.targets.map((t) => fmtPrice(t)).join(' / ') || '—'
                const strategy = (s.strategyId && names.get(s.strategyId)) ?? '—'
                return (
                  <tr key={s.id} data-testid={`signal-${s.id}`}>
                    <td className="mono">
                      <a href={`#/lineage/${s.runId}/validate_signal`}>{fmtDateTime(s.createdAt)}</a>
                    </td>
                    <td className="clip" title={strategy}>
                      {strategy}
                    </td>
                    <td className="strong">{s.symbol}</td>
                    <td
                      data-testid="signal-action"
                      title={drafted ? `Drafted ${drafted}, decided ${s.action}` : undefined}
                    >
                      {drafted && (
                        <>
                          <span className={actionTone(drafted)}>{drafted}</span>
                          <span className="muted"> → </span>
                        </>
                      )}
                      <span className={actionTone(s.action)}>{s.action}</span>
                      {s.rule && s.status !== 'ACCEPTED' && <span className="chip rule-chip">{s.rule}</span>}
                    </td>
                    <td className={s.status === 'ACCEPTED' ? 'tone-ok' : s.status === 'REVIEW' ? 'tone-warn' : 'muted'}>
                      {s.status}
                    </td>
                    <td className="num optional">{fmtNum(s.confidence)}</td>
                    <td className="num">{fmtPrice(s.entry)}</td>
                    <td className="num">{fmtPrice(s.stop)}</td>
                    <td className="num clip" title={targets}>
                      {targets}
                    </td>
                    <td className="num">{fmtNum(s.rewardRisk)}</td>
                    <td className="muted clip optional">{s.provider === 'rules' ? 'rules (not an LLM)' : s.model}</td>
                    <td className={`optional ${s.expiresAt !== null && s.expiresAt < now ? 'muted' : ''}`}>
                      {s.expiresAt === null ? '—' : s.expiresAt < now ? 'expired' : fmtDateTime(s.expiresAt)}
                    </td>
                    <td className="muted reason" title={reason} data-testid="signal-reason">
                      {reason}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}
