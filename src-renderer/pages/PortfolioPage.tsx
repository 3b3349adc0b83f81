import { useState } from 'react'
import { wallClock } from '../components/navigate'
import { fmtInt } from '../lineage/format'
import { EquityCurve } from '../portfolio/EquityCurve'
import { fmtMoney, fmtPnl, fmtR, fmtShare, pnlTone } from '../portfolio/format'
import { BrokerComparison, PositionsTable, TradeJournal } from '../portfolio/tables'
import { usePortfolioChanged } from '../portfolio/usePortfolioChanged'
import '../portfolio/portfolio.css'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'

// F16: positions with unrealized P&L, account figures beside the broker's (differences flagged with
// what to do), the equity curve from snapshots, statistics, and the trade journal linked to each
// trade's run. Reloads on `portfolio.changed` and when its tables change.

const RANGES = [
  { id: '1m', label: '1 month', days: 31 },
  { id: '3m', label: '3 months', days: 92 },
  { id: '1y', label: '1 year', days: 366 },
] as const
const DAY = 86_400_000
const TABLES = ['executions', 'positions', 'trades', 'portfolio_snapshots'] as const

function Card({
  label,
  value,
  sub,
  tone,
  testId,
}: {
  label: string
  value: string
  sub?: string
  tone?: string
  testId?: string
}) {
  return (
    <div className="pf-card" data-testid={testId}>
      <div className="label">{label}</div>
      <div className={`value ${tone ?? ''}`}>{value}</div>
      {sub && <div className="sub">{sub}</div>}
    </div>
  )
}

export function PortfolioPage(_props: { params: string[] }) {
  const [range, setRange] = useState<(typeof RANGES)[number]['id']>('3m')
  const [journal, setJournal] = useState<'all' | 'closed' | 'open'>('all')
  const days = RANGES.find((r) => r.id === range)!.days
  const view = useLoad(() => call('portfolio.get', {}), 'view', TABLES)
  const snapshots = useLoad(
    () => {
      const to = wallClock()
      return call('portfolio.snapshots', { from: to - days * DAY, to })
    },
    range,
    ['portfolio_snapshots'],
  )
  const trades = useLoad(() => call('portfolio.trades', { status: journal, limit: 200 }), journal, ['trades'])
  usePortfolioChanged(() => {
    view.reload()
    snapshots.reload()
    trades.reload()
  })

  const v = view.data
  const s = v?.stats
  return (
    <div className="page wide" data-testid="portfolio-page">
      <header className="page-header">
        <h1>Portfolio</h1>
        <div className="page-actions">
          {v?.account && <span className="badge mono">{v.account}</span>}
          {view.loading && !v && <span className="muted">Loading…</span>}
          <button className="btn" data-testid="portfolio-refresh" onClick={() => view.reload()}>
            Refresh
          </button>
        </div>
      </header>
      {view.error && (
        <div className="notice tone-bad">Could not load the portfolio: {view.error}. Check the engine connection.</div>
      )}
      {v && (
        <>
          <div className="pf-cards" data-testid="account-figures">
            <Card
              label="Net liquidation"
              value={fmtMoney(v.netLiquidation)}
              sub={v.startOfDayNav === null ? 'from the broker' : `start of day ${fmtMoney(v.startOfDayNav)}`}
              testId="card-netliq"
            />
            <Card label="Cash" value={fmtMoney(v.cash)} sub="from the broker" />
            <Card
              label="Today’s P&L"
              value={fmtPnl(v.totals.pnlToday)}
              tone={pnlTone(v.totals.pnlToday)}
              sub={
                v.totals.pnlToday === null
                  ? 'waiting for marks or the start-of-day snapshot'
                  : 'realized + Δ unrealized − fees'
              }
              testId="card-pnl-today"
            />
            <Card
              label="Unrealized"
              value={fmtPnl(v.totals.unrealizedPnl)}
              tone={pnlTone(v.totals.unrealizedPnl)}
              sub={`market value ${fmtMoney(v.totals.marketValue)}`}
            />
            <Card
              label="Realized today"
              value={fmtPnl(v.totals.realizedToday)}
              tone={pnlTone(v.totals.realizedToday)}
              sub={`fees ${fmtMoney(v.totals.feesToday)}`}
            />
            <Card
              label="Gross exposure"
              value={fmtMoney(v.totals.grossExposure)}
              sub={v.netLiquidation ? `${fmtShare(v.totals.grossExposure / v.netLiquidation)} of net liq.` : undefined}
            />
          </div>
          <section className="panel">
            <h2>Positions</h2>
            <PositionsTable positions={v.positions} />
          </section>
          <div className="pf-grid">
            <section className="panel">
              <div className="pf-section-head">
                <h2>Equity curve</h2>
                <div className="segmented">
                  {RANGES.map((r) => (
                    <button key={r.id} className={r.id === range ? 'on' : ''} onClick={() => setRange(r.id)}>
                      {r.label}
                    </button>
                  ))}
                </div>
              </div>
              <EquityCurve snapshots={snapshots.data ?? []} />
            </section>
            <section className="panel">
              <h2>Local ledger and broker</h2>
              <BrokerComparison view={v} />
            </section>
          </div>
          {s && (
            <div className="pf-cards" data-testid="trade-stats" style={{ marginTop: 12 }}>
              <Card
                label="Closed trades"
                value={fmtInt(s.count)}
                sub={`${s.wins} won · ${s.losses} lost`}
                testId="stat-count"
              />
              <Card label="Win rate" value={fmtShare(s.winRate)} />
              <Card
                label="Profit factor"
                value={s.profitFactor === null ? (s.wins > 0 ? 'no losses' : '—') : s.profitFactor.toFixed(2)}
              />
              <Card
                label="Average R"
                value={fmtR(s.averageR)}
                tone={pnlTone(s.averageR)}
                sub={s.withR < s.count ? `${s.withR} of ${s.count} with a known stop` : undefined}
              />
              <Card label="Largest win" value={fmtPnl(s.largestWin)} tone={pnlTone(s.largestWin)} />
              <Card label="Largest loss" value={fmtPnl(s.largestLoss)} tone={pnlTone(s.largestLoss)} />
              <Card
                label="Realized, all trades"
                value={fmtPnl(s.realizedPnl)}
                tone={pnlTone(s.realizedPnl)}
                sub={`fees ${fmtMoney(s.fees)}`}
              />
            </div>
          )}
        </>
      )}
      <section className="panel">
        <div className="pf-section-head">
          <h2>Trade journal</h2>
          <div className="segmented">
            {(['all', 'open', 'closed'] as const).map((j) => (
              <button key={j} className={j === journal ? 'on' : ''} onClick={() => setJournal(j)}>
                {j === 'all' ? 'All' : j === 'open' ? 'Open' : 'Closed'}
              </button>
            ))}
          </div>
        </div>
        {trades.error && <div className="notice tone-bad">Could not load trades: {trades.error}</div>}
        <TradeJournal trades={trades.data ?? []} />
      </section>
    </div>
  )
}
