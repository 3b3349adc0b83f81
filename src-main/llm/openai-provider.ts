import OpenAI from 'openai'
import { zodResponseFormat } from 'openai/helpers/zod'
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'
import { SignalDraft } from '../contract/signals'
import { extractJson } from '../domain/signals/extract'
import { normaliseDraft } from '../domain/signals/normalise'

// The OpenAI-compatible signal call (LLM.md §2–§4): Chat Completions through the openai SDK,
// charts as base64 data URLs, structured output stepping down json_schema → json_object → text on
// the server's own 400, one repair re-ask, one length retry, and REVIEW for everything else.
// Never a default signal: a failure is a review reason with every attempt recorded.

export type StructuredMode = 'json_schema' | 'json_object' | 'text'

export interface Capability {
  structured: StructuredMode
  vision: boolean
}

export interface SignalPrompt {
  system: string
  user: string
  /** PNG chart images, in order (daily, weekly). */
  images: Buffer[]
}

export interface LlmAttempt {
  purpose: 'signal' | 'step_down' | 'text_only' | 'length_retry' | 'repair'
  mode: StructuredMode
  images: number
  httpStatus: number | null
  finishReason: string | null
  promptTokens: number | null
  completionTokens: number | null
  latencyMs: number
  rawText: string | null
  error: string | null
}

export type ReviewReason = 'unparseable' | 'schema_invalid' | 'truncated' | 'refused' | 'provider_error'

export type SignalCallResult = (
  { outcome: 'draft'; value: unknown } | { outcome: 'review'; reason: ReviewReason; detail: string }
) & {
  attempts: LlmAttempt[]
  /** The capability that worked (stepped down when the server refused a richer mode); persist it. */
  capability: Capability
}

export interface LlmEndpoint {
  baseURL: string | null
  apiKey: string
  model: string
  /** OpenAI proper (vs a local server): longer timeout, more retries, `detail: 'high'` on images. */
  isOpenAI: boolean
}

export function createLlmClient(e: LlmEndpoint): OpenAI {
  return new OpenAI({
    apiKey: e.apiKey,
    baseURL: e.baseURL ?? undefined,
    timeout: e.isOpenAI ? 90_000 : 300_000,
    maxRetries: e.isOpenAI ? 2 : 1,
  })
}

const NEXT_MODE: Record<StructuredMode, StructuredMode | null> = {
  json_schema: 'json_object',
  json_object: 'text',
  text: null,
}
const EXAMPLE = JSON.stringify({
  schema_version: '1',
  symbol: 'AAPL',
  as_of: '2026-11-20',
  timeframes: '1D+1W',
  action: 'HOLD',
  confidence: 0.5,
  trend: 'neutral',
  entry_type: null,
  entry: null,
  entry_zone: null,
  stop_loss: null,
  targets: [],
  time_horizon_days: null,
  invalidation: 'n/a',
  key_levels: { support: [], resistance: [] },
  evidence: [],
  risks: [],
  reasoning: 'Mixed evidence.',
})

