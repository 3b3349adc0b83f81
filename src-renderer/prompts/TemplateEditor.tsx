import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import type { PromptTemplate, PromptVersion, TemplateProblem } from '../../src-main/contract/prompts-api'
import { call, errorMessage } from '../state/app'
import type { EditorHandle } from './editors'
import { HistoryPanel, ProblemList, SaveAsForm, TestPanel, type TestState } from './panels'
import { fmtTime, problemsOf, PURPOSE_LABEL, usePrompts } from './store'
import { usePreview } from './use-preview'

// One template open for editing: system and body in Monaco, live preview on sample data, problems
// as markers, save with a note (Ctrl+S), history with a side-by-side diff and restore, default, test.

const CodeEditor = lazy(() => import('./editors').then((m) => ({ default: m.CodeEditor })))
const DiffView = lazy(() => import('./editors').then((m) => ({ default: m.DiffView })))

interface Draft {
  system: string
  body: string
  /** The saved version the draft started from. */
  base: PromptVersion
}
type Field = 'system' | 'body'
type Status = { tone: 'ok' | 'bad' | 'neutral'; text: string } | null

export function TemplateEditor({ template }: { template: PromptTemplate }) {
  const history = usePrompts((s) => s.histories[template.id])
  const variables = usePrompts((s) => s.variables)
  const loadHistory = usePrompts((s) => s.loadHistory)
  const [draft, setDraft] = useState<Draft | null>(null)
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [status, setStatus] = useState<Status>(null)
  const [tab, setTab] = useState<'preview' | 'history' | 'test'>('preview')
  const [previewField, setPreviewField] = useState<Field>('body')
  const [diff, setDiff] = useState<{ versionId: string; field: Field } | null>(null)
  const [test, setTest] = useState<TestState>({ state: 'idle' })
  const [saveAs, setSaveAs] = useState(false)
  const systemEditor = useRef<EditorHandle | null>(null)
  const bodyEditor = useRef<EditorHandle | null>(null)

  useEffect(() => {
    void loadHistory(template.id)
  }, [template.id, loadHistory])

  const latest = history?.[0] ?? null
  const dirty = draft !== null && (draft.system !== draft.base.system || draft.body !== draft.base.body)

  // A newer saved version (first load, or saved elsewhere) replaces the text unless it has unsaved edits.
  const [seenLatest, setSeenLatest] = useState<string | null>(null)
  if (latest && latest.id !== seenLatest) {
    setSeenLatest(latest.id)
    if (draft === null || (draft.base.id !== latest.id && !dirty))
      setDraft({ system: latest.system, body: latest.body, base: latest })
  }

  const [preview, setPreview] = usePreview(draft?.system, draft?.body, template.purpose)

  const problems = preview?.problems ?? []
  const edit = (field: Field) => (value: string) => setDraft((d) => (d ? { ...d, [field]: value } : d))

  async function save() {
    if (!draft || busy) return
    if (!dirty) {
      setStatus({ tone: 'neutral', text: `Nothing to save: the text is v${draft.base.version}.` })
      return
    }
    setBusy(true)
    try {
      const { version } = await call('prompts.save', {
        templateId: template.id,
        system: draft.system,
        body: draft.body,
        note,
        expectedVersion: draft.base.version,
      })
      setDraft({ system: version.system, body: version.body, base: version })
      setNote('')
      setStatus({ tone: 'ok', text: `Saved v${version.version}.` })
      await loadHistory(template.id)
    } catch (e) {
      const found = problemsOf(e)
      if (found.length) setPreview({ system: null, body: null, chars: 0, problems: found })
      setStatus({
        tone: 'bad',
        text: `${errorMessage(e)}${found.length ? ' Fix the marked places, then save again.' : ''}`,
      })
    } finally {
      setBusy(false)
    }
  }

  async function restore(v: PromptVersion) {
    setBusy(true)
    try {
      const { version } = await call('prompts.restore', { versionId: v.id })
      setDraft({ system: version.system, body: version.body, base: version })
      setDiff(null)
      setStatus({ tone: 'ok', text: `Restored v${v.version} as v${version.version}.` })
      await loadHistory(template.id)
    } catch (e) {
      setStatus({ tone: 'bad', text: `Not restored: ${errorMessage(e)}` })
    } finally {
      setBusy(false)
    }
  }

  async function setDefault() {
    try {
      await call('prompts.setDefault', { templateId: template.id })
      setStatus({
        tone: 'ok',
        text: `"${template.name}" is now the default ${PURPOSE_LABEL[template.purpose].toLowerCase()} prompt.`,
      })
    } catch (e) {
      setStatus({ tone: 'bad', text: `Not changed: ${errorMessage(e)}` })
    }
  }

  async function runTest() {
    if (!draft) return
    setTab('test')
    setTest({ state: 'running' })
    try {
      setTest({
        state: 'done',
        answer: await call('prompts.test', { system: draft.system, body: draft.body, purpose: template.purpose }),
      })
    } catch (e) {
      setTest({ state: 'error', message: errorMessage(e) })
    }
  }

  const reveal = (p: TemplateProblem) => {
    if (p.line !== null) (p.field === 'system' ? systemEditor : bodyEditor).current?.reveal(p.line, p.column ?? 1)
  }
  const diffVersion = diff ? history?.find((v) => v.id === diff.versionId) : undefined
  const fieldProblems = (f: Field) => problems.filter((p) => p.field === f)

  return (
    <>
      <section
        className="prompts-editor"
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
            e.preventDefault()
            void save()
          }
        }}
      >
        <header className="editor-head">
          <div className="editor-title">
            <h1 data-testid="template-name">{template.name}</h1>
            <span className="badge small">{PURPOSE_LABEL[template.purpose]}</span>
            {template.isDefault && <span className="default-mark">default</span>}
            <span className="muted small-text" data-testid="draft-base">
              {draft
                ? `${dirty ? 'edited from' : 'at'} ` +
                  `v${draft.base.version}` +
                  (latest && draft.base.id !== latest.id ? ` (latest is v${latest.version})` : '')
                : 'loading…'}
            </span>
          </div>
          <div className="page-actions">
            <button
              type="button"
              className="btn"
              disabled={template.isDefault}
              onClick={() => void setDefault()}
              data-testid="set-default"
              title={
                template.isDefault
                  ? 'Already the default of its purpose'
                  : 'Strategies without their own prompt use the default'
              }
            >
              Set as default
            </button>
            <button
              type="button"
              className="btn"
              disabled={!draft || test.state === 'running'}
              onClick={() => void runTest()}
              data-testid="test-prompt"
              title="Render on sample data and send it to the configured model"
            >
              Test
            </button>
            <button
              type="button"
              className="btn"
              disabled={!draft}
              onClick={() => setSaveAs((v) => !v)}
              data-testid="save-as"
            >
              Save as new…
            </button>
          </div>
        </header>
        {saveAs && draft && (
          <SaveAsForm
            template={template}
            system={draft.system}
            body={draft.body}
            onDone={(text) => (setSaveAs(false), text && setStatus({ tone: 'ok', text }))}
          />
        )}
        <div className="save-row">
          <input
            className="grow"
            placeholder="What changed? (note kept with the version)"
            value={note}
            maxLength={300}
            onChange={(e) => setNote(e.target.value)}
            data-testid="note-input"
            aria-label="Version note"
          />
          <button
            type="button"
            className="btn primary"
            disabled={!dirty || busy}
            onClick={() => void save()}
            data-testid="save-prompt"
            title="Save a new version (Ctrl+S)"
          >
            {busy ? 'Saving…' : 'Save version'}
          </button>
        </div>
        {status && (
          <div className={`status-text tone-${status.tone}`} role="status" data-testid="prompt-status">
            {status.text}
          </div>
        )}
        <div className="editors" hidden={diff !== null}>
          {draft ? (
            <Suspense fallback={<div className="muted editor-loading">Loading the editor…</div>}>
              <label className="editor-label">System prompt</label>
              <div className="editor-box system">
                <CodeEditor
                  value={draft.system}
                  onChange={edit('system')}
                  problems={fieldProblems('system')}
                  variables={variables}
                  onSave={() => void save()}
                  testId="editor-system"
                  ariaLabel="System prompt"
                  handle={systemEditor}
                />
              </div>
              <label className="editor-label">Template body</label>
              <div className="editor-box body">
                <CodeEditor
                  value={draft.body}
                  onChange={edit('body')}
                  problems={fieldProblems('body')}
                  variables={variables}
                  onSave={() => void save()}
                  testId="editor-body"
                  ariaLabel="Template body"
                  handle={bodyEditor}
                />
              </div>
            </Suspense>
          ) : (
            <div className="muted editor-loading">Loading the template…</div>
          )}
          <ProblemList problems={problems} onPick={reveal} />
        </div>
        {diff && diffVersion && draft && (
          <div className="diff-pane" data-testid="diff-pane">
            <div className="row spread">
              <div className="row">
                <strong data-testid="diff-title">
                  v{diffVersion.version} ↔ {dirty ? 'your draft' : `v${draft.base.version}`}
                </strong>
                <span className="muted small-text">
                  {fmtTime(diffVersion.createdAt)} · {diffVersion.note || 'no note'}
                </span>
                <div className="segmented">
                  {(['body', 'system'] as const).map((f) => (
                    <button
                      key={f}
                      type="button"
                      className={diff.field === f ? 'on' : ''}
                      onClick={() => setDiff({ ...diff, field: f })}
                      data-testid={`diff-field-${f}`}
                    >
                      {f === 'body' ? 'Body' : 'System'}
                    </button>
                  ))}
                </div>
              </div>
              <div className="row">
                <button
                  type="button"
                  className="btn"
                  disabled={busy || diffVersion.sha256 === latest?.sha256}
                  onClick={() => void restore(diffVersion)}
                  data-testid="diff-restore"
                >
                  Restore v{diffVersion.version}
                </button>
                <button type="button" className="btn" onClick={() => setDiff(null)} data-testid="diff-close">
                  Close diff
                </button>
              </div>
            </div>
            <div className="diff-box">
              <Suspense fallback={<div className="muted editor-loading">Loading the diff…</div>}>
                <DiffView original={diffVersion[diff.field]} modified={draft[diff.field]} testId="diff-view" />
              </Suspense>
            </div>
          </div>
        )}
      </section>
      <aside className="prompts-side panel">
        <div className="segmented side-tabs">
          {(['preview', 'history', 'test'] as const).map((t) => (
            <button
              key={t}
              type="button"
              className={tab === t ? 'on' : ''}
              onClick={() => setTab(t)}
              data-testid={`tab-${t}`}
            >
              {t === 'preview'
                ? 'Preview'
                : t === 'history'
                  ? `History${history ? ` (${history.length})` : ''}`
                  : 'Test'}
            </button>
          ))}
        </div>
        {tab === 'preview' && (
          <div className="preview">
            <div className="row spread">
              <div className="segmented">
                {(['body', 'system'] as const).map((f) => (
                  <button
                    key={f}
                    type="button"
                    className={previewField === f ? 'on' : ''}
                    onClick={() => setPreviewField(f)}
                    data-testid={`preview-field-${f}`}
                  >
                    {f === 'body' ? 'Body' : 'System'}
                  </button>
                ))}
              </div>
              <span className="muted small-text">
                {preview && preview.chars > 0
                  ? `${preview.chars.toLocaleString('en-US')} characters, sample data`
                  : 'sample data'}
              </span>
            </div>
            {preview && preview[previewField] !== null ? (
              <pre className="preview-text" data-testid="preview-text">
                {preview[previewField]}
              </pre>
            ) : (
              <div className="muted preview-empty" data-testid="preview-text">
                {preview ? 'Fix the problems listed under the editor to see the rendered prompt.' : 'Rendering…'}
              </div>
            )}
          </div>
        )}
        {tab === 'history' && (
          <HistoryPanel
            versions={history ?? null}
            currentId={draft?.base.id ?? null}
            latestSha={latest?.sha256 ?? null}
            busy={busy}
            onDiff={(v) => setDiff({ versionId: v.id, field: diff?.field ?? 'body' })}
            onRestore={(v) => void restore(v)}
          />
        )}
        {tab === 'test' && <TestPanel test={test} />}
      </aside>
    </>
  )
}
