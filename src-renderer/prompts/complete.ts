import type { PromptVariable } from '../../src-main/contract/prompts-api'

// Autocomplete and hover for `{{ … }}` and `{% … %}` from the variable contract. Pure text logic,
// so it is tested without a browser. Array elements are `x[]` in the contract; in a template they
// are reached as `x.first`, `x.last`, `x.0` or through a `{% for b in x %}` loop variable.

export interface CompletionItem {
  label: string
  kind: 'variable' | 'filter'
  detail: string
  documentation: string
  hasChildren: boolean
}

export const FILTERS: readonly { name: string; doc: string }[] = [
  { name: 'round', doc: 'Fixed decimals: `{{ d.rsi | round: 1 }}`' },
  { name: 'pct', doc: 'Number with a percent sign: `{{ price.change_pct | pct: 2 }}`' },
  { name: 'money', doc: 'Thousands separators and two decimals' },
  { name: 'join', doc: 'Join a list: `{{ levels.support | join: ", " }}`' },
  { name: 'default', doc: 'A fallback for null or empty: `{{ d.sma200 | default: "n/a" }}`' },
  { name: 'date', doc: 'Format a date: `{{ now | date: "%Y-%m-%d" }}`' },
  { name: 'size', doc: 'Length of a list or text' },
  { name: 'upcase', doc: 'Upper case' },
  { name: 'downcase', doc: 'Lower case' },
  { name: 'abs', doc: 'Absolute value' },
  { name: 'times', doc: 'Multiply: `{{ d.atr | times: 2 }}`' },
  { name: 'plus', doc: 'Add' },
  { name: 'minus', doc: 'Subtract' },
  { name: 'divided_by', doc: 'Divide' },
]

const ARRAY_HELPERS: readonly CompletionItem[] = [
  {
    label: 'first',
    kind: 'variable',
    detail: 'first element',
    documentation: 'The first element of the list',
    hasChildren: true,
  },
  {
    label: 'last',
    kind: 'variable',
    detail: 'last element',
    documentation: 'The last element of the list',
    hasChildren: true,
  },
  {
    label: 'size',
    kind: 'variable',
    detail: 'number',
    documentation: 'How many elements the list has',
    hasChildren: false,
  },
]

const indexCache = new WeakMap<readonly PromptVariable[], Map<string, PromptVariable>>()
export function variableIndex(vars: readonly PromptVariable[]): Map<string, PromptVariable> {
  let index = indexCache.get(vars)
  if (!index) {
    index = new Map(vars.map((v) => [v.path, v]))
    indexCache.set(vars, index)
  }
  return index
}

/** `{% for b in bars %}` → `b` stands for `bars[]`. */
export function loopAliases(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of text.matchAll(/\{%-?\s*for\s+([A-Za-z_]\w*)\s+in\s+([A-Za-z_][\w.]*)/g))
    out.set(m[1]!, `${normalise(m[2]!.split('.'), out)}[]`)
  return out
}

/** Template segments to a contract path: loop variables and `first`/`last`/indexes become `[]`. */
export function normalise(segments: readonly string[], aliases: Map<string, string>): string {
  let path = aliases.get(segments[0] ?? '') ?? segments[0] ?? ''
  for (const seg of segments.slice(1)) path += seg === 'first' || seg === 'last' || /^\d+$/.test(seg) ? '[]' : `.${seg}`
  return path
}

/** The open Liquid expression the cursor is in (text after `{{` or `{%`), or null outside one. */
function openExpression(lineBefore: string): string | null {
  const open = Math.max(lineBefore.lastIndexOf('{{'), lineBefore.lastIndexOf('{%'))
  if (open < 0) return null
  const close = Math.max(lineBefore.lastIndexOf('}}'), lineBefore.lastIndexOf('%}'))
  return close > open ? null : lineBefore.slice(open + 2).replace(/^-/, '')
}

const isArray = (v: PromptVariable | undefined) => v !== undefined && v.type.startsWith('array of')

/** Suggestions at the cursor; `replace` is how many characters before the cursor they replace. */
export function completionsAt(
  text: string,
  lineBefore: string,
  vars: readonly PromptVariable[],
): { replace: number; items: CompletionItem[] } | null {
  const expr = openExpression(lineBefore)
  if (expr === null) return null
  const filter = /\|\s*([a-z_]*)$/.exec(expr)
  if (filter) {
    const partial = filter[1]!
    return {
      replace: partial.length,
      items: FILTERS.filter((f) => f.name.startsWith(partial)).map((f) => ({
        label: f.name,
        kind: 'filter',
        detail: 'filter',
        documentation: f.doc,
        hasChildren: false,
      })),
    }
  }
  const token = /([A-Za-z_][\w]*(?:\.[\w]*)*)$/.exec(expr)?.[1] ?? ''
  if (token === '' && !/(^|[\s(,:])$/.test(expr)) return null
  const segments = token.split('.')
  const partial = segments.pop() ?? ''
  const aliases = loopAliases(text)
  const index = variableIndex(vars)
  const starts = (label: string) => label.startsWith(partial)
  if (segments.length === 0) {
    const top: CompletionItem[] = vars
      .filter((v) => !/[.[]/.test(v.path))
      .map((v) => ({
        label: v.path,
        kind: 'variable',
        detail: v.type,
        documentation: v.description,
        hasChildren: v.hasChildren,
      }))
    for (const [alias, path] of aliases)
      top.unshift({
        label: alias,
        kind: 'variable',
        detail: `element of ${path.slice(0, -2)}`,
        documentation: `Loop variable: one element of ${path.slice(0, -2)}`,
        hasChildren: true,
      })
    return { replace: partial.length, items: top.filter((i) => starts(i.label)) }
  }
  const parent = normalise(segments, aliases)
  if (isArray(index.get(parent)))
    return { replace: partial.length, items: ARRAY_HELPERS.filter((i) => starts(i.label)) }
  const prefix = `${parent}.`
  const items = vars
    .filter((v) => v.path.startsWith(prefix) && !/[.[]/.test(v.path.slice(prefix.length)))
    .map((v): CompletionItem => ({
      label: v.path.slice(prefix.length),
      kind: 'variable',
      detail: v.type,
      documentation: v.description,
      hasChildren: v.hasChildren,
    }))
  return { replace: partial.length, items: items.filter((i) => starts(i.label)) }
}

/** The contract path (or filter name) under a 1-based column, for hover. */
export function pathAt(
  text: string,
  line: string,
  column: number,
): { path: string; start: number; end: number } | null {
  const i = column - 1
  if (!/[\w.]/.test(line[i] ?? '') && !/[\w.]/.test(line[i - 1] ?? '')) return null
  let start = i
  while (start > 0 && /[\w.]/.test(line[start - 1]!)) start--
  let end = i
  while (end < line.length && /\w/.test(line[end]!)) end++
  const token = line.slice(start, end)
  if (!/^[A-Za-z_]/.test(token)) return null
  if (openExpression(line.slice(0, start)) === null) return null
  if (/\|\s*$/.test(line.slice(0, start))) return { path: token, start: start + 1, end: end + 1 }
  return { path: normalise(token.split('.'), loopAliases(text)), start: start + 1, end: end + 1 }
}
