// Read-only JSON in Monaco for the timeline's raw step records (F17): the same lazily loaded,
// locally bundled editor as the prompt page (whose module configures @monaco-editor/react's loader),
// plus folding and a small JSON tokenizer (no language worker needed for viewing).
import 'monaco-editor/features/folding/register'
import { monaco } from '../prompts/monaco'
export { THEME } from '../prompts/monaco'

export const JSON_VIEW_LANGUAGE = 'json-view'

monaco.languages.register({ id: JSON_VIEW_LANGUAGE })
monaco.languages.setLanguageConfiguration(JSON_VIEW_LANGUAGE, {
  brackets: [
    ['{', '}'],
    ['[', ']'],
  ],
})
monaco.languages.setMonarchTokensProvider(JSON_VIEW_LANGUAGE, {
  tokenizer: {
    root: [
      [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'variable'],
      [/"(?:[^"\\]|\\.)*"/, 'string'],
      [/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/, 'number'],
      [/\b(?:true|false|null)\b/, 'keyword'],
      [/[{}[\],:]/, 'delimiter'],
    ],
  },
})

/** Options for a read-only JSON view (used with @monaco-editor/react in JsonMonaco.tsx). */
export const JSON_VIEW_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  readOnly: true,
  domReadOnly: true,
  minimap: { enabled: false },
  folding: true,
  lineNumbers: 'on',
  scrollBeyondLastLine: false,
  automaticLayout: true,
  fontSize: 12,
  wordWrap: 'on',
  renderLineHighlight: 'none',
}
