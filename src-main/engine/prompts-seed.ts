import { randomUUID } from 'node:crypto'
import type { PromptPurpose } from '../contract/prompts-api'
import {
  DEFAULT_COMBINED,
  DEFAULT_CONSOLIDATION,
  DEFAULT_DAILY,
  DEFAULT_SYSTEM,
  DEFAULT_TEXT_SYSTEM,
  DEFAULT_WEEKLY,
} from '../domain/prompts/defaults'
import { checkTemplate, createPromptEngine, templateVariables } from '../domain/prompts/engine'
import type { Db } from '../store/db'
import { findDefaultTemplate, hasGlobalTemplate, insertTemplate } from '../store/prompts-repo'

// The shipped prompts (LLM.md §7–§8), inserted once as global templates. A purpose that already has
// a global template (even an archived one) is left alone, so the seed never undoes the user's work.

export const DEFAULT_TEMPLATES: readonly { purpose: PromptPurpose; name: string; system: string; body: string }[] = [
  { purpose: 'combined', name: 'Combined daily + weekly (default)', system: DEFAULT_SYSTEM, body: DEFAULT_COMBINED },
  { purpose: 'daily', name: 'Daily chart analysis', system: DEFAULT_TEXT_SYSTEM, body: DEFAULT_DAILY },
  { purpose: 'weekly', name: 'Weekly chart analysis', system: DEFAULT_TEXT_SYSTEM, body: DEFAULT_WEEKLY },
  { purpose: 'consolidation', name: 'Consolidation to signal', system: DEFAULT_SYSTEM, body: DEFAULT_CONSOLIDATION },
]

/**
 * Insert the shipped templates that are missing; returns how many were inserted. Each becomes the
 * global default of its purpose when none exists, so the combined one is the global default prompt.
 */
export async function seedDefaultPrompts(db: Db, now: number): Promise<number> {
  const engine = createPromptEngine()
  let inserted = 0
  for (const t of DEFAULT_TEMPLATES) {
    if (hasGlobalTemplate(db, t.purpose)) continue
    const problems = [...(await checkTemplate(engine, t.system)), ...(await checkTemplate(engine, t.body))]
    if (problems.length > 0)
      throw new Error(
        `The shipped "${t.name}" prompt does not pass its own checks: ${problems.map((p) => p.message).join('; ')}`,
      )
    const variables = [
      ...new Set([...(await templateVariables(engine, t.system)), ...(await templateVariables(engine, t.body))]),
    ]
    insertTemplate(db, {
      id: randomUUID(),
      name: t.name,
      purpose: t.purpose,
      scope: 'global',
      strategyId: null,
      isDefault: findDefaultTemplate(db, { scope: 'global', strategyId: null, purpose: t.purpose }) === null,
      at: now,
      version: { id: randomUUID(), system: t.system, body: t.body, variables, note: 'shipped default' },
      actor: 'system',
    })
    inserted++
  }
  return inserted
}
