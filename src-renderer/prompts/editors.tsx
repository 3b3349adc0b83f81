import { useEffect, useRef } from 'react'
import type { PromptVariable, TemplateProblem } from '../../src-main/contract/prompts-api'
import { LANGUAGE, monaco, setVariables, THEME } from './monaco'

// The Monaco pieces of the prompt page, in their own lazily loaded chunk: a template editor with
// problem markers and Ctrl+S, and a read-only side-by-side diff.

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
  const host = useRef<HTMLDivElement>(null)
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null)
  const latest = useRef(props)
  /**
   * Every text this editor reported through onChange: those coming back as `value` are echoes, not edits from outside.
   */
  const emitted = useRef(new Set<string>())
  useEffect(() => {
    latest.current = props
  })

  useEffect(() => {
    const e = monaco.editor.create(host.current!, {
      ...OPTIONS,
      value: latest.current.value,
      ariaLabel: latest.current.ariaLabel,
    })
    editor.current = e
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => latest.current.onSave())
    const sub = e.onDidChangeModelContent(() => {
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
    return () => {
      sub.dispose()
      e.getModel()?.dispose()
      e.dispose()
      editor.current = null
    }
  }, [])

  // Text replaced from outside (another template, a restore): push it into the model, keeping undo.
  // An echo of what the user typed is never pushed back: while typing fast the echo can lag behind
  // the model, and pushing it would undo keystrokes (and close the suggestion list).
  useEffect(() => {
    const e = editor.current
    const model = e?.getModel()
    if (!e || !model || model.getValue() === props.value || emitted.current.has(props.value)) return
    e.executeEdits('load', [{ range: model.getFullModelRange(), text: props.value }])
    e.pushUndoStop()
  }, [props.value])

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
  }, [props.problems, props.value])

  return <div ref={host} className="code-editor" data-testid={props.testId} />
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
  const host = useRef<HTMLDivElement>(null)
  const diff = useRef<monaco.editor.IStandaloneDiffEditor | null>(null)

  useEffect(() => {
    const d = monaco.editor.createDiffEditor(host.current!, {
      theme: THEME,
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
    })
    diff.current = d
    return () => {
      const m = d.getModel()
      d.dispose()
      m?.original.dispose()
      m?.modified.dispose()
      diff.current = null
    }
  }, [])

  useEffect(() => {
    const d = diff.current!
    const old = d.getModel()
    d.setModel({
      original: monaco.editor.createModel(props.original, LANGUAGE),
      modified: monaco.editor.createModel(props.modified, LANGUAGE),
    })
    old?.original.dispose()
    old?.modified.dispose()
    // Open on the first change rather than on line 1.
    const once = d.onDidUpdateDiff(() => {
      once.dispose()
      const first = d.getLineChanges()?.[0]
      if (first) d.getModifiedEditor().revealLineInCenter(Math.max(first.modifiedStartLineNumber, 1))
    })
    return () => once.dispose()
  }, [props.original, props.modified])

  return <div ref={host} className="diff-editor" data-testid={props.testId} />
}
