import { useState, type FormEvent } from 'react'
import type { PromptPurpose, PromptTemplate, PromptVersion, TemplateProblem } from '../../src-main/contract/prompts-api'
import { call, errorMessage } from '../state/app'
import { fmtTime, problemsOf, PURPOSE_LABEL } from './store'
import { navigate } from '../components/navigate'

export type TestState =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; answer: { text: string; model: string; latencyMs: number; promptChars: number } }
  | { state: 'error'; message: string }

/** Problems with their place; clicking one moves the cursor there. */
export function ProblemList({
  problems,
  onPick,
}: {
  problems: readonly TemplateProblem[]
  onPick(p: TemplateProblem): void
}) {
  if (problems.length === 0) {
    return (
      <div className="problems ok" data-testid="problems">
        No problems: every variable is in the contract and the template renders on sample data.
      </div>
    )
  }
  return (
    <ul className="problems" data-testid="problems" role="alert">
      {problems.map((p, i) => (
        <li key={i}>
          <button type="button" className="problem" onClick={() => onPick(p)} data-testid="problem">
            <span className="where">
              {p.field === 'system' ? 'System' : p.field === 'body' ? 'Body' : 'Template'}
              {p.line !== null ? ` ${p.line}:${p.column ?? 1}` : ''}
            </span>
            <span>{p.message}</span>
          </button>
        </li>
      ))}
    </ul>
  )
}

export function HistoryPanel(props: {
  versions: PromptVersion[] | null
  currentId: string | null
  latestSha: string | null
  busy: boolean
  onDiff(v: PromptVersion): void
  onRestore(v: PromptVersion): void
}) {
  if (!props.versions) return <div className="muted">Loading versions…</div>
  return (
    <table className="grid compact history" data-testid="history">
      <thead>
        <tr>
          <th>Ver.</th>
          <th>Saved · note</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.versions.map((v, i) => (
          <tr
            key={v.id}
            className={v.id === props.currentId ? 'selected' : ''}
            data-testid="history-row"
            data-version={v.version}
          >
            <td className="strong">
              v{v.version}
              {i === 0 && <span className="badge small tone-ok">latest</span>}
            </td>
            <td className="note-cell" title={`sha256 ${v.sha256}`}>
              <div className="muted small-text">{fmtTime(v.createdAt)}</div>
              <div>{v.note || <span className="muted">no note</span>}</div>
            </td>
            <td className="actions">
              <button
                type="button"
                className="btn small"
                onClick={() => props.onDiff(v)}
                data-testid={`diff-v${v.version}`}
                title="Compare side by side with the text in the editor"
              >
                Diff
              </button>
              {v.sha256 !== props.latestSha && (
                <button
                  type="button"
                  className="btn small"
                  disabled={props.busy}
                  onClick={() => props.onRestore(v)}
                  data-testid={`restore-v${v.version}`}
                  title="Save a new version with this text"
                >
                  Restore
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function TestPanel({ test }: { test: TestState }) {
  if (test.state === 'idle')
    return (
      <div className="muted">
        Test renders the editor’s text on sample data and sends it to the model set in Settings. Nothing is saved and no
        order is placed.
      </div>
    )
  if (test.state === 'running')
    return (
      <div className="muted" data-testid="test-result">
        Waiting for the model…
      </div>
    )
  if (test.state === 'error') {
    return (
      <div className="notice tone-bad" role="alert" data-testid="test-result">
        {test.message}
      </div>
    )
  }
  return (
    <div data-testid="test-result">
      <div className="muted small-text">
        {test.answer.model} · {(test.answer.latencyMs / 1000).toFixed(1)} s · prompt{' '}
        {test.answer.promptChars.toLocaleString('en-US')} characters
      </div>
      <pre className="preview-text">{test.answer.text}</pre>
    </div>
  )
}

/** Create a new global template from the editor's text. */
export function SaveAsForm({
  template,
  system,
  body,
  onDone,
}: {
  template: PromptTemplate
  system: string
  body: string
  onDone(status: string | null): void
}) {
  const [name, setName] = useState(`${template.name} (copy)`)
  const [purpose, setPurpose] = useState<PromptPurpose>(template.purpose)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    try {
      const { template: created } = await call('prompts.save', {
        create: { name, purpose, scope: 'global', strategyId: null },
        system,
        body,
        note: `copied from ${template.name}`,
      })
      navigate(`#/prompts/${created.id}`)
      onDone(`Created "${created.name}".`)
    } catch (err) {
      setError(`${errorMessage(err)}${problemsOf(err).length ? ' Fix the marked places first.' : ''}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="save-as row" onSubmit={(e) => void submit(e)} data-testid="save-as-form">
      <input
        className="grow"
        value={name}
        maxLength={80}
        onChange={(e) => setName(e.target.value)}
        aria-label="New template name"
        data-testid="save-as-name"
      />
      <select
        className="indicator-picker"
        value={purpose}
        onChange={(e) => setPurpose(e.target.value as PromptPurpose)}
        aria-label="Purpose"
      >
        {(Object.keys(PURPOSE_LABEL) as PromptPurpose[]).map((p) => (
          <option key={p} value={p}>
            {PURPOSE_LABEL[p]}
          </option>
        ))}
      </select>
      <button type="submit" className="btn primary" disabled={busy || name.trim() === ''}>
        Create template
      </button>
      <button type="button" className="btn" onClick={() => onDone(null)}>
        Cancel
      </button>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </form>
  )
}
