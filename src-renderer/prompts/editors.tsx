import { DiffEditor, Editor, type OnMount } from '@monaco-editor/react'
import { useEffect, useRef, useState } from 'react'
import type { PromptVariable, TemplateProblem } from '../../src-main/contract/prompts-api'
import { LANGUAGE, monaco, setVariables, THEME } from './monaco'

// The Monaco pieces of the prompt page, in their own lazily loaded chunk: a template editor with
// problem markers and Ctrl+S, and a read-only side-by-side diff — @monaco-editor/react components on
// the locally bundled monaco (monaco.ts configures its loader; no CDN).

export interface EditorHandle {
  reveal(line: number, column: number): void
}

const OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  theme: THEME,
  language: LANGUAGE,
  automaticLayout: true,
  minimap: { enabled: false },
  wordWrap: 'on',
  fontSize: 12.5,
  lineHeight: 19,
  fontFamily: "ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
  scrollBeyondLastLine: false,
  renderLineHighlight: 'line',
  fixedOverflowWidgets: true,
  quickSuggestions: { other: true, comments: false, strings: true },
  suggestOnTriggerCharacters: true,
  tabSize: 2,
  padding: { top: 6, bottom: 6 },
  stickyScroll: { enabled: false },
  unicodeHighlight: { ambiguousCharacters: false },
}

export function CodeEditor(props: {
  value: string
  onChange(value: string): void
  problems: readonly TemplateProblem[]
  variables: readonly PromptVariable[]
  onSave(): void
  testId: string
  ariaLabel: string
  handle?: { current: EditorHandle | null }
}) {
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null)
  const [mounted, setMounted] = useState(false)
  const latest = useRef(props)
  /**
   * Every text this editor reported through onChange: those coming back as `value` are echoes, not edits from outside.
   */
  const emitted = useRef(new Set<string>())
  useEffect(() => {
    latest.current = props
  })
  useEffect(
    () => () => {
      editor.current = null
    },
    [],
  )

  // The editor is uncontrolled (defaultValue): the component would push every `value` back into the
  // model, echoes included; the effect below pushes only text replaced from outside.
  const onMount: OnMount = (e) => {
    editor.current = e
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => latest.current.onSave())
    e.onDidChangeModelContent(() => {
      const v = e.getValue()
      if (v !== latest.current.value) {
        if (emitted.current.size > 50) emitted.current.clear()
        emitted.current.add(v)
        latest.current.onChange(v)
      }
    })
    if (latest.current.handle) {
      latest.current.handle.current = {
        reveal(line, column) {
          e.revealLineInCenter(line)
          e.setPosition({ lineNumber: line, column })
          e.focus()
        },
      }
    }
    setMounted(true)
  }

  // Text replaced from outside (another template, a restore): push it into the model, keeping undo.
  // An echo of what the user typed is never pushed back: while typing fast the echo can lag behind
  // the model, and pushing it would undo keystrokes (and close the suggestion list).
  useEffect(() => {
    const e = editor.current
    const model = e?.getModel()
    if (!e || !model || model.getValue() === props.value || emitted.current.has(props.value)) return
    e.executeEdits('load', [{ range: model.getFullModelRange(), text: props.value }])
    e.pushUndoStop()
  }, [props.value, mounted])

  useEffect(() => {
    setVariables([...props.variables])
  }, [props.variables])

  useEffect(() => {
    const model = editor.current?.getModel()
    if (!model) return
    monaco.editor.setModelMarkers(
      model,
      'prompt-check',
      props.problems.map((p) => markerFor(model, p)),
    )
  }, [props.problems, props.value, mounted])

  return (
    <div className="code-editor" data-testid={props.testId}>
      <Editor
        defaultValue={props.value}
        language={LANGUAGE}
        theme={THEME}
        options={{ ...OPTIONS, ariaLabel: props.ariaLabel }}
        onMount={onMount}
        loading={<div className="editor-loading muted">Loading the editor…</div>}
      />
    </div>
  )
}

function markerFor(model: monaco.editor.ITextModel, p: TemplateProblem): monaco.editor.IMarkerData {
  const lines = model.getLineCount()
  const line = Math.min(Math.max(p.line ?? 1, 1), lines)
  const max = model.getLineMaxColumn(line)
  const start = Math.min(Math.max(p.column ?? 1, 1), max)
  const end = p.variable
    ? Math.min(start + p.variable.length, max)
    : p.line === null
      ? max
      : (model.getWordAtPosition({ lineNumber: line, column: start })?.endColumn ?? max)
  return {
    severity: monaco.MarkerSeverity.Error,
    message: p.message,
    startLineNumber: line,
    startColumn: start,
    endLineNumber: line,
    endColumn: Math.max(end, start + 1),
  }
}

/** Read-only side-by-side diff: an old version on the left, the text it is compared with on the right. */
export function DiffView(props: { original: string; modified: string; testId: string }) {
  const models = useRef<monaco.editor.IDiffEditorModel | null>(null)
  // The component would dispose the models before the diff editor lets go of them (an error in the
  // console); it keeps them, and they are disposed here once the editor is gone.
  useEffect(
    () => () => {
      const m = models.current
      setTimeout(() => {
        m?.original.dispose()
        m?.modified.dispose()
      })
    },
    [],
  )
  const onMount = (d: monaco.editor.IStandaloneDiffEditor) => {
    models.current = d.getModel()
    // Open on the first change rather than on line 1 (each time the compared texts change).
    d.onDidUpdateDiff(() => {
      const first = d.getLineChanges()?.[0]
      if (first) d.getModifiedEditor().revealLineInCenter(Math.max(first.modifiedStartLineNumber, 1))
    })
  }
  return (
    <div className="diff-editor" data-testid={props.testId}>
      <DiffEditor
        original={props.original}
        modified={props.modified}
        language={LANGUAGE}
        theme={THEME}
        onMount={onMount}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        loading={<div className="editor-loading muted">Loading the diff…</div>}
        options={{
          automaticLayout: true,
          readOnly: true,
          originalEditable: false,
          renderSideBySide: true,
          useInlineViewWhenSpaceIsLimited: false,
          minimap: { enabled: false },
          wordWrap: 'on',
          diffWordWrap: 'on',
          fontSize: 12.5,
          scrollBeyondLastLine: false,
          renderOverviewRuler: false,
          hideUnchangedRegions: { enabled: false },
        }}
      />
    </div>
  )
}
