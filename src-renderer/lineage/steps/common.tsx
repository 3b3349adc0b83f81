import { useEffect, type ReactNode } from 'react'
import type { PriceLevels, RunStep } from '../../../src-main/contract/models'
import type { ValidateSignalOutput } from '../../../src-main/contract/steps'
import type { LineageSource } from '../source'

// What every step view shares: the run it belongs to, a facts list, badges and the lightbox.
// Outputs are read defensively: an old run may lack a field.

export interface RunContext {
  steps: RunStep[]
  source: LineageSource
}

export function outputOf<T>(ctx: RunContext, step: RunStep['step']): Partial<T> | null {
  const s = [...ctx.steps].reverse().find((x) => x.step === step && x.status === 'succeeded')
  return (s?.output as Partial<T> | undefined) ?? null
}

/** The signal's levels, for drawing on charts. */
export function levelsOf(ctx: RunContext): PriceLevels | null {
  const v = outputOf<ValidateSignalOutput>(ctx, 'validate_signal')
  const d = v?.draft
  if (!d || (d.entry === null && d.stop_loss === null)) return null
  return { entry: d.entry, stop: d.stop_loss, targets: d.targets.map((t) => t.price) }
}

export function StepErrorView({ error }: { error: NonNullable<RunStep['error']> }) {
  return (
    <div className="step-error" role="alert">
      <div className="strong tone-bad">{error.message}</div>
      {error.stack && (
        <details>
          <summary className="muted">Stack trace</summary>
          <pre className="mono small-pre">{error.stack}</pre>
        </details>
      )}
      {error.partialOutput !== undefined && (
        <details>
          <summary className="muted">Partial output</summary>
          <pre className="mono small-pre">{JSON.stringify(error.partialOutput, null, 2)}</pre>
        </details>
      )}
    </div>
  )
}

export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts compact">
      {rows.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

export function AnalystBadge({ label, provider }: { label: string; provider: string }) {
  return <span className={`badge ${provider === 'rules' ? 'tone-neutral' : 'tone-ok'}`}>{label}</span>
}

export function Lightbox({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', esc)
    return () => window.removeEventListener('keydown', esc)
  }, [onClose])
  return (
    <div className="lightbox" role="dialog" aria-label={title} onClick={onClose} data-testid="lightbox">
      <div className="lightbox-inner" onClick={(e) => e.stopPropagation()}>
        <div className="row spread">
          <span className="strong">{title}</span>
          <button className="btn small" onClick={onClose}>
            Close (Esc)
          </button>
        </div>
        {children}
      </div>
    </div>
  )
}

const ACTION_TONE: Record<string, string> = {
  BUY: 'action-buy',
  SELL: 'action-sell',
  EXIT: 'action-sell',
  HOLD: 'action-hold',
  REVIEW: 'action-review',
}

export function SignalBadge({ action, status }: { action: string; status: string }) {
  return (
    <span className={`signal-badge ${ACTION_TONE[action] ?? 'action-hold'}`} data-testid="signal-badge">
      <span className="signal-action">{action}</span>
      <span className="signal-status">{status}</span>
    </span>
  )
}
