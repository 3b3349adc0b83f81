import { randomUUID } from 'node:crypto'
import type { PromptContext } from '../contract/prompts'
import type {
  PromptPurpose,
  PromptTemplate,
  PromptVariable,
  PromptVersion,
  TemplateProblem,
} from '../contract/prompts-api'
import {
  checkTemplate,
  createPromptEngine,
  renderProblem,
  renderTemplate,
  templateVariables,
} from '../domain/prompts/engine'
import { sampleConsolidationContext, sampleContext } from '../domain/prompts/fixtures'
import { closestVariable, promptVariables } from '../domain/prompts/variables'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import {
  appendVersion,
  archiveTemplate,
  findDefaultTemplate,
  getTemplate,
  getVersion,
  insertTemplate,
  latestVersion,
  listTemplates,
  listVersions,
  promptSha256,
  setDefaultTemplate,
  type TemplateRow,
  type VersionRow,
} from '../store/prompts-repo'
import { getStrategyRow } from '../store/strategies-repo'

// The prompt manager (F5): every save is checked (parse, contract variables with line and column,
// a render on sample data) and changes nothing when refused; versions are immutable.

/** What the "Test" button sends to the configured model, and what comes back. */
export interface PromptLlmAnswer {
  text: string
  model: string
  latencyMs: number
}
export type PromptLlm = (prompt: { system: string; user: string }) => Promise<PromptLlmAnswer>

export interface SaveInput {
  templateId?: string
  create?: { name: string; purpose: PromptPurpose; scope: 'global' | 'strategy'; strategyId: string | null }
  system: string
  body: string
  note: string
  expectedVersion?: number
}

export interface PreviewResult {
  system: string | null
  body: string | null
  problems: TemplateProblem[]
  chars: number
}

export interface PromptService {
  list(opts?: { includeArchived?: boolean }): PromptTemplate[]
  history(templateId: string): PromptVersion[]
  save(input: SaveInput): Promise<{ template: PromptTemplate; version: PromptVersion }>
  preview(input: {
    system: string
    body: string
    purpose?: PromptPurpose
    context?: PromptContext
  }): Promise<PreviewResult>
  setDefault(templateId: string): PromptTemplate
  archive(templateId: string): PromptTemplate
  restore(versionId: string, note?: string): Promise<{ template: PromptTemplate; version: PromptVersion }>
  test(input: {
    system: string
    body: string
    purpose?: PromptPurpose
  }): Promise<PromptLlmAnswer & { promptChars: number }>
  variables(): PromptVariable[]
  /** The version exists and its template is not archived (strategies may refer to it). */
  isVersionActive(versionId: string): boolean
  /** The version a strategy's run uses: its explicit one, else its own default, else the global combined default. */
  resolveForStrategy(strategyId: string, promptVersionId: string | null): PromptVersion
}

export interface PromptServiceDeps {
  db: Db
  bus: EventBus
  now: () => number
  /** The configured model for "Test"; null when the host has none. It may throw RpcError('UNAVAILABLE'). */
  llm: PromptLlm | null
}

const TABLES = ['prompt_templates', 'prompt_versions', 'audit_log']

export function sampleFor(purpose: PromptPurpose): PromptContext {
  return purpose === 'consolidation' ? sampleConsolidationContext() : sampleContext()
}

