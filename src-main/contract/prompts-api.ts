import { z } from 'zod'
import { PromptContext } from './prompts'

// The prompt manager's methods (F5). Templates hold immutable versions: a save appends version
// n+1 and never edits an old one; a restore is a new version copying an old one.

export const MAX_PROMPT_CHARS = 20_000

export const PromptPurpose = z.enum(['combined', 'daily', 'weekly', 'consolidation'])
export type PromptPurpose = z.infer<typeof PromptPurpose>
export const PromptScope = z.enum(['global', 'strategy'])
export type PromptScope = z.infer<typeof PromptScope>

const Id = z.string().min(1).max(64)
const TemplateText = (what: string) =>
  z
    .string()
    .max(
      MAX_PROMPT_CHARS,
      `The ${what} may have at most ${MAX_PROMPT_CHARS.toLocaleString('en-US')} characters; shorten it`,
    )
const Note = z.string().trim().max(300, 'Keep the note under 300 characters').default('')

export const PromptVersion = z.object({
  id: z.string(),
  templateId: z.string(),
  version: z.number().int().min(1),
  system: z.string(),
  body: z.string(),
  /** Every variable path the version uses, sorted. */
  variables: z.array(z.string()),
  /** sha256 (hex) of the system and body texts (see prompts-repo for the exact bytes). */
  sha256: z.string(),
  note: z.string(),
  createdAt: z.number().int(),
})
export type PromptVersion = z.infer<typeof PromptVersion>

export const PromptTemplate = z.object({
  id: z.string(),
  name: z.string(),
  purpose: PromptPurpose,
  scope: PromptScope,
  strategyId: z.string().nullable(),
  /** The default of its scope and purpose (global, or one strategy's). */
  isDefault: z.boolean(),
  createdAt: z.number().int(),
  archivedAt: z.number().int().nullable(),
  latest: PromptVersion.pick({ id: true, version: true, sha256: true, note: true, createdAt: true }),
})
export type PromptTemplate = z.infer<typeof PromptTemplate>

export const TemplateProblem = z.object({
  /** Which text the problem is in; null when it concerns both or neither. */
  field: z.enum(['system', 'body']).nullable(),
  message: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  variable: z.string().nullable(),
})
export type TemplateProblem = z.infer<typeof TemplateProblem>

export const NewTemplate = z
  .object({
    name: z.string().trim().min(1, 'Give the template a name').max(80, 'Keep the name under 80 characters'),
    purpose: PromptPurpose,
    scope: PromptScope.default('global'),
    strategyId: Id.nullable().default(null),
  })
  .strict()
  .refine((t) => (t.scope === 'strategy') === (t.strategyId !== null), {
    message: 'A strategy template needs its strategyId; a global one has none',
    path: ['strategyId'],
  })

export const PromptVariable = z.object({
  path: z.string(),
  type: z.string(),
  description: z.string(),
  hasChildren: z.boolean(),
})
export type PromptVariable = z.infer<typeof PromptVariable>

const Texts = { system: TemplateText('system prompt'), body: TemplateText('template body') }

