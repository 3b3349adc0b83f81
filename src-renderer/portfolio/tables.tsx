import type { PortfolioPosition, PortfolioView, TradeView } from '../../src-main/contract/portfolio-api'
import { fmtInt, fmtShortDateTime } from '../lineage/format'
import { fmtMoney, fmtPnl, fmtR, fmtShare, fmtSignedShare, pnlTone } from './format'

// The portfolio's tables: open positions, the broker-vs-local comparison, and the trade journal.

const strategyLabel = (id: string, name: string | null) =>
  id === '' ? <span className="muted">Manual / external</span> : (name ?? <span className="mono">{id}</span>)

export function PositionsTable({ positions }: { positions: readonly PortfolioPosition[] }) {
  return (
    <table className="grid" data-testid="positions">
      <thead>
        <tr>
          <th>Symbol</th>
          <th>Strategy</th>
          <th className="num">Qty</th>
          <th className="num">Avg cost</th>
          <th className="num">Last</th>
          <th className="num">Market value</th>
          <th className="num">Unrealized</th>
          <th className="num">Unreal. %</th>
          <th className="num">Realized</th>
          <th className="num">Share of exposure</th>
          <th className="num">Of net liq.</th>
        </tr>
      </thead>
      <tbody>
        {positions.map((p) => (
          <tr key={`${p.account}|${p.strategyId}|${p.conid}`} data-testid={`position-${p.symbol ?? p.conid}`}>
            <td className="strong">
              <a href={`#/chart/${p.conid}`}>{p.symbol ?? p.conid}</a>
            </td>
            <td>{strategyLabel(p.strategyId, p.strategyName)}</td>
            <td className={`num ${p.qty < 0 ? 'down' : ''}`}>{fmtInt(p.qty)}</td>
            <td className="num">{fmtMoney(p.avgCost)}</td>
            <td
              className="num"
              title={
                p.markSource === 'broker'
                  ? 'The broker’s mark (no live quote streaming)'
                  : p.markSource === 'quote'
                    ? 'Live quote'
                    : 'No price known'
              }
            >
              {fmtMoney(p.last)}
              {p.markSource === 'broker' && <span className="muted"> ᴮ</span>}
            </td>
            <td className="num">{fmtMoney(p.marketValue)}</td>
            <td className={`num ${pnlTone(p.unrealizedPnl)}`}>{fmtPnl(p.unrealizedPnl)}</td>
            <td className={`num ${pnlTone(p.unrealizedPct)}`}>{fmtSignedShare(p.unrealizedPct)}</td>
            <td className={`num ${pnlTone(p.realizedPnl)}`}>{fmtPnl(p.realizedPnl)}</td>
            <td className="num">
              {p.shareOfGross !== null && (
                <span className="pf-bar" style={{ width: `${Math.max(2, Math.round(p.shareOfGross * 60))}px` }} />
              )}
              {fmtShare(p.shareOfGross)}
            </td>
            <td className="num">{fmtShare(p.shareOfNetLiquidation)}</td>
          </tr>
        ))}
        {positions.length === 0 && (
          <tr>
            <td colSpan={11} className="muted">
              No open positions. Filled orders appear here as soon as the broker reports their executions.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}

const LABEL: Record<PortfolioView['differences'][number]['kind'], string> = {
  position: 'Position (shares)',
  avg_cost: 'Average cost',
  market_value: 'Market value',
  unrealized: 'Unrealized P&L',
  realized: 'Realized P&L today, after fees',
}

/** Local ledger beside the broker's figures; differences flagged with what to do. */
export function BrokerComparison({ view }: { view: PortfolioView }) {
  const b = view.broker
  const localUnrealized = view.totals.unrealizedPnl
  const localRealized = view.totals.realizedToday - view.totals.feesToday
  return (
    <div data-testid="broker-compare">
      {!b.available && (
        <div className="notice tone-warn" data-testid="broker-unavailable">
          The broker’s figures could not be read{b.error ? `: ${b.error}` : ''}. Local figures are shown; check the
          connection badge and reconnect to compare.
        </div>
      )}
      <table className="grid pf-compare">
        <thead>
          <tr>
            <th>Figure</th>
            <th className="num">Local ledger</th>
            <th className="num">Broker</th>
            <th className="num">Difference</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Net liquidation</td>
            <td className="num muted">from broker</td>
            <td className="num">{fmtMoney(b.netLiquidation)}</td>
            <td className="num muted">—</td>
          </tr>
          <tr>
            <td>Cash</td>
            <td className="num muted">from broker</td>
            <td className="num">{fmtMoney(b.cash)}</td>
            <td className="num muted">—</td>
          </tr>
          <tr>
            <td>Market value</td>
            <td className="num">{fmtMoney(view.totals.marketValue)}</td>
            <td className="num">{fmtMoney(b.stockMarketValue)}</td>
            <td className="num muted">
              {b.stockMarketValue === null ? '—' : fmtPnl(view.totals.marketValue - b.stockMarketValue)}
            </td>
          </tr>
          <tr className={view.differences.some((d) => d.kind === 'unrealized') ? 'flagged' : ''}>
            <td>Unrealized P&L</td>
            <td className={`num ${pnlTone(localUnrealized)}`}>{fmtPnl(localUnrealized)}</td>
            <td className={`num ${pnlTone(b.unrealizedPnl)}`}>{fmtPnl(b.unrealizedPnl)}</td>
            <td className="num diff">
              {localUnrealized === null || b.unrealizedPnl === null ? '—' : fmtPnl(localUnrealized - b.unrealizedPnl)}
            </td>
          </tr>
          <tr className={view.differences.some((d) => d.kind === 'realized') ? 'flagged' : ''}>
            <td>Realized today, after fees</td>
            <td className={`num ${pnlTone(localRealized)}`}>{fmtPnl(localRealized)}</td>
            <td className={`num ${pnlTone(b.realizedPnl)}`}>{fmtPnl(b.realizedPnl)}</td>
            <td className="num diff">{b.realizedPnl === null ? '—' : fmtPnl(localRealized - b.realizedPnl)}</td>
          </tr>
        </tbody>
      </table>
      {view.differences.length === 0 ? (
        b.available && (
          <div className="notice tone-ok" data-testid="no-differences">
            Local ledger and broker agree (positions exactly; P&L within tolerance).
          </div>
        )
      ) : (
        <table className="grid pf-compare" data-testid="differences">
          <thead>
            <tr>
              <th>Difference</th>
              <th>Symbol</th>
              <th className="num">Local</th>
              <th className="num">Broker</th>
              <th className="num">Δ</th>
              <th>What to do</th>
            </tr>
          </thead>
          <tbody>
            {view.differences.map((d, i) => (
              <tr key={`${d.kind}-${d.conid ?? i}`} className="flagged" data-testid={`difference-${d.kind}`}>
                <td className="tone-warn">⚠ {LABEL[d.kind]}</td>
                <td>{d.symbol ?? '—'}</td>
                <td className="num">
                  {d.local === null ? '—' : d.kind === 'position' ? fmtInt(d.local) : fmtMoney(d.local)}
                </td>
                <td className="num">
                  {d.broker === null ? '—' : d.kind === 'position' ? fmtInt(d.broker) : fmtMoney(d.broker)}
                </td>
                <td className="num diff">{d.kind === 'position' ? fmtInt(d.difference) : fmtPnl(d.difference)}</td>
                <td className="pf-advice">{d.advice}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

export function TradeJournal({ trades }: { trades: readonly TradeView[] }) {
  return (
    <table className="grid" data-testid="trade-journal">
      <thead>
        <tr>
          <th>Opened</th>
          <th>Closed</th>
          <th>Symbol</th>
          <th>Strategy</th>
          <th>Side</th>
          <th className="num">Qty</th>
          <th className="num">Entry</th>
          <th className="num">Exit</th>
          <th className="num">P&L</th>
          <th className="num">Fees</th>
          <th className="num">R</th>
          <th>Run</th>
        </tr>
      </thead>
      <tbody>
        {trades.map((t) => (
          <tr key={t.id} data-testid={`trade-${t.id}`}>
            <td className="mono">{fmtShortDateTime(t.openedAt)}</td>
            <td className="mono">
              {t.closedAt === null ? <span className="badge small tone-ok">open</span> : fmtShortDateTime(t.closedAt)}
            </td>
            <td className="strong">{t.symbol ?? t.conid}</td>
            <td>{strategyLabel(t.strategyId, t.strategyName)}</td>
            <td className={t.direction === 'long' ? 'up' : 'down'}>{t.direction === 'long' ? 'Long' : 'Short'}</td>
            <td className="num">{fmtInt(t.qty)}</td>
            <td className="num">{fmtMoney(t.entryPrice)}</td>
            <td className="num">{fmtMoney(t.exitPrice)}</td>
            <td className={`num ${pnlTone(t.realizedPnl)}`}>{fmtPnl(t.realizedPnl)}</td>
            <td className="num muted">{fmtMoney(t.fees)}</td>
            <td
              className={`num ${pnlTone(t.rMultiple)}`}
              title={
                t.initialRisk === null
                  ? 'No stop known from a signal: R cannot be computed'
                  : `Initial risk ${fmtMoney(t.initialRisk)}`
              }
            >
              {fmtR(t.rMultiple)}
            </td>
            <td>
              {t.runId ? (
                <a href={`#/lineage/${t.runId}`} data-testid="trade-run-link">
                  Timeline
                </a>
              ) : (
                <span className="muted">manual</span>
              )}
            </td>
          </tr>
        ))}
        {trades.length === 0 && (
          <tr>
            <td colSpan={12} className="muted">
              No trades yet. A trade is a round trip: it opens with the first fill and closes when the position is flat
              again.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  )
}