export async function callForSignal(
  client: OpenAI,
  endpoint: LlmEndpoint,
  start: Capability,
  prompt: SignalPrompt,
  opts: { signal?: AbortSignal; maxTokens?: number; now?: () => number } = {},
): Promise<SignalCallResult> {
  const now = opts.now ?? Date.now
  const attempts: LlmAttempt[] = []
  let cap = { ...start }
  let maxTokens = opts.maxTokens ?? 1200
  let purpose: LlmAttempt['purpose'] = 'signal'
  let lengthRetried = false
  let repaired = false
  const history: ChatCompletionMessageParam[] = []

  for (let guard = 0; guard < 8; guard++) {
    const messages = history.length > 0 ? history : buildMessages(prompt, cap, endpoint)
    const t0 = now()
    const attempt: LlmAttempt = {
      purpose,
      mode: cap.structured,
      images: cap.vision ? prompt.images.length : 0,
      httpStatus: null,
      finishReason: null,
      promptTokens: null,
      completionTokens: null,
      latencyMs: 0,
      rawText: null,
      error: null,
    }
    attempts.push(attempt)
    let res: OpenAI.Chat.Completions.ChatCompletion
    try {
      res = await client.chat.completions.create(params(endpoint.model, messages, cap.structured, maxTokens), {
        signal: opts.signal,
      })
      attempt.httpStatus = 200
    } catch (e) {
      attempt.latencyMs = now() - t0
      const status = e instanceof OpenAI.APIError ? (e.status ?? null) : null
      const message = e instanceof Error ? e.message : String(e)
      attempt.httpStatus = status
      attempt.error = message
      if (
        status === 400 &&
        /response_format|json_schema|json_object|structured/i.test(message) &&
        NEXT_MODE[cap.structured]
      ) {
        cap = { ...cap, structured: NEXT_MODE[cap.structured]! }
        purpose = 'step_down'
        continue
      }
      if (status === 400 && /image|vision|multimodal/i.test(message) && cap.vision) {
        cap = { ...cap, vision: false }
        purpose = 'text_only'
        continue
      }
      return { outcome: 'review', reason: 'provider_error', detail: message, attempts, capability: cap }
    }
    attempt.latencyMs = now() - t0
    const choice = res.choices[0]
    attempt.finishReason = choice?.finish_reason ?? null
    attempt.promptTokens = res.usage?.prompt_tokens ?? null
    attempt.completionTokens = res.usage?.completion_tokens ?? null
    const text = choice?.message?.content ?? null
    attempt.rawText = text
    if (!choice || choice.message?.refusal || choice.finish_reason === 'content_filter') {
      return {
        outcome: 'review',
        reason: 'refused',
        detail: choice?.message?.refusal ?? 'The model refused or the content filter stopped it',
        attempts,
        capability: cap,
      }
    }
    if (choice.finish_reason === 'length') {
      if (lengthRetried)
        return {
          outcome: 'review',
          reason: 'truncated',
          detail: `The answer was cut off twice (max_tokens ${maxTokens})`,
          attempts,
          capability: cap,
        }
      lengthRetried = true
      maxTokens *= 2
      purpose = 'length_retry'
      continue
    }
    const problem = problemWith(text ?? '')
    if (problem === null) return { outcome: 'draft', value: extracted(text ?? ''), attempts, capability: cap }
    if (repaired)
      return { outcome: 'review', reason: problem.reason, detail: problem.detail, attempts, capability: cap }
    repaired = true
    purpose = 'repair'
    history.splice(
      0,
      history.length,
      ...messages,
      { role: 'assistant', content: text ?? '' },
      { role: 'user', content: `Your previous output was invalid: ${problem.detail}. Return only the JSON object.` },
    )
  }
  return { outcome: 'review', reason: 'provider_error', detail: 'Too many attempts', attempts, capability: cap }
}

function params(
  model: string,
  messages: ChatCompletionMessageParam[],
  mode: StructuredMode,
  maxTokens: number,
): ChatCompletionCreateParamsNonStreaming {
  const base = { model, messages, temperature: 0.1, max_tokens: maxTokens }
  if (mode === 'json_schema') return { ...base, response_format: zodResponseFormat(SignalDraft, 'trading_signal') }
  if (mode === 'json_object') return { ...base, response_format: { type: 'json_object' } }
  return base
}

function buildMessages(prompt: SignalPrompt, cap: Capability, endpoint: LlmEndpoint): ChatCompletionMessageParam[] {
  const system =
    cap.structured === 'text'
      ? `${prompt.system}\n\nAnswer with one JSON object only, with exactly these keys, like this example:\n${EXAMPLE}`
      : prompt.system
  const content: ChatCompletionContentPart[] = [{ type: 'text', text: prompt.user }]
  if (cap.vision) {
    for (const png of prompt.images) {
      content.push({
        type: 'image_url',
        image_url: {
          url: `data:image/png;base64,${png.toString('base64')}`,
          ...(endpoint.isOpenAI ? { detail: 'high' as const } : {}),
        },
      })
    }
  }
  return [
    { role: 'system', content: system },
    { role: 'user', content },
  ]
}

function extracted(text: string): unknown {
  const x = extractJson(text)
  return x.ok ? x.value : null
}

function problemWith(text: string): { reason: ReviewReason; detail: string } | null {
  const x = extractJson(text)
  if (!x.ok)
    return {
      reason: 'unparseable',
      detail: x.reason === 'no_json' ? 'no JSON object found' : 'the JSON does not parse',
    }
  const parsed = SignalDraft.safeParse(normaliseDraft(x.value).value)
  if (parsed.success) return null
  return {
    reason: 'schema_invalid',
    detail: parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; '),
  }
}
