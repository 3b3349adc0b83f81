import type { ComputeIndicatorsOutput, Vote } from '../../../src-main/contract/steps'
import { fmtPrice } from '../../components/format'
import { fmtNum } from '../format'

// compute_indicators: the last daily and weekly values, the 3-of-4 confirmation and the levels.

const VOTE_LABEL: Record<Vote, string> = { bull: 'bull', bear: 'bear', none: '—' }

const D_ROWS: [string, string][] = [
  ['sma20', 'SMA 20'],
  ['sma50', 'SMA 50'],
  ['sma200', 'SMA 200'],
  ['bb_lower', 'BB lower'],
  ['bb_mid', 'BB mid'],
  ['bb_upper', 'BB upper'],
  ['supertrend', 'SuperTrend'],
  ['supertrend_dir', 'ST direction'],
  ['rsi', 'RSI 14'],
  ['macd', 'MACD'],
  ['macd_signal', 'MACD signal'],
  ['macd_hist', 'MACD hist'],
  ['atr', 'ATR 14'],
  ['atr_pct', 'ATR %'],
  ['stoch_k', 'Stoch %K'],
  ['stoch_d', 'Stoch %D'],
  ['adx', 'ADX 14'],
  ['obv_slope20', 'OBV slope 20'],
  ['volume', 'Volume'],
  ['volume_avg20', 'Avg volume 20'],
]

export function IndicatorsView({ o }: { o: Partial<ComputeIndicatorsOutput> }) {
  const c = o.confirmation
  return (
    <div className="two-col">
      <table className="grid" data-testid="indicator-table">
        <thead>
          <tr>
            <th>Daily</th>
            <th className="num">Value</th>
            <th>Weekly</th>
            <th className="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {D_ROWS.map(([k, label], i) => {
            const wk = Object.keys(o.w ?? {})[i]
            return (
              <tr key={k}>
                <td className="muted">{label}</td>
                <td className="num">{fmtNum(o.d?.[k] ?? null)}</td>
                <td className="muted">{wk ?? ''}</td>
                <td className="num">{wk ? fmtNum(o.w?.[wk] ?? null) : ''}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <div>
        {c && (
          <table className="grid" data-testid="confirmation">
            <thead>
              <tr>
                <th>3-of-4 confirmation</th>
                <th>Vote</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['SuperTrend direction', c.supertrend],
                  ['Close vs SMA 20', c.price_vs_sma20],
                  ['MACD vs signal', c.macd],
                  ['RSI 14 vs 50', c.rsi],
                ] as const
              ).map(([k, v]) => (
                <tr key={k}>
                  <td>{k}</td>
                  <td className={v === 'bull' ? 'up' : v === 'bear' ? 'down' : 'muted'}>{VOTE_LABEL[v]}</td>
                </tr>
              ))}
              <tr>
                <td className="strong">Result</td>
                <td className="strong">
                  {c.bull_count} bull · {c.bear_count} bear → {c.direction}
                </td>
              </tr>
            </tbody>
          </table>
        )}
        {o.levels && (
          <p className="muted">
            Support {o.levels.support.map((p) => fmtPrice(p)).join(', ') || '—'} · Resistance{' '}
            {o.levels.resistance.map((p) => fmtPrice(p)).join(', ') || '—'}
          </p>
        )}
        {o.strategy && o.strategy.length > 0 && (
          <p className="muted">
            Strategy indicators:{' '}
            {o.strategy
              .map(
                (s) =>
                  `${s.label} ${Object.values(s.values)
                    .map((v) => fmtNum(v))
                    .join('/')}`,
              )
              .join(' · ')}
          </p>
        )}
      </div>
    </div>
  )
}