export const promptMethods = {
  'prompts.list': {
    input: z.object({ includeArchived: z.boolean().default(false) }).strict(),
    output: z.array(PromptTemplate),
  },
  'prompts.history': {
    input: z.object({ templateId: Id }).strict(),
    /** Newest first. */
    output: z.array(PromptVersion),
  },
  'prompts.save': {
    input: z
      .object({
        /** Append a version to this template … */
        templateId: Id.optional(),
        /** … or create a template with version 1. */
        create: NewTemplate.optional(),
        ...Texts,
        note: Note,
        /** The version the editor started from; a newer one saved meanwhile is a CONFLICT. */
        expectedVersion: z.number().int().min(1).optional(),
      })
      .strict()
      .refine((s) => (s.templateId === undefined) !== (s.create === undefined), {
        message: 'Give either templateId (a new version) or create (a new template)',
        path: ['templateId'],
      }),
    output: z.object({ template: PromptTemplate, version: PromptVersion }),
  },
  'prompts.preview': {
    input: z
      .object({
        ...Texts,
        /** Picks the sample context: consolidation samples include the two text analyses. */
        purpose: PromptPurpose.default('combined'),
        /** Render against this context instead of the sample. */
        context: PromptContext.optional(),
      })
      .strict(),
    output: z.object({
      system: z.string().nullable(),
      body: z.string().nullable(),
      problems: z.array(TemplateProblem),
      chars: z.number().int(),
    }),
  },
  'prompts.setDefault': { input: z.object({ templateId: Id }).strict(), output: PromptTemplate },
  'prompts.archive': { input: z.object({ templateId: Id }).strict(), output: PromptTemplate },
  'prompts.restore': {
    input: z.object({ versionId: Id, note: Note }).strict(),
    output: z.object({ template: PromptTemplate, version: PromptVersion }),
  },
  'prompts.test': {
    input: z.object({ ...Texts, purpose: PromptPurpose.default('combined') }).strict(),
    output: z.object({ text: z.string(), model: z.string(), latencyMs: z.number(), promptChars: z.number().int() }),
  },
  'prompts.variables': { input: z.object({}).strict(), output: z.array(PromptVariable) },
} as const

// The variable list for autocomplete and the docs panel, read from PromptContext itself so it can
// never drift from the contract the save-time check enforces. Array elements appear as `bars[].c`.

interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  innerType?: z.ZodType
  valueType?: z.ZodType
  entries?: Record<string, string>
  options?: z.ZodType[]
  values?: unknown[]
}

const defOf = (t: z.ZodType) => (t as unknown as { def: Def }).def

function unwrapSchema(t: z.ZodType): { node: z.ZodType; nullable: boolean; description: string | undefined } {
  let node = t
  let nullable = false
  let description = t.description
  for (;;) {
    const def = defOf(node)
    if ((def.type === 'nullable' || def.type === 'optional' || def.type === 'default') && def.innerType) {
      nullable ||= def.type !== 'default'
      node = def.innerType
      description ??= node.description
    } else return { node, nullable, description }
  }
}

function typeName(t: z.ZodType): string {
  const { node, nullable } = unwrapSchema(t)
  const def = defOf(node)
  let name: string
  if (def.type === 'enum')
    name = Object.values(def.entries ?? {})
      .map((v) => JSON.stringify(v))
      .join(' | ')
  else if (def.type === 'literal') name = (def.values ?? []).map((v) => JSON.stringify(v)).join(' | ')
  else if (def.type === 'array') name = `array of ${typeName(def.element!)}`
  else if (def.type === 'record') name = `map of ${typeName(def.valueType!)}`
  else if (def.type === 'union') name = (def.options ?? []).map(typeName).join(' | ')
  else name = def.type
  return nullable ? `${name} | null` : name
}

/** Every path of the contract, parents before children, in the contract's own order. */
export function promptVariables(schema: z.ZodType = PromptContext): PromptVariable[] {
  const out: PromptVariable[] = []
  const walk = (t: z.ZodType, path: string, inherited: string) => {
    const { node, description } = unwrapSchema(t)
    const def = defOf(node)
    const own = description ?? ''
    if (path) {
      const hasChildren =
        def.type === 'object' ||
        (def.type === 'array' && defOf(unwrapSchema(def.element!).node).type === 'object') ||
        def.type === 'record'
      out.push({ path, type: typeName(t), description: own || (inherited ? `Part of: ${inherited}` : ''), hasChildren })
    }
    const context = own || inherited
    if (def.type === 'object') {
      for (const [key, child] of Object.entries(def.shape ?? {})) walk(child, path ? `${path}.${key}` : key, context)
    } else if (def.type === 'array') {
      const el = unwrapSchema(def.element!)
      if (defOf(el.node).type === 'object') {
        for (const [key, child] of Object.entries(defOf(el.node).shape ?? {})) walk(child, `${path}[].${key}`, context)
      }
    }
  }
  walk(schema, '', '')
  return out
}