export function createPromptService(d: PromptServiceDeps): PromptService {
  const engine = createPromptEngine()
  const variables = promptVariables()

  const versionView = (v: VersionRow): PromptVersion => ({
    id: v.id,
    templateId: v.templateId,
    version: v.version,
    system: v.system,
    body: v.body,
    variables: v.variables,
    sha256: v.sha256,
    note: v.note,
    createdAt: v.createdAt,
  })

  function templateView(t: TemplateRow): PromptTemplate {
    const latest = latestVersion(d.db, t.id)!
    return {
      id: t.id,
      name: t.name,
      purpose: t.purpose as PromptPurpose,
      scope: t.scope as PromptTemplate['scope'],
      strategyId: t.strategyId,
      isDefault: t.isDefault,
      createdAt: t.createdAt,
      archivedAt: t.archivedAt,
      latest: {
        id: latest.id,
        version: latest.version,
        sha256: latest.sha256,
        note: latest.note,
        createdAt: latest.createdAt,
      },
    }
  }

  function template(id: string): TemplateRow {
    const t = getTemplate(d.db, id)
    if (!t) throw new RpcError('NOT_FOUND', `No prompt template ${id}. Reload the list; it may have been removed.`)
    return t
  }

  /** Problems of both texts, each tagged with its field; then a render on the sample context. */
  async function problemsOf(
    system: string,
    body: string,
    context: PromptContext,
  ): Promise<{ problems: TemplateProblem[]; rendered: { system: string; body: string } | null }> {
    const problems: TemplateProblem[] = []
    for (const field of ['system', 'body'] as const) {
      for (const p of await checkTemplate(engine, field === 'system' ? system : body))
        problems.push({ field, ...p, message: p.variable ? unknownVariableMessage(p.variable) : p.message })
    }
    if (problems.length > 0) return { problems, rendered: null }
    const rendered = { system: '', body: '' }
    for (const field of ['system', 'body'] as const) {
      try {
        rendered[field] = await renderTemplate(engine, field === 'system' ? system : body, context)
      } catch (e) {
        problems.push({ field, ...renderProblem(e) })
      }
    }
    return { problems, rendered: problems.length > 0 ? null : rendered }
  }

  async function checked(
    system: string,
    body: string,
    purpose: PromptPurpose,
  ): Promise<{ system: string; body: string }> {
    const { problems, rendered } = await problemsOf(system, body, sampleFor(purpose))
    if (problems.length > 0 || !rendered)
      throw new RpcError('BAD_INPUT', `Not saved: ${problems.map(describeProblem).join('; ')}`, problems)
    return rendered
  }

  async function variablesOf(system: string, body: string): Promise<string[]> {
    return [
      ...new Set([...(await templateVariables(engine, system)), ...(await templateVariables(engine, body))]),
    ].sort()
  }

  function unknownVariableMessage(path: string): string {
    const near = closestVariable(path, variables)
    return (
      `Unknown variable "${path}": ` +
      `${near ? `did you mean "${near}"?` : 'pick one from the variable list (Ctrl+Space).'}`
    )
  }

  const changed = () => d.bus.emit('db.changed', { tables: TABLES })

  function saved(templateId: string, versionId: string) {
    return { template: templateView(template(templateId)), version: versionView(getVersion(d.db, versionId)!) }
  }

  return {
    list: (opts) => listTemplates(d.db, opts).map(templateView),

    history(templateId) {
      template(templateId)
      return listVersions(d.db, templateId).map(versionView)
    },

    async save(input) {
      if ((input.templateId === undefined) === (input.create === undefined))
        throw new RpcError('BAD_INPUT', 'Give either templateId (a new version) or create (a new template)')
      if (input.templateId !== undefined) {
        const t = template(input.templateId)
        if (t.archivedAt !== null)
          throw new RpcError('CONFLICT', `"${t.name}" is archived; create a new template instead of saving into it.`)
        await checked(input.system, input.body, t.purpose as PromptPurpose)
        const latest = latestVersion(d.db, t.id)!
        if (input.expectedVersion !== undefined && latest.version !== input.expectedVersion) {
          throw new RpcError(
            'CONFLICT',
            `v${latest.version} of "${t.name}" was saved after you opened v${input.expectedVersion}. ` +
              `Copy your text, reload the template and apply your change again.`,
          )
        }
        if (latest.sha256 === promptSha256(input.system, input.body))
          throw new RpcError('CONFLICT', `Nothing to save: the text is the same as v${latest.version}.`)
        const id = randomUUID()
        appendVersion(
          d.db,
          t.id,
          {
            id,
            system: input.system,
            body: input.body,
            variables: await variablesOf(input.system, input.body),
            note: input.note,
          },
          d.now(),
        )
        changed()
        return saved(t.id, id)
      }
      const c = input.create!
      if (c.scope === 'strategy' && (c.strategyId === null || !getStrategyRow(d.db, c.strategyId)))
        throw new RpcError(
          'NOT_FOUND',
          `No strategy ${c.strategyId ?? '(none given)'}: pick an existing strategy for a strategy template.`,
        )
      if (c.scope === 'global' && c.strategyId !== null)
        throw new RpcError('BAD_INPUT', 'A global template has no strategy; choose scope "strategy" to tie it to one.')
      await checked(input.system, input.body, c.purpose)
      const templateId = randomUUID()
      const id = randomUUID()
      const isDefault =
        findDefaultTemplate(d.db, { scope: c.scope, strategyId: c.strategyId, purpose: c.purpose }) === null
      insertTemplate(d.db, {
        id: templateId,
        ...c,
        isDefault,
        at: d.now(),
        version: {
          id,
          system: input.system,
          body: input.body,
          variables: await variablesOf(input.system, input.body),
          note: input.note,
        },
      })
      changed()
      return saved(templateId, id)
    },

    async preview({ system, body, purpose = 'combined', context }) {
      const { problems, rendered } = await problemsOf(system, body, context ?? sampleFor(purpose))
      return {
        system: rendered?.system ?? null,
        body: rendered?.body ?? null,
        problems,
        chars: rendered ? rendered.system.length + rendered.body.length : 0,
      }
    },

    setDefault(templateId) {
      const t = template(templateId)
      if (t.archivedAt !== null) throw new RpcError('CONFLICT', `"${t.name}" is archived and cannot be a default.`)
      setDefaultTemplate(d.db, templateId, d.now())
      changed()
      return templateView(template(templateId))
    },

    archive(templateId) {
      const t = template(templateId)
      if (t.archivedAt !== null) return templateView(t)
      if (t.isDefault && t.scope === 'global' && t.purpose === 'combined') {
        throw new RpcError(
          'CONFLICT',
          `"${t.name}" is the global default prompt. Make another combined template the default ` +
            `first, then archive this one.`,
        )
      }
      archiveTemplate(d.db, templateId, d.now())
      changed()
      return templateView(template(templateId))
    },

    async restore(versionId, note) {
      const old = getVersion(d.db, versionId)
      if (!old) throw new RpcError('NOT_FOUND', `No prompt version ${versionId}. Reload the history.`)
      const t = template(old.templateId)
      if (t.archivedAt !== null)
        throw new RpcError('CONFLICT', `"${t.name}" is archived; nothing can be restored into it.`)
      const latest = latestVersion(d.db, t.id)!
      if (latest.sha256 === old.sha256)
        throw new RpcError(
          'CONFLICT',
          `v${latest.version} already has the same text as v${old.version}; nothing to restore.`,
        )
      // Old versions passed the checks of their day; the contract may have changed since.
      await checked(old.system, old.body, t.purpose as PromptPurpose)
      const id = randomUUID()
      const text = note?.trim() ? `restored from v${old.version}: ${note.trim()}` : `restored from v${old.version}`
      appendVersion(
        d.db,
        t.id,
        { id, system: old.system, body: old.body, variables: old.variables, note: text },
        d.now(),
        'prompts.restore',
      )
      changed()
      return saved(t.id, id)
    },

    async test({ system, body, purpose = 'combined' }) {
      const rendered = await checked(system, body, purpose).catch((e: unknown) => {
        if (e instanceof RpcError)
          throw new RpcError(e.code, e.message.replace(/^Not saved: /, 'Not sent: '), e.details)
        throw e
      })
      if (!d.llm)
        throw new RpcError(
          'UNAVAILABLE',
          'No language model is configured. Set an API key (Settings → Language model, or ' +
            'OPENAI_API_KEY) or a local base URL, then test again.',
        )
      let answer: PromptLlmAnswer
      try {
        answer = await d.llm({ system: rendered.system, user: rendered.body })
      } catch (e) {
        if (e instanceof RpcError) throw e
        throw new RpcError(
          'UNAVAILABLE',
          `The model call failed: ${e instanceof Error ? e.message : String(e)}. Check the base URL, ` +
            `model and API key in Settings, then test again.`,
        )
      }
      return { ...answer, promptChars: rendered.system.length + rendered.body.length }
    },

    variables: () => variables,

    isVersionActive(versionId) {
      const v = getVersion(d.db, versionId)
      return v !== null && getTemplate(d.db, v.templateId)?.archivedAt === null
    },

    resolveForStrategy(strategyId, promptVersionId) {
      if (promptVersionId !== null) {
        const v = getVersion(d.db, promptVersionId)
        if (!v || getTemplate(d.db, v.templateId)?.archivedAt !== null) {
          throw new RpcError(
            'NOT_FOUND',
            `The strategy's prompt version ${promptVersionId} does not exist or is archived. Pick ` +
              `another prompt in the strategy.`,
          )
        }
        return versionView(v)
      }
      const t =
        findDefaultTemplate(d.db, { scope: 'strategy', strategyId, purpose: 'combined' }) ??
        findDefaultTemplate(d.db, { scope: 'global', strategyId: null, purpose: 'combined' })
      if (!t)
        throw new RpcError(
          'NOT_FOUND',
          'There is no default prompt. Open Prompts and set a combined template as the default.',
        )
      return versionView(latestVersion(d.db, t.id)!)
    },
  }
}

export function describeProblem(p: TemplateProblem): string {
  const where =
    p.line !== null
      ? ` at ${p.field ? `${p.field} ` : ''}line ${p.line}, column ${p.column}`
      : p.field
        ? ` in the ${p.field}`
        : ''
  return `${p.message}${where}`
}
