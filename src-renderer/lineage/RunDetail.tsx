import { useEffect, useState } from 'react'
import type { RunStep, RunSummary } from '../../src-main/contract/models'
import type { Strategy } from '../../src-main/contract/strategies'
import { call, errorMessage, onEvent } from '../state/app'
import { fmtDateTime, fmtDuration } from './format'
import { StepBody } from './StepViews'
import { JsonView } from './JsonView'
import { ReplayControls, REPLAYABLE } from './Replay'

// One run (F17): header, then the step cards in canonical order, filled in live while it runs.
// `#/lineage/<runId>/<step>` opens and scrolls to that step.

type Run = RunSummary & { steps: RunStep[] }

const STEP_TITLE: Record<RunStep['step'], string> = {
  check_session: 'Check session',
  load_strategy: 'Load strategy',
  fetch_market_data: 'Fetch market data',
  compute_indicators: 'Compute indicators',
  render_charts: 'Render charts',
  llm_analysis: 'Analysis',
  validate_signal: 'Validate signal',
  risk_check: 'Risk check',
  place_order: 'Place order',
  track_order: 'Track order',
  update_portfolio: 'Update portfolio',
  complete: 'Complete',
}

export function RunDetail({ runId, focusStep, strategies }: { runId: string; focusStep: string | null; strategies: Strategy[] }) {
  const [run, setRun] = useState<Run | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    call('lineage.getRun', { runId })
      .then((r) => live && setRun(r))
      .catch((e: unknown) => live && setError(errorMessage(e)))
    const offStep = onEvent('lineage.stepRecorded', ({ runId: id, ...step }) => {
      if (id !== runId) return
      setRun((r) => (r ? { ...r, steps: [...r.steps.filter((s) => !(s.seq === step.seq && s.attempt === step.attempt)), step].sort((a, b) => a.seq - b.seq || a.attempt - b.attempt) } : r))
    })
    const offRun = onEvent('lineage.runUpdated', (summary) => {
      if (summary.id === runId) setRun((r) => (r ? { ...r, ...summary } : r))
    })
    return () => {
      live = false
      offStep()
      offRun()
    }
  }, [runId])

  useEffect(() => {
    if (!run || !focusStep) return
    document.getElementById(`step-${focusStep}`)?.scrollIntoView({ block: 'start' })
  }, [run?.id, focusStep, run])

  if (error) return <div className="panel field-error" role="alert">Could not load run {runId}: {error}. It may belong to another library; pick a run from the list.</div>
  if (!run) return <div className="panel muted">Loading run…</div>
  const strategy = strategies.find((s) => s.id === run.strategyId)
  const ctx = { steps: run.steps }
  return (
    <section className="run-detail" data-testid="run-detail" data-run-status={run.status}>
      <header className="panel run-header">
        <div className="row spread">
          <div>
            <h1>{strategy?.name ?? (run.replayOf ? 'Replay' : 'Run')}</h1>
            <div className="muted mono">{run.id}</div>
          </div>
          <span className={`badge status-badge status-${run.status}`} data-testid="run-status">
            {run.status}
          </span>
        </div>
        <div className="row muted">
          <span>Trigger: {run.trigger}</span>
          <span>Started {fmtDateTime(run.startedAt)}</span>
          <span>{run.endedAt ? `took ${fmtDuration(run.endedAt - run.startedAt)}` : 'in progress…'}</span>
          {run.scheduledFor && <span>Scheduled for {fmtDateTime(run.scheduledFor)}</span>}
          {run.replayOf && <a href={`#/lineage/${run.replayOf}`}>Original run</a>}
        </div>
        {run.error && <div className="notice tone-bad">{run.error}</div>}
      </header>
      <ol className="steps">
        {run.steps.map((s) => (
          <StepCard key={`${s.seq}-${s.attempt}`} runId={run.id} step={s} open={focusStep === null || focusStep === s.step} ctx={ctx} />
        ))}
        {run.status === 'running' && (
          <li className="step-card pending muted" data-testid="step-pending">
            Working on the next step…
          </li>
        )}
      </ol>
    </section>
  )
}

function StepCard({ runId, step, open, ctx }: { runId: string; step: RunStep; open: boolean; ctx: { steps: RunStep[] } }) {
  const [expanded, setExpanded] = useState(open)
  const [raw, setRaw] = useState(false)
  // A new deep link opens or closes the card (state adjusted while rendering, as React recommends).
  const [lastOpen, setLastOpen] = useState(open)
  if (open !== lastOpen) {
    setLastOpen(open)
    setExpanded(open)
  }
  return (
    <li className={`step-card step-${step.status}`} id={`step-${step.step}`} data-testid={`step-${step.step}`} data-status={step.status}>
      <div className="step-head" onClick={() => setExpanded((e) => !e)}>
        <span className={`status-dot status-${step.status}`} />
        <span className="step-seq muted num">{step.seq}</span>
        <span className="step-title strong">{STEP_TITLE[step.step]}</span>
        <span className="muted mono">{step.step}</span>
        {step.attempt > 1 && <span className="badge tone-warn small">attempt {step.attempt}</span>}
        <span className="grow" />
        <span className="muted num">{fmtDuration(step.durationMs)}</span>
        <a href={`#/lineage/${runId}/${step.step}`} onClick={(e) => e.stopPropagation()} title="Link to this step" className="muted">
          #
        </a>
      </div>
      {expanded && (
        <div className="step-body">
          <StepBody step={step} ctx={ctx} />
          <div className="row">
            <button className="btn small" onClick={() => setRaw((r) => !r)} data-testid={`raw-${step.step}`}>
              {raw ? 'Hide raw JSON' : 'Raw input / output JSON'}
            </button>
            {step.artifacts.length > 0 && <span className="muted">{step.artifacts.length} artifact(s)</span>}
            {step.status === 'succeeded' && REPLAYABLE.includes(step.step) && <ReplayControls runId={runId} step={step.step as Parameters<typeof ReplayControls>[0]['step']} />}
          </div>
          {raw && <JsonView value={{ input: step.input, output: step.output, error: step.error, artifacts: step.artifacts }} />}
        </div>
      )}
    </li>
  )
}
