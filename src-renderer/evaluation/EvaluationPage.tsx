import { useEffect, useState } from 'react'
import type { EvaluationArm, EvaluationRequest } from '../../src-main/contract/evaluations-api'
import type { Output } from '../../src-main/contract/api'
import { navigate, wallClock } from '../components/navigate'
import { call, errorMessage, onEvent } from '../state/app'
import { useLoad } from '../state/useLoad'
import { ReportView } from './ReportView'
import { ReviewEvaluation } from './ReviewEvaluation'

// The evaluation lab (F25): start an evaluation with its estimate shown first, follow its progress
// with an ETA, cancel it, and read its report.

const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)
type Estimate = Output<'evaluations.estimate'>
type Analyst = 'own' | 'rules' | 'llm'
/** A second arm that sees less than the first (EVALUATION.md §6, §7), paired with it by date. */
type Probe = 'none' | 'symbol' | 'date' | 'blinded' | 'mirror' | 'nochart'
const PROBES: Record<Probe, { label: string; arm: EvaluationArm }> = {
  none: { label: 'None', arm: {} },
  symbol: { label: 'Symbol-blind ("STOCK A")', arm: { blinding: 'symbol' } },
  date: { label: 'Date-blind (relative days, bare axes)', arm: { blinding: 'date' } },
  blinded: { label: 'Blinded (prices rescaled to 100)', arm: { blinding: 'blinded' } },
  mirror: { label: 'Mirror probe (series flipped)', arm: { mirror: true } },
  nochart: { label: 'No charts (same prompt, no images)', arm: { charts: false } },
}
function armsOf(analyst: Analyst, probe: Probe): Pick<EvaluationRequest, 'arms'> {
  const base: EvaluationArm = analyst === 'own' ? {} : { analyst }
  if (probe !== 'none') return { arms: [base, { ...base, ...PROBES[probe].arm }] }
  return analyst === 'own' ? {} : { arms: [base] }
}
const STATUS_TONE = { running: 'tone-warn', succeeded: 'tone-ok', failed: 'tone-bad', cancelled: 'muted' } as const

