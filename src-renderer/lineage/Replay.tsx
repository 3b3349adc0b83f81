import { useEffect, useState } from 'react'
import type { PromptTemplate } from '../../src-main/contract/prompts-api'
import type { Difference } from '../../src-main/contract/steps'
import { call, errorMessage } from '../state/app'
import { navigate } from '../components/navigate'

// F19 in the timeline: replay a recorded step (from cache, or fresh with another model or prompt
// version); the replay is a new run, opened when it is recorded, whose summary lists the differences.
// A run of an imported bundle (`review`) is replayed from the bundle; the replay goes to this app's store.

export const REPLAYABLE: readonly string[] = [
  'compute_indicators',
  'render_charts',
  'llm_analysis',
  'validate_signal',
  'risk_check',
]

export type ReplayableStep = 'compute_indicators' | 'render_charts' | 'llm_analysis' | 'validate_signal' | 'risk_check'

export function ReplayControls({
  runId,
  step,
  review = null,
}: {
  runId: string
  step: ReplayableStep
  /** The review library the run is in; null: this app's store. */
  review?: string | null
}) {
  const [busy, setBusy] = useState(false)
  const [fresh, setFresh] = useState(false)
  const [model, setModel] = useState('')
  const [promptVersionId, setPromptVersionId] = useState('')
  const [prompts, setPrompts] = useState<PromptTemplate[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (fresh)
      void call('prompts.list', { includeArchived: false })
        .then(setPrompts)
        .catch(() => setPrompts([]))
  }, [fresh])

  async function replay(mode: 'cached' | 'fresh') {
    setBusy(true)
    setError(null)
    try {
      const r = await call('lineage.replayStep', {
        runId,
        step,
        mode,
        ...(review ? { review } : {}),
        ...(mode === 'fresh' ? { model: model.trim() || null, promptVersionId: promptVersionId || null } : {}),
      })
      navigate(`#/lineage/${r.runId}/complete`)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <span className="replay-controls">
      <button
        className="btn small"
        disabled={busy}
        onClick={() => void replay('cached')}
        data-testid={`replay-cached-${step}`}
        title={
          review
            ? "Re-run this step from the bundle's recorded inputs; the replay is saved in this app's timeline"
            : 'Re-run this step from its recorded inputs; the model is not asked again'
        }
      >
        {busy ? 'Replaying…' : 'Replay from cache'}
      </button>
      {step === 'llm_analysis' && (
        <button
          className="btn small"
          disabled={busy}
          onClick={() => setFresh((f) => !f)}
          data-testid="replay-fresh-toggle"
        >
          Replay fresh…
        </button>
      )}
      {fresh && (
        <span className="row">
          <input
            placeholder="Model (blank: same)"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            aria-label="Model for the replay"
          />
          <select
            value={promptVersionId}
            onChange={(e) => setPromptVersionId(e.target.value)}
            aria-label="Prompt version for the replay"
          >
            <option value="">Same prompt as recorded</option>
            {prompts.map((p) => (
              <option key={p.latest.id} value={p.latest.id}>
                {p.name} v{p.latest.version}
              </option>
            ))}
          </select>
          <button
            className="btn small primary"
            disabled={busy}
            onClick={() => void replay('fresh')}
            data-testid="replay-fresh"
          >
            Ask again
          </button>
        </span>
      )}
      {error && <span className="field-error">{error}</span>}
    </span>
  )
}

export function DiffTable({ differences }: { differences: Difference[] }) {
  if (differences.length === 0)
    return (
      <p className="up" data-testid="replay-identical">
        Identical to the original output.
      </p>
    )
  const show = (v: unknown) =>
    v === undefined ? '—' : typeof v === 'string' ? (v.length > 160 ? `${v.slice(0, 160)}…` : v) : JSON.stringify(v)
  return (
    <table className="grid diff" data-testid="replay-diff">
      <thead>
        <tr>
          <th>Path</th>
          <th>Original</th>
          <th>Replay</th>
        </tr>
      </thead>
      <tbody>
        {differences.map((d) => (
          <tr key={d.path}>
            <td className="mono">{d.path}</td>
            <td className="down wrap">{show(d.before)}</td>
            <td className="up wrap">{show(d.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
