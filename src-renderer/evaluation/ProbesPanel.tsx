import type { EvaluationProbe, EvaluationReport } from '../../src-main/contract/evaluations-api'

// Against memorisation and for the charts' worth (EVALUATION.md §6, §7): each blinded, mirrored or
// no-chart arm beside the bright arm with the same analyst, model and prompt, paired by date.

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`)
const signed = (v: number | null, dp = 2) => {
  if (v === null) return '—'
  const r = Number(v.toFixed(dp))
  return r === 0 ? (0).toFixed(dp) : `${r > 0 ? '+' : ''}${r.toFixed(dp)}`
}

const KIND: Record<EvaluationProbe['kind'], { title: string; reading: string }> = {
  blinding: {
    title: 'Bright − blinded',
    reading: 'A large positive difference suggests the model recognises the stock or the period (memorisation).',
  },
  mirror: {
    title: 'Mirror probe',
    reading:
      'A chart reader flips BUY and SELL on the mirrored series; a low flip share means it reads something else.',
  },
  noChart: {
    title: 'Model − no charts',
    reading: 'What the chart images add over the same prompt without them.',
  },
}

export function ProbesPanel({ report }: { report: EvaluationReport }) {
  const probes = report.probes ?? []
  return (
    <section className="panel" data-testid="lab-probes">
      <h2>Blinding, mirror and no-chart probes (paired by date)</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>Probe</th>
            <th>Arm against</th>
            <th className="num">Dates</th>
            <th className="num">Same action</th>
            <th className="num">Δ mean R</th>
            <th className="num">Δ win rate</th>
            <th className="num">BUY↔SELL flips</th>
          </tr>
        </thead>
        <tbody>
          {probes.map((p) => (
            <tr key={`${p.kind}${p.arm}`} title={KIND[p.kind].reading}>
              <td>{KIND[p.kind].title}</td>
              <td className="muted">
                {report.arms[p.arm]?.label} vs {report.arms[p.base]?.label}
              </td>
              <td className="num">{p.pairs}</td>
              <td className="num">{pct(p.agreement)}</td>
              <td className="num">{signed(p.deltaExpectancyR)} R</td>
              <td className="num">{p.deltaWinRate === null ? '—' : `${signed(p.deltaWinRate * 100, 1)} pt`}</td>
              <td className="num">
                {p.flips ? `${p.flips.flipped} / ${p.flips.directional} (${pct(p.flips.share)})` : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted" style={{ marginTop: 6 }}>
        Δ is the bright arm minus the probe arm. {probes.some((p) => p.kind === 'mirror') && KIND.mirror.reading}{' '}
        {probes.some((p) => p.kind === 'blinding') && KIND.blinding.reading}{' '}
        {probes.some((p) => p.kind === 'noChart') && KIND.noChart.reading}
      </div>
    </section>
  )
}
