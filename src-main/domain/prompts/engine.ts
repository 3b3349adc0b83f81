import { Liquid, type Template } from 'liquidjs'
import type { z } from 'zod'
import { PromptContext } from '../../contract/prompts'

// Prompt templates on LiquidJS (LLM.md §8), sandboxed: strict variables and filters, own
// properties only, no file system, bounded parse and render; every variable checked against the
// contract at save time, with its line and column.

export interface TemplateProblem {
  message: string
  line: number | null
  column: number | null
  variable: string | null
}

export const MAX_TEMPLATE_CHARS = 20_000
const FORBIDDEN_TAGS = ['include', 'render', 'layout', 'block']

const noFiles = {
  readFileSync: () => {
    throw new Error('Templates cannot read files')
  },
  readFile: () => Promise.reject(new Error('Templates cannot read files')),
  existsSync: () => false,
  exists: () => Promise.resolve(false),
  contains: () => Promise.resolve(false),
  resolve: (_root: string, file: string) => file,
  sep: '/',
}

export function createPromptEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    fs: noFiles,
    root: [],
    relativeReference: false,
    parseLimit: 100_000,
    renderLimit: 1000,
    memoryLimit: 10_000_000,
  })
  engine.registerFilter('round', (v: unknown, digits = 2) => (typeof v === 'number' ? v.toFixed(Number(digits)) : v))
  engine.registerFilter('pct', (v: unknown, digits = 1) =>
    typeof v === 'number' ? `${v.toFixed(Number(digits))} %` : v,
  )
  engine.registerFilter('money', (v: unknown) =>
    typeof v === 'number' ? v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : v,
  )
  return engine
}

/** Is `segments` a path of the contract? Arrays accept an index, `first`, `last` and `size`. */
export function isContractPath(segments: readonly (string | number)[], schema: z.ZodType = PromptContext): boolean {
  let node: z.ZodType = schema
  for (const seg of segments) {
    node = unwrap(node)
    const def = (
      node as unknown as {
        def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType }
      }
    ).def
    if (def.type === 'object') {
      const next = typeof seg === 'string' && Object.hasOwn(def.shape!, seg) ? def.shape![seg] : undefined
      if (!next) return false
      node = next
    } else if (def.type === 'array') {
      if (seg === 'size') return true
      if (typeof seg === 'number' || seg === 'first' || seg === 'last' || /^\d+$/.test(String(seg))) node = def.element!
      else return false
    } else if (def.type === 'record') {
      node = def.valueType!
    } else return false
  }
  return true
}

function unwrap(t: z.ZodType): z.ZodType {
  let node = t
  for (;;) {
    const def = (node as unknown as { def: { type: string; innerType?: z.ZodType } }).def
    if ((def.type === 'nullable' || def.type === 'optional' || def.type === 'default') && def.innerType)
      node = def.innerType
    else return node
  }
}

/** Every problem with a template, or none: parse errors, file tags, unknown variables, length. */
export async function checkTemplate(engine: Liquid, body: string): Promise<TemplateProblem[]> {
  if (body.length > MAX_TEMPLATE_CHARS)
    return [
      {
        message: `The template is longer than ${MAX_TEMPLATE_CHARS} characters`,
        line: null,
        column: null,
        variable: null,
      },
    ]
  for (const tag of FORBIDDEN_TAGS) {
    const m = new RegExp(`{%-?\\s*${tag}\\b`).exec(body)
    if (m)
      return [
        {
          message: `The {% ${tag} %} tag is not allowed: templates cannot load other files`,
          ...position(body, m.index),
          variable: null,
        },
      ]
  }
  let parsed: Template[]
  try {
    parsed = engine.parse(body)
  } catch (e) {
    const err = e as { message: string; token?: { getPosition(): [number, number] } }
    const [line, column] = err.token?.getPosition() ?? [null, null]
    return [{ message: err.message.split(', line:')[0]!, line, column, variable: null }]
  }
  const analysis = await engine.analyze(parsed)
  const problems: TemplateProblem[] = []
  for (const [name, uses] of Object.entries(analysis.globals)) {
    for (const use of uses) {
      const segments = (use as unknown as { segments: (string | number)[] }).segments
      if (!isContractPath(segments)) {
        const loc = (use as unknown as { location: { row: number; col: number } }).location
        problems.push({
          message: `Unknown variable "${segments.join('.')}"`,
          line: loc.row,
          column: loc.col,
          variable: segments.join('.') || name,
        })
      }
    }
  }
  return problems
}

/** Parsed templates kept per engine, newest use last; a few prompt versions are in use at a time. */
export const PARSED_TEMPLATES_KEPT = 16
const parsedByEngine = new WeakMap<Liquid, Map<string, Template[]>>()

/**
 * `body` parsed on `engine`, from a small LRU cache keyed by the template text: an evaluation
 * renders the same prompt version for every date, and parsing is a third of a render. A template
 * that does not parse is not kept, so it throws the same error every time.
 */
function parsedTemplate(engine: Liquid, body: string): Template[] {
  let cache = parsedByEngine.get(engine)
  if (!cache) parsedByEngine.set(engine, (cache = new Map()))
  const hit = cache.get(body)
  if (hit) {
    cache.delete(body)
    cache.set(body, hit)
    return hit
  }
  const parsed = engine.parse(body)
  cache.set(body, parsed)
  if (cache.size > PARSED_TEMPLATES_KEPT) cache.delete(cache.keys().next().value!)
  return parsed
}

/** The template rendered with the context (checked against the contract first, as before parsing). */
export async function renderTemplate(engine: Liquid, body: string, context: PromptContext): Promise<string> {
  const scope = PromptContext.parse(context)
  // Rendered synchronously: every tag and filter the sandbox allows is synchronous, and LiquidJS's async
  // driver costs a promise per node (half a render).
  return engine.renderSync(parsedTemplate(engine, body), scope) as string
}

function position(body: string, index: number): { line: number; column: number } {
  const before = body.slice(0, index).split('\n')
  return { line: before.length, column: before.at(-1)!.length + 1 }
}

/** The variable paths a template uses (sorted, unique); call only after checkTemplate found no problems. */
export async function templateVariables(engine: Liquid, body: string): Promise<string[]> {
  const analysis = await engine.analyze(engine.parse(body))
  const paths = new Set<string>()
  for (const uses of Object.values(analysis.globals)) {
    for (const use of uses) paths.add((use as unknown as { segments: (string | number)[] }).segments.join('.'))
  }
  return [...paths].sort()
}

/** A render failure as a problem, with the place Liquid reports. */
export function renderProblem(e: unknown): TemplateProblem {
  const err = e as { message?: string; token?: { getPosition(): [number, number] } }
  const [line, column] = err.token?.getPosition?.() ?? [null, null]
  const message = String(err.message ?? e).split(', line:')[0]!
  return { message: `Does not render: ${message}`, line, column, variable: null }
}
