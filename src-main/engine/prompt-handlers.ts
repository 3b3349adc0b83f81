import type { z } from 'zod'
import { promptMethods } from '../contract/prompts-api'
import type { PromptService } from './prompts'

type PromptMethods = typeof promptMethods
export type PromptMethod = keyof PromptMethods
export type PromptHandlers = {
  [M in PromptMethod]: (
    input: z.output<PromptMethods[M]['input']>,
  ) => Promise<z.output<PromptMethods[M]['output']>> | z.output<PromptMethods[M]['output']>
}

/** The prompt manager's RPC methods, each delegating to the service. */
export function createPromptHandlers(s: PromptService): PromptHandlers {
  return {
    'prompts.list': ({ includeArchived }) => s.list({ includeArchived }),
    'prompts.history': ({ templateId }) => s.history(templateId),
    'prompts.save': (input) => s.save(input),
    'prompts.preview': (input) => s.preview(input),
    'prompts.setDefault': ({ templateId }) => s.setDefault(templateId),
    'prompts.archive': ({ templateId }) => s.archive(templateId),
    'prompts.restore': ({ versionId, note }) => s.restore(versionId, note),
    'prompts.test': (input) => s.test(input),
    'prompts.variables': () => s.variables(),
  }
}

export const PROMPT_METHODS = Object.keys(promptMethods) as PromptMethod[]
