import type OpenAI from 'openai'
import type { SignalDraft } from '../contract/signals'
import type { StrategyInput } from '../contract/strategies'
import { RULES_PROVIDER, rulesAnalyst, type RulesRequest } from '../domain/signals'
import {
  callForSignal,
  createLlmClient,
  type Capability,
  type LlmAttempt,
  type LlmEndpoint,
  type ReviewReason,
  type SignalPrompt,
} from '../llm/openai-provider'
import { costMicros } from '../llm/prices'

// Which analyst a run asks (F10): the OpenAI-compatible provider when a key or an endpoint is
// configured (or the strategy names it), else the offline rules analyst, labelled as not an LLM.

export interface AnalystConfig {
  apiKey: string | null
  baseUrl: string | null
  model: string
}

export type AnalystChoice =
  | { provider: 'rules'; model: string; label: string }
  | { provider: 'openai'; model: string; label: string; endpoint: LlmEndpoint }

export function chooseAnalyst(strategy: Pick<StrategyInput, 'provider' | 'model'>, cfg: AnalystConfig): AnalystChoice {
  const configured = cfg.apiKey !== null || cfg.baseUrl !== null
  const wantsLlm = strategy.provider === 'openai' || (strategy.provider === 'auto' && configured)
  if (!wantsLlm) return { provider: 'rules', model: RULES_PROVIDER.model, label: RULES_PROVIDER.label }
  if (!configured)
    throw new Error(
      'This strategy asks an OpenAI-compatible model, but no API key or base URL is set. Set one ' +
        'in Settings (or OPENAI_API_KEY), or switch the strategy to the rules analyst.',
    )
  const model = strategy.model ?? cfg.model
  const isOpenAI = cfg.baseUrl === null || /(^|\.)openai\.com$/.test(new URL(cfg.baseUrl).hostname)
  return {
    provider: 'openai',
    model,
    label: isOpenAI ? `OpenAI ${model}` : `${new URL(cfg.baseUrl!).host} ${model}`,
    endpoint: { baseURL: cfg.baseUrl, apiKey: cfg.apiKey ?? 'not-needed', model, isOpenAI },
  }
}

export interface UsageEntry {
  purpose: LlmAttempt['purpose']
  promptTokens: number
  completionTokens: number
  costMicros: number
  priced: boolean
  latencyMs: number
  ok: boolean
  detail: {
    mode: string
    images: number
    finishReason: string | null
    httpStatus: number | null
    error: string | null
    tokensReported: boolean
  }
}

export interface AnalystAnswer {
  outcome: 'draft' | 'review'
  /** The parsed answer for the validator, or null on a review outcome. */
  value: unknown
  reviewReason: ReviewReason | null
  detail: string | null
  /** The model's last raw text (for rules: the draft it built, as JSON). */
  rawText: string
  attempts: LlmAttempt[]
  usage: UsageEntry[]
  capability: Capability | null
}

export async function askRules(req: RulesRequest): Promise<AnalystAnswer> {
  const draft: SignalDraft = rulesAnalyst(req)
  return {
    outcome: 'draft',
    value: draft,
    reviewReason: null,
    detail: null,
    rawText: JSON.stringify(draft, null, 2),
    attempts: [],
    usage: [],
    capability: null,
  }
}

const clients = new Map<string, OpenAI>()

export async function askLlm(
  choice: Extract<AnalystChoice, { provider: 'openai' }>,
  capability: Capability,
  prompt: SignalPrompt,
  now: () => number,
): Promise<AnalystAnswer> {
  const key = `${choice.endpoint.baseURL ?? 'openai'}|${choice.endpoint.apiKey}`
  let client = clients.get(key)
  if (!client) clients.set(key, (client = createLlmClient(choice.endpoint)))
  const r = await callForSignal(client, choice.endpoint, capability, prompt, { now })
  const usage = r.attempts.map((a): UsageEntry => {
    const cost = costMicros(choice.model, choice.endpoint.isOpenAI, a.promptTokens ?? 0, a.completionTokens ?? 0)
    return {
      purpose: a.purpose,
      promptTokens: a.promptTokens ?? 0,
      completionTokens: a.completionTokens ?? 0,
      costMicros: cost ?? 0,
      priced: cost !== null,
      latencyMs: Math.round(a.latencyMs),
      ok: a.error === null,
      detail: {
        mode: a.mode,
        images: a.images,
        finishReason: a.finishReason,
        httpStatus: a.httpStatus,
        error: a.error,
        tokensReported: a.promptTokens !== null,
      },
    }
  })
  const rawText = [...r.attempts].reverse().find((a) => a.rawText !== null)?.rawText ?? ''
  return r.outcome === 'draft'
    ? {
        outcome: 'draft',
        value: r.value,
        reviewReason: null,
        detail: null,
        rawText,
        attempts: r.attempts,
        usage,
        capability: r.capability,
      }
    : {
        outcome: 'review',
        value: null,
        reviewReason: r.reason,
        detail: r.detail,
        rawText,
        attempts: r.attempts,
        usage,
        capability: r.capability,
      }
}

export interface CapabilityCache {
  get(key: string): Capability | null
  set(key: string, c: Capability): void
}

/** Ask the model, starting from what this endpoint and model are known to support, and remember any step-down. */
export async function askModel(
  choice: Extract<AnalystChoice, { provider: 'openai' }>,
  prompt: SignalPrompt,
  capabilities: CapabilityCache,
  now: () => number,
): Promise<AnalystAnswer> {
  const key = `${choice.endpoint.baseURL ?? 'openai'}|${choice.model}`
  const start = capabilities.get(key) ?? { structured: 'json_schema', vision: true }
  const answer = await askLlm(choice, start, prompt, now)
  if (
    answer.capability &&
    (answer.capability.structured !== start.structured || answer.capability.vision !== start.vision)
  )
    capabilities.set(key, answer.capability)
  return answer
}

/**
 * Why the model may not be called under the strategy's daily LLM budget, or null when it may: the
 * budget is spent, or the model has no known price (its cost could not be counted, and is never
 * taken as $0). Local endpoints cost nothing.
 */
export function budgetRefusal(analyst: AnalystChoice, budgetUsd: number | null, spentMicros: number): string | null {
  if (analyst.provider !== 'openai' || budgetUsd === null) return null
  if (costMicros(analyst.model, analyst.endpoint.isOpenAI, 1, 1) === null)
    return (
      `${analyst.model} has no known price, so the daily LLM budget of $${budgetUsd.toFixed(2)} cannot be kept; ` +
      'the model was not called. Pick a priced model or remove the budget.'
    )
  if (spentMicros >= budgetUsd * 1e6)
    return (
      `Daily LLM budget of $${budgetUsd.toFixed(2)} is spent ($${(spentMicros / 1e6).toFixed(2)} in the last 24 h); ` +
      'the model was not called.'
    )
  return null
}
