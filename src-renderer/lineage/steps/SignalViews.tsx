import type { RiskCheckOutput, ValidateSignalOutput } from '../../../src-main/contract/steps'
import { fmtPrice } from '../../components/format'
import { fmtNum } from '../format'
import { SignalBadge } from './common'

// validate_signal and risk_check: the verdict with every rule, then the sizing and the risk checks.

export function SignalView({ o }: { o: Partial<ValidateSignalOutput> }) {
  const d = o.draft
  return (
    <div className="signal-view">
      <div className="row">
        <SignalBadge action={o.finalAction ?? '—'} status={o.status ?? '—'} />
        {d && (
          <dl className="levels">
            <div>
              <dt>Entry</dt>
              <dd className="num">{fmtPrice(d.entry)}</dd>
            </div>
            <div>
              <dt>Stop</dt>
              <dd className="num down">{fmtPrice(d.stop_loss)}</dd>
            </div>
            {d.targets.map((t, i) => (
              <div key={i} title={t.basis}>
                <dt>T{i + 1}</dt>
                <dd className="num up">{fmtPrice(t.price)}</dd>
              </div>
            ))}
            <div>
              <dt>R:R</dt>
              <dd className="num">{o.numbers ? o.numbers.rMultiples.map((r) => r.toFixed(2)).join(' / ') : '—'}</dd>
            </div>
            <div>
              <dt>Confidence</dt>
              <dd className="num">
                {fmtNum(d.confidence)} {o.confidenceLevel && <span className="muted">{o.confidenceLevel}</span>}
              </dd>
            </div>
          </dl>
        )}
      </div>
      {o.reviewReason && <div className="notice tone-warn">Review: {o.reviewReason}</div>}
      <table className="grid" data-testid="violations">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Verdict</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {(o.violations ?? []).length === 0 && (
            <tr>
              <td colSpan={3} className="up">
                Every validation rule passed.
              </td>
            </tr>
          )}
          {(o.violations ?? []).map((v, i) => (
            <tr key={i}>
              <td className="mono">{v.rule}</td>
              <td className={v.severity === 'review' ? 'tone-bad' : v.severity === 'downgrade' ? 'tone-warn' : 'muted'}>
                {v.severity}
              </td>
              <td>{v.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {o.flags && o.flags.length > 0 && <p className="muted">Flags: {o.flags.join(', ')}</p>}
    </div>
  )
}

export function RiskView({ o }: { o: Partial<RiskCheckOutput> }) {
  return (
    <div>
      <p>
        {o.kind === 'none' ? (
          <span className="tone-warn">No order: {o.reason}</span>
        ) : (
          <span className="up">
            {o.kind === 'exit' ? 'Exit' : 'Open'} {o.side} {o.qty} @ {fmtPrice(o.entry)}
            {o.stop !== null && o.stop !== undefined && ` · stop ${fmtPrice(o.stop)} · target ${fmtPrice(o.target)}`}
          </span>
        )}
      </p>
      {o.checks && o.checks.length > 0 && (
        <table className="grid" data-testid="risk-checks">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Result</th>
              <th className="num">Value</th>
              <th className="num">Limit</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {o.checks.map((c) => (
              <tr key={c.rule}>
                <td className="mono">{c.rule}</td>
                <td className={c.passed ? 'up' : 'down'}>{c.passed ? 'pass' : 'fail'}</td>
                <td className="num">{c.value}</td>
                <td className="num">{c.limit}</td>
                <td className="muted">{c.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {o.account && (
        <p className="muted num">
          Net liquidation {fmtPrice(o.account.netLiquidation)} · available {fmtPrice(o.account.availableFunds)} · gross
          exposure {fmtPrice(o.account.grossExposure)} · {o.account.openPositions} open positions
        </p>
      )}
    </div>
  )
}
