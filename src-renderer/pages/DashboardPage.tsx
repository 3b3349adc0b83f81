import { GATEWAY_STATE_LABEL } from '../../src-main/contract/models'
import { fmtPrice } from '../components/format'
import { wallClock } from '../components/navigate'
import { fmtCost, fmtDateTime, fmtDuration } from '../lineage/format'
import { RiskBar } from '../orders/RiskBar'
import { DashboardPortfolio } from '../components/DashboardPortfolio'
import { call, useApp } from '../state/app'
import { useLoad } from '../state/useLoad'

// F24: one screen for the trading day: connection, kill switch, P&L and positions, what waits for a
// decision, the latest signals, the next scheduled runs, recent runs and failures, and LLM spend.

const DAY = 86_400_000

export function DashboardPage(_props: { params: string[] }) {
  const gateway = useApp((s) => s.gateway)
  const data = useLoad(
    async () => {
      const now = wallClock()
      const [runs, failed, signals, schedules, approvals, open, stats] = await Promise.all([
        call('runs.list', { limit: 8 }),
        call('runs.list', { status: 'failed', limit: 5 }),
        call('signals.list', { limit: 8 }),
        call('schedules.list', {}),
        call('approvals.list', { status: 'pending' }),
        call('orders.list', {
          status: ['SUBMITTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL', 'UNKNOWN', 'AWAITING_REPLY'],
          limit: 200,
        }),
        call('lineage.stats', { from: now - DAY, to: now }),
      ])
      return { now, runs, failed, signals, schedules, approvals, open, stats }
    },
    'dashboard',
    ['runs', 'signals', 'schedules', 'approvals', 'orders', 'llm_usage', 'strategies'],
  )
  const d = data.data
  const spend = d?.stats.models.reduce(
    (s, m) => ({
      cost: s.cost + m.costMicros,
      unpriced: s.unpriced + m.unpricedCalls,
      tokens: s.tokens + m.promptTokens + m.completionTokens,
    }),
    { cost: 0, unpriced: 0, tokens: 0 },
  )
  const next = (d?.schedules ?? [])
    .filter((s) => s.active && !s.paused && s.nextRunAt !== null)
    .sort((a, b) => a.nextRunAt! - b.nextRunAt!)

  return (
    <div className="page wide dashboard" data-testid="dashboard-page">
      <header className="page-header">
        <h1>Dashboard</h1>
        <RiskBar />
      </header>
      {data.error && (
        <div className="notice tone-bad">Could not load the dashboard: {data.error}. Check the engine connection.</div>
      )}
      <div className="cards">
        <section className="panel card" data-testid="dash-connection">
          <h2>Connection</h2>
          <div className="big">{gateway ? GATEWAY_STATE_LABEL[gateway.state] : '—'}</div>
          <div className="muted">
            {gateway?.url === 'sim' ? 'Simulator' : gateway?.url} {gateway?.account ? `· ${gateway.account}` : ''}{' '}
            {gateway?.paper === null || gateway === null ? '' : gateway.paper ? '· PAPER' : '· LIVE'}
          </div>
        </section>
        <DashboardPortfolio />
        <section className="panel card" data-testid="dash-attention">
          <h2>Waiting for you</h2>
          <div className="big">
            <a href="#/orders">{d?.approvals.length ?? 0} approval(s)</a>
          </div>
          <div className="muted">
            {d?.open.length ?? 0} working order(s)
            {(d?.open.filter((o) => o.status === 'UNKNOWN').length ?? 0) > 0
              ? ` · ${d!.open.filter((o) => o.status === 'UNKNOWN').length} being reconciled`
              : ''}
          </div>
        </section>
        <section className="panel card" data-testid="dash-llm">
          <h2>LLM spend, 24 h</h2>
          <div className="big num">{spend ? fmtCost(spend.cost) : '—'}</div>
          <div className="muted">
            {spend ? `${spend.tokens.toLocaleString('en-US')} tokens` : ''}
            {spend && spend.unpriced > 0 ? ` · ${spend.unpriced} unpriced call(s)` : ''}
          </div>
        </section>
      </div>
      <div className="dash-grid">
        <section className="panel" data-testid="dash-signals">
          <h2>Latest signals</h2>
          <table className="grid">
            <tbody>
              {(d?.signals ?? []).map((s) => (
                <tr key={s.id}>
                  <td className="mono">
                    <a href={`#/lineage/${s.runId}/validate_signal`}>{fmtDateTime(s.createdAt)}</a>
                  </td>
                  <td className="strong">{s.symbol}</td>
                  <td
                    className={
                      s.action === 'BUY'
                        ? 'up'
                        : s.action === 'SELL'
                          ? 'down'
                          : s.action === 'REVIEW'
                            ? 'tone-warn'
                            : ''
                    }
                  >
                    {s.action}
                  </td>
                  <td className="muted">{s.status}</td>
                  <td className="num">{fmtPrice(s.entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d?.signals.length === 0 && <p className="muted">No signals yet.</p>}
        </section>
        <section className="panel" data-testid="dash-next">
          <h2>Next runs</h2>
          <table className="grid">
            <tbody>
              {next.slice(0, 8).map((s) => (
                <tr key={s.strategyId}>
                  <td>{s.name}</td>
                  <td className="mono num">{fmtDateTime(s.nextRunAt)}</td>
                  <td className="muted num">in {fmtDuration(s.nextRunAt! - (d?.now ?? 0))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next.length === 0 && <p className="muted">Nothing scheduled: activate a strategy on the Strategies page.</p>}
        </section>
        <section className="panel" data-testid="dash-runs">
          <h2>Recent runs</h2>
          <table className="grid">
            <tbody>
              {(d?.runs ?? []).map((r) => (
                <tr key={r.id}>
                  <td>
                    <span className={`status-dot status-${r.status}`} />
                  </td>
                  <td className="mono">
                    <a href={`#/lineage/${r.id}`}>{fmtDateTime(r.startedAt)}</a>
                  </td>
                  <td>{r.strategyName ?? '—'}</td>
                  <td className="muted">{r.trigger}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel" data-testid="dash-failures">
          <h2>Failures</h2>
          {(d?.failed ?? []).length === 0 ? (
            <p className="muted">No failed runs.</p>
          ) : (
            <table className="grid">
              <tbody>
                {d!.failed.map((r) => (
                  <tr key={r.id}>
                    <td className="mono">
                      <a href={`#/lineage/${r.id}`}>{fmtDateTime(r.startedAt)}</a>
                    </td>
                    <td>{r.strategyName ?? '—'}</td>
                    <td className="tone-bad wrap">{r.error}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </div>
  )
}
