// Monaco, bundled and loaded from the app's own origin (STACK.md §7): the slim editor API plus the
// few features the prompt editor uses, the editor worker built by vite, our Liquid language, a dark
// theme, and autocomplete and hover from the variable contract. This module is a lazy chunk.
import * as monaco from 'monaco-editor/editor'
import 'monaco-editor/features/bracketMatching/register'
import 'monaco-editor/features/clipboard/register'
import 'monaco-editor/features/codicon/register'
import 'monaco-editor/features/contextmenu/register'
import 'monaco-editor/features/cursorUndo/register'
import 'monaco-editor/features/diffEditor/register'
import 'monaco-editor/features/find/register'
import 'monaco-editor/features/gotoError/register'
import 'monaco-editor/features/hover/register'
import 'monaco-editor/features/linesOperations/register'
import 'monaco-editor/features/multicursor/register'
import 'monaco-editor/features/snippet/register'
import 'monaco-editor/features/suggest/register'
// In 0.57 the suggest feature entry registers only inline completions; the widget's controller is separate.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController'
import 'monaco-editor/features/wordOperations/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import { loader } from '@monaco-editor/react'
import type { PromptVariable } from '../../src-main/contract/prompts-api'
import { completionsAt, FILTERS, pathAt, variableIndex } from './complete'

export { monaco }
export const LANGUAGE = 'liquid-prompt'
export const THEME = 'workstation-dark'

self.MonacoEnvironment = { getWorker: () => new EditorWorker() }
// @monaco-editor/react uses this bundle (and its worker above), never its default jsDelivr loader.
loader.config({ monaco })

let variables: PromptVariable[] = []
/** The variable contract autocomplete and hover read (set once the page has fetched it). */
export function setVariables(v: PromptVariable[]): void {
  variables = v
}

monaco.languages.register({ id: LANGUAGE })
monaco.languages.setLanguageConfiguration(LANGUAGE, {
  brackets: [
    ['{{', '}}'],
    ['{%', '%}'],
  ],
  autoClosingPairs: [
    { open: '{{', close: ' }}' },
    { open: '{%', close: ' %}' },
    { open: '"', close: '"' },
  ],
  wordPattern: /[A-Za-z_][\w]*/,
})
const WORD = /[A-Za-z_][\w]*(?:\.[\w]+)*/
const LIQUID_KEYWORDS = new RegExp(
  String.raw`\b(if|elsif|else|endif|unless|endunless|for|endfor|in|and|or|not|contains|assign|capture|` +
    String.raw`endcapture|case|when|endcase|break|continue|comment|endcomment|raw|endraw|limit|offset|reversed)\b`,
)
const inside = (end: RegExp) => [
  [end, { token: 'delimiter', next: '@pop' }],
  [LIQUID_KEYWORDS, 'keyword'],
  [/\|\s*[a-z_]+/, 'type'],
  [/"[^"]*"|'[^']*'/, 'string'],
  [/-?\d+(\.\d+)?/, 'number'],
  [WORD, 'variable'],
  [/[^\s]/, 'operator'],
]
monaco.languages.setMonarchTokensProvider(LANGUAGE, {
  tokenizer: {
    root: [
      [/\{\{-?/, { token: 'delimiter', next: '@output' }],
      [/\{%-?/, { token: 'delimiter', next: '@tag' }],
      [/[^{]+/, ''],
      [/\{/, ''],
    ],
    output: inside(/-?\}\}/),
    tag: inside(/-?%\}/),
  },
} as monaco.languages.IMonarchLanguage)

monaco.editor.defineTheme(THEME, {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'delimiter', foreground: '8a96a6' },
    { token: 'variable', foreground: '7fb4ff' },
    { token: 'keyword', foreground: 'c792ea' },
    { token: 'type', foreground: 'e0a526' },
    { token: 'string', foreground: '9fd28a' },
    { token: 'number', foreground: 'f78c6c' },
  ],
  colors: {
    'editor.background': '#0b0e13',
    'editor.foreground': '#d6dde6',
    'editorLineNumber.foreground': '#4a5462',
    'editorLineNumber.activeForeground': '#8a96a6',
    'editor.lineHighlightBackground': '#121821',
    'editorGutter.background': '#0b0e13',
    'editorWidget.background': '#151a21',
    'editorWidget.border': '#242b35',
    'editorSuggestWidget.background': '#151a21',
    'editorSuggestWidget.border': '#242b35',
    'editorSuggestWidget.selectedBackground': '#1f2833',
    'editorHoverWidget.background': '#151a21',
    'editorHoverWidget.border': '#242b35',
    'diffEditor.insertedTextBackground': '#2fbf7133',
    'diffEditor.removedTextBackground': '#f0524f33',
  },
})
monaco.editor.setTheme(THEME)

monaco.languages.registerCompletionItemProvider(LANGUAGE, {
  triggerCharacters: ['.', '{', ' ', '|'],
  provideCompletionItems(model, position) {
    const line = model.getLineContent(position.lineNumber).slice(0, position.column - 1)
    const result = completionsAt(model.getValue(), line, variables)
    if (!result) return { suggestions: [] }
    const range = new monaco.Range(
      position.lineNumber,
      position.column - result.replace,
      position.lineNumber,
      position.column,
    )
    return {
      suggestions: result.items.map((item, i) => ({
        label: item.label,
        kind:
          item.kind === 'filter'
            ? monaco.languages.CompletionItemKind.Function
            : item.hasChildren
              ? monaco.languages.CompletionItemKind.Module
              : monaco.languages.CompletionItemKind.Field,
        detail: item.detail,
        documentation: item.documentation,
        insertText: item.label,
        sortText: String(i).padStart(4, '0'),
        range,
      })),
    }
  },
})

monaco.languages.registerHoverProvider(LANGUAGE, {
  provideHover(model, position) {
    const hit = pathAt(model.getValue(), model.getLineContent(position.lineNumber), position.column)
    if (!hit) return null
    const index = variableIndex(variables)
    const v = index.get(hit.path)
    const filter = FILTERS.find((f) => f.name === hit.path)
    if (!v && !filter) return null
    return {
      range: new monaco.Range(position.lineNumber, hit.start, position.lineNumber, hit.end),
      contents: v
        ? [{ value: `**${v.path}**: \`${v.type}\`` }, { value: v.description }]
        : [{ value: `**| ${filter!.name}**` }, { value: filter!.doc }],
    }
  },
})
