import type { EvaluationReport } from '../../src-main/contract/evaluations-api'

// Report sections that need no model call: the slippage sweep (§2), the walk-forward recalibration
// (§4), and the best-of-N view with deflated Sharpe and Holm-adjusted p-values (§5).

type Arm = EvaluationReport['arms'][number]
const f = (v: number | null | undefined, dp = 2) => (v === null || v === undefined ? '—' : v.toFixed(dp))
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`)

export function ReportSections({ report, arm }: { report: EvaluationReport; arm: Arm }) {
  const rc = arm.recalibration
  return (
    <>
      <div className="lab-grid">
        <section className="panel">
          <h2>Slippage sweep (stop and time exits; same trades, no model call)</h2>
          {arm.slippageSweep ? (
            <table className="grid compact" data-testid="lab-sweep">
              <thead>
                <tr>
                  <th>Slippage</th>
                  <th className="num">Trades</th>
                  <th className="num">Mean R net</th>
                  <th className="num">Win rate</th>
                  <th className="num">Profit factor</th>
                  <th className="num">Total R</th>
                </tr>
              </thead>
              <tbody>
                {arm.slippageSweep.map((s) => (
                  <tr key={s.bps} className={s.bps === 5 ? 'strong' : ''}>
                    <td>
                      {s.bps} bps{s.bps === 5 ? ' (used above)' : ''}
                    </td>
                    <td className="num">{s.trades}</td>
                    <td className="num">{f(s.expectancyR)}</td>
                    <td className="num">{pct(s.winRate)}</td>
                    <td className="num">{f(s.profitFactor)}</td>
                    <td className="num">{f(s.totalR, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <div className="muted">This evaluation was run before the sweep was recorded; run it again to see it.</div>
          )}
        </section>
        <section className="panel" data-testid="lab-recalibration">
          <h2>Walk-forward recalibration (isotonic, past outcomes only)</h2>
          {rc && rc.judged > 0 ? (
            <dl className="facts">
              <dt>Confidence threshold</dt>
              <dd className="num">{f(rc.threshold)}</dd>
              <dt>Trades judged (≥ 20 known outcomes before them)</dt>
              <dd className="num">{rc.judged}</dd>
              <dt>Raw confidence let through</dt>
              <dd className="num">{rc.rawPassed}</dd>
              <dt>Recalibrated: let through · mean R</dt>
              <dd className="num">
                {rc.passed.n} · {f(rc.passed.meanR)} R
              </dd>
              <dt>Recalibrated: blocked · mean R</dt>
              <dd className="num">
                {rc.blocked.n} · {f(rc.blocked.meanR)} R
              </dd>
            </dl>
          ) : (
            <div className="muted">
              Not enough data: the fit needs 20 trades whose target or stop was reached before a decision.
            </div>
          )}
        </section>
      </div>
      {report.bestOfN && (
        <section className="panel">
          <h2>
            Best of {report.bestOfN.trials} trial{report.bestOfN.trials === 1 ? '' : 's'} ({report.symbol}, this
            strategy, overlapping windows)
          </h2>
          <table className="grid compact" data-testid="lab-best-of-n">
            <thead>
              <tr>
                <th>Trial</th>
                <th className="num">Trades</th>
                <th className="num">Mean R</th>
                <th className="num">Sharpe</th>
                <th className="num">p (Sharpe ≤ 0)</th>
                <th className="num">Holm p</th>
                <th className="num">Deflated Sharpe</th>
              </tr>
            </thead>
            <tbody>
              {report.bestOfN.rows.map((t) => (
                <tr key={`${t.evaluationId}/${t.arm}`} className={t.current ? 'strong' : ''}>
                  <td>
                    {t.label}
                    {t.current ? ' (this evaluation)' : ''}
                  </td>
                  <td className="num">{t.trades}</td>
                  <td className="num">{f(t.expectancyR)}</td>
                  <td className="num">{f(t.sharpe)}</td>
                  <td className="num">{f(t.p, 3)}</td>
                  <td className="num">{f(t.holmP, 3)}</td>
                  <td className="num">{pct(t.dsr)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="muted">
            Deflated Sharpe: the probability the Sharpe beats the best of this many unskilled trials (Bailey &amp; López
            de Prado); Holm adjusts the p-values for the trials tried.
          </div>
        </section>
      )}
    </>
  )
}
