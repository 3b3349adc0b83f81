import { call } from '../state/app'
import { useLoad } from '../state/useLoad'
import { fmtPrice, fmtSigned, tone } from './format'

/** The dashboard's P&L card (F24): today's P&L, open positions and net liquidation, from the portfolio. */
export function DashboardPortfolio() {
  const p = useLoad(() => call('portfolio.get', {}), 'portfolio', [
    'positions',
    'executions',
    'trades',
    'portfolio_snapshots',
  ])
  const v = p.data
  return (
    <section className="panel card" data-testid="dash-pnl">
      <h2>Today’s P&amp;L</h2>
      <div className={`big num ${tone(v?.totals.pnlToday)}`}>{v ? fmtSigned(v.totals.pnlToday) : '—'}</div>
      <div className="muted">
        {v ? (
          <>
            <a href="#/portfolio">{v.positions.length} position(s)</a>
            {` · unrealized ${fmtSigned(v.totals.unrealizedPnl)} · net liquidation ${fmtPrice(v.netLiquidation)}`}
          </>
        ) : p.error ? (
          `Portfolio unavailable: ${p.error}`
        ) : (
          'Loading…'
        )}
      </div>
      {v && v.differences.length > 0 && (
        <div className="tone-warn">{v.differences.length} difference(s) with the broker: see Portfolio</div>
      )}
    </section>
  )
}
