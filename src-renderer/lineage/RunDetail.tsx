import { useEffect, useRef, useState } from 'react'
import { ExportImageButtons } from '../components/ExportImage'
import type { RunStep } from '../../src-main/contract/models'
import type { Strategy } from '../../src-main/contract/strategies'
import { errorMessage, onEvent } from '../state/app'
import type { LineageSource, Run } from './source'
import { ExportButton } from './Library'
import { fmtDateTime, fmtDuration } from './format'
import { StepBody } from './StepViews'
import { JsonView } from './JsonView'
import { ReplayControls, REPLAYABLE, type ReplayableStep } from './Replay'

// One run (F17): header, then the step cards in canonical order, filled in live while it runs.
// `#/lineage/<runId>/<step>` opens and scrolls to that step.

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

export function RunDetail({
  source,
  runId,
  focusStep,
  strategies,
}: {
  source: LineageSource
  runId: string
  focusStep: string | null
  strategies: Strategy[]
}) {
  const [run, setRun] = useState<Run | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    source
      .getRun(runId)
      .then((r) => live && setRun(r))
      .catch((e: unknown) => live && setError(errorMessage(e)))
    if (source.review !== null) return () => void (live = false)
    const offStep = onEvent('lineage.stepRecorded', ({ runId: id, ...step }) => {
      if (id !== runId) return
      setRun((r) =>
        r
          ? {
              ...r,
              steps: [...r.steps.filter((s) => !(s.seq === step.seq && s.attempt === step.attempt)), step].sort(
                (a, b) => a.seq - b.seq || a.attempt - b.attempt,
              ),
            }
          : r,
      )
    })
    const offRun = onEvent('lineage.runUpdated', (summary) => {
      if (summary.id === runId) setRun((r) => (r ? { ...r, ...summary } : r))
    })
    return () => {
      live = false
      offStep()
      offRun()
    }
  }, [runId, source])

  useEffect(() => {
    if (!run || !focusStep) return
    document.getElementById(`step-${focusStep}`)?.scrollIntoView({ block: 'start' })
  }, [run?.id, focusStep, run])

  if (error)
    return (
      <div className="panel field-error" role="alert">
        Could not load run {runId}: {error}. It may belong to another library; pick a run from the list.
      </div>
    )
  if (!run) return <div className="panel muted">Loading run…</div>
  const strategy = strategies.find((s) => s.id === run.strategyId)
  const ctx = { steps: run.steps, source }
  return (
    <section className="run-detail" data-testid="run-detail" data-run-status={run.status}>
      <header className="panel run-header">
        <div className="row spread">
          <div>
            <h1>
              {run.strategyName ?? strategy?.name ?? 'Run'}
              {run.trigger === 'replay' ? ' — replay' : ''}
            </h1>
            <div className="muted mono">{run.id}</div>
          </div>
          <span className="page-actions">
            {source.review === null ? (
              <ExportButton selection={{ runIds: [run.id] }} label="Export run" />
            ) : (
              <span className="badge tone-warn">review library (read-only)</span>
            )}
            <span className={`badge status-badge status-${run.status}`} data-testid="run-status">
              {run.status}
            </span>
          </span>
        </div>
        <div className="row muted">
          <span>Trigger: {run.trigger}</span>
          <span>Started {fmtDateTime(run.startedAt)}</span>
          <span>{run.endedAt ? `took ${fmtDuration(run.endedAt - run.startedAt)}` : 'in progress…'}</span>
          {run.scheduledFor && <span>Scheduled for {fmtDateTime(run.scheduledFor)}</span>}
          {run.replayOf && <a href={source.link(run.replayOf)}>Original run</a>}
        </div>
        {run.error && <div className="notice tone-bad">{run.error}</div>}
      </header>
      <ol className="steps">
        {run.steps.map((s) => (
          <StepCard
            key={`${s.seq}-${s.attempt}`}
            source={source}
            runId={run.id}
            step={s}
            open={focusStep === null || focusStep === s.step}
            ctx={ctx}
          />
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

function StepCard({
  source,
  runId,
  step,
  open,
  ctx,
}: {
  source: LineageSource
  runId: string
  step: RunStep
  open: boolean
  ctx: { steps: RunStep[]; source: LineageSource }
}) {
  const [expanded, setExpanded] = useState(open)
  const [raw, setRaw] = useState(false)
  const card = useRef<HTMLLIElement>(null)
  // A new deep link opens or closes the card (state adjusted while rendering, as React recommends).
  const [lastOpen, setLastOpen] = useState(open)
  if (open !== lastOpen) {
    setLastOpen(open)
    setExpanded(open)
  }
  return (
    <li
      ref={card}
      className={`step-card step-${step.status}`}
      id={step.attempt > 1 ? `step-${step.step}-${step.attempt}` : `step-${step.step}`}
      data-testid={`step-${step.step}`}
      data-status={step.status}
    >
      <div className="step-head" onClick={() => setExpanded((e) => !e)}>
        <span className={`status-dot status-${step.status}`} />
        <span className="step-seq muted num">{step.seq}</span>
        <span className="step-title strong">{STEP_TITLE[step.step]}</span>
        <span className="muted mono">{step.step}</span>
        {step.attempt > 1 && <span className="badge tone-warn small">attempt {step.attempt}</span>}
        <span className="grow" />
        <span className="muted num">{fmtDuration(step.durationMs)}</span>
        <a
          href={source.link(runId, step.step)}
          onClick={(e) => e.stopPropagation()}
          title="Link to this step"
          className="muted"
        >
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
            <ExportImageButtons
              target={card}
              fileName={`run-${runId}-${step.step}.png`}
              testId={`export-step-${step.step}`}
            />
            {step.status === 'succeeded' && REPLAYABLE.includes(step.step) && (
              <ReplayControls runId={runId} step={step.step as ReplayableStep} review={source.review} />
            )}
          </div>
          {raw && (
            <JsonView
              value={{ input: step.input, output: step.output, error: step.error, artifacts: step.artifacts }}
            />
          )}
        </div>
      )}
    </li>
  )
}