function StartForm({ onStarted }: { onStarted(id: string): void }) {
  const { data: strategies } = useLoad(() => call('strategies.list', {}), 'strategies', ['strategies'])
  const [strategyId, setStrategyId] = useState('')
  const [from, setFrom] = useState(() => iso(wallClock() - 410 * DAY))
  const [to, setTo] = useState(() => iso(wallClock() - 45 * DAY))
  const [horizon, setHorizon] = useState(20)
  const [analyst, setAnalyst] = useState<Analyst>('rules')
  const [budget, setBudget] = useState('')
  const [probe, setProbe] = useState<Probe>('none')
  const [result, setResult] = useState<{ for: string; estimate: Estimate | null; error: string | null }>({
    for: '',
    estimate: null,
    error: null,
  })
  const [startError, setStartError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const sid = strategyId || strategies?.[0]?.id || ''
  const request: EvaluationRequest = {
    strategyId: sid,
    from,
    to,
    horizon,
    ...armsOf(analyst, probe),
    ...(budget.trim() ? { budgetUsd: Number(budget) } : {}),
  }
  const key = JSON.stringify(request)
  useEffect(() => {
    if (!sid) return
    let live = true
    call('evaluations.estimate', request).then(
      (e) => live && setResult({ for: key, estimate: e, error: null }),
      (e: unknown) => live && setResult({ for: key, estimate: null, error: errorMessage(e) }),
    )
    return () => {
      live = false
    }
    // The request is rebuilt each render; its JSON says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
  const estimate = result.for === key ? result.estimate : null
  const error = startError ?? (result.for === key ? result.error : null)
  const start = async () => {
    setStartError(null)
    setBusy(true)
    try {
      const { evaluationId } = await call('evaluations.start', request)
      onStarted(evaluationId)
    } catch (e) {
      setStartError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="panel" data-testid="lab-form">
      <h2>New evaluation</h2>
      <div className="lab-form">
        <label>
          Strategy
          <select value={sid} onChange={(e) => setStrategyId(e.target.value)} data-testid="lab-strategy">
            {(strategies ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.config.symbol})
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="lab-from" />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="lab-to" />
        </label>
        <label>
          Horizon (sessions)
          <input
            type="number"
            min={1}
            max={250}
            value={horizon}
            onChange={(e) => setHorizon(Math.max(1, Number(e.target.value) || 20))}
          />
        </label>
        <label>
          Analyst
          <select value={analyst} onChange={(e) => setAnalyst(e.target.value as Analyst)} data-testid="lab-analyst">
            <option value="rules">Rules analyst (free, no language model)</option>
            <option value="own">The strategy&apos;s own analyst and prompt</option>
            <option value="llm">Language model (Settings → model)</option>
          </select>
        </label>
        <label>
          Probe arm
          <select value={probe} onChange={(e) => setProbe(e.target.value as Probe)} data-testid="lab-probe">
            {Object.entries(PROBES).map(([k, p]) => (
              <option key={k} value={k}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Budget (USD)
          <input value={budget} placeholder="the estimate's high" onChange={(e) => setBudget(e.target.value)} />
        </label>
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <span className="muted" data-testid="lab-estimate">
          {estimate
            ? `Estimate: ${estimate.decisions} decisions · ${estimate.calls} model calls ` +
              `(${estimate.cachedCalls} cached) · ` +
              `$${estimate.usdLow.toFixed(2)}–$${estimate.usdHigh.toFixed(2)} · about ${estimate.seconds} s`
            : error
              ? ''
              : 'Estimating…'}
        </span>
        <span className="grow" />
        <button
          className="btn primary"
          disabled={!estimate || busy}
          onClick={() => void start()}
          data-testid="lab-start"
        >
          Start evaluation
        </button>
      </div>
      {error && <div className="notice tone-bad">{error}</div>}
    </section>
  )
}

function Progress({ id }: { id: string }) {
  const { data: ev, reload } = useLoad(() => call('evaluations.get', { evaluationId: id }), id)
  const [eta, setEta] = useState<number | null>(null)
  const [live, setLive] = useState<{ done: number; total: number } | null>(null)
  useEffect(
    () =>
      onEvent('evaluations.progress', (e) => {
        if (e.evaluationId !== id) return
        setLive({ done: e.done, total: e.total })
        setEta(e.etaMs)
        if (e.status !== 'running') reload()
      }),
    [id, reload],
  )
  const { data: report } = useLoad(
    () => (ev?.report ? call('evaluations.report', { evaluationId: id }) : Promise.resolve(null)),
    `${id}/${ev?.status ?? ''}/${ev?.report ? 1 : 0}`,
  )
  if (!ev) return null
  const p = ev.status === 'running' && live ? live : ev.progress
  const share = p.total ? p.done / p.total : 0
  return (
    <>
      <section className="panel" data-testid="lab-progress" data-status={ev.status}>
        <div className="row">
          <span className="strong">Evaluation {ev.status}</span>
          <div
            className="lab-bar"
            role="progressbar"
            aria-valuenow={Math.round(share * 100)}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div style={{ width: `${share * 100}%` }} />
          </div>
          <span className="num">
            {p.done} / {p.total}
          </span>
          {ev.status === 'running' && (
            <>
              <span className="muted">
                {eta === null ? 'estimating time…' : `about ${Math.ceil(eta / 1000)} s left`}
              </span>
              <button
                className="btn small"
                onClick={() => void call('evaluations.cancel', { evaluationId: id }).then(reload)}
              >
                Cancel
              </button>
            </>
          )}
        </div>
        {ev.error && <div className="notice tone-bad">{ev.error}</div>}
      </section>
      {report && <ReportView report={report} />}
    </>
  )
}

export function EvaluationPage({ params }: { params: string[] }) {
  if (params[0] === 'review' && params[1]) return <ReviewEvaluation library={params[1]} id={params[2] ?? null} />
  return <LivePage params={params} />
}

function LivePage({ params }: { params: string[] }) {
  const id = params[0] ?? null
  const { data: list } = useLoad(() => call('evaluations.list', {}), `list/${id}`, ['evaluations'])
  return (
    <div className="page wide" data-testid="lab-page">
      <header className="page-header">
        <h1>Evaluation lab</h1>
        <div className="page-actions">
          <span className="muted">Walk-forward as-of replay, simulated bracket fills, calibration and baselines</span>
        </div>
      </header>
      <StartForm onStarted={(eid) => navigate(`#/lab/${eid}`)} />
      {id && <Progress key={id} id={id} />}
      <section className="panel">
        <h2>Evaluations</h2>
        <table className="grid" data-testid="lab-list">
          <thead>
            <tr>
              <th>Started</th>
              <th>Strategy</th>
              <th>Window</th>
              <th>Status</th>
              <th className="num">Done</th>
            </tr>
          </thead>
          <tbody>
            {(list ?? []).map((e) => (
              <tr
                key={e.id}
                tabIndex={0}
                className={`clickable ${e.id === id ? 'active' : ''}`}
                onClick={() => navigate(`#/lab/${e.id}`)}
                onKeyDown={(k) => k.key === 'Enter' && navigate(`#/lab/${e.id}`)}
              >
                <td className="mono">{new Date(e.createdAt).toISOString().slice(0, 16).replace('T', ' ')}</td>
                <td>{e.strategyName ?? e.strategyId}</td>
                <td className="mono">
                  {e.from} → {e.to}
                </td>
                <td className={STATUS_TONE[e.status]}>{e.status}</td>
                <td className="num">
                  {e.progress.done} / {e.progress.total}
                </td>
              </tr>
            ))}
            {list?.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No evaluations yet: pick a strategy and a window above.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  )
}
