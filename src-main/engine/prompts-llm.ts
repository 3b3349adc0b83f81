import { createLlmClient, type LlmEndpoint } from '../llm/openai-provider'
import { RpcError } from '../rpc/errors'
import type { PromptLlm } from './prompts'

// The prompt manager's "Test" call: the rendered prompt as one plain Chat Completions request to the
// configured endpoint (LLM.md §2), read from the settings at call time so a changed key or model
// applies at once. No structured output and no images: the test shows what the model answers.

export interface PromptTestLlmDeps {
  /** The effective settings: base URL (null = OpenAI) and model. */
  endpoint: () => { llmBaseUrl: string | null; llmModel: string }
  /** The API key for this base URL: environment first, then the keychain; null when none belongs to it. */
  apiKey: (baseUrl: string | null) => Promise<string | null>
  now?: () => number
  maxTokens?: number
}

export function createPromptTestLlm(deps: PromptTestLlmDeps): PromptLlm {
  const now = deps.now ?? Date.now
  return async ({ system, user }) => {
    const { llmBaseUrl, llmModel } = deps.endpoint()
    const key = await deps.apiKey(llmBaseUrl)
    if (key === null && llmBaseUrl === null) {
      throw new RpcError(
        'UNAVAILABLE',
        'No language model is configured: set an OpenAI API key (Settings → Language model, or ' +
          'OPENAI_API_KEY), or a local server’s base URL, then test again.',
      )
    }
    // Local servers (Ollama, LM Studio, vLLM, llama-server) ignore the key, but the SDK needs one.
    const endpoint: LlmEndpoint = {
      baseURL: llmBaseUrl,
      apiKey: key ?? 'unused-by-local-server',
      model: llmModel,
      isOpenAI: llmBaseUrl === null,
    }
    const client = createLlmClient(endpoint)
    const t0 = now()
    const res = await client.chat.completions.create({
      model: llmModel,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
      temperature: 0.1,
      max_tokens: deps.maxTokens ?? 1200,
    })
    const choice = res.choices[0]
    const text = choice?.message?.content ?? choice?.message?.refusal ?? ''
    if (text === '')
      throw new RpcError(
        'UNAVAILABLE',
        `The model answered with no text (finish reason: ${choice?.finish_reason ?? 'none'}). Try ` +
          `again, or pick another model in Settings.`,
      )
    return { text, model: res.model || llmModel, latencyMs: now() - t0 }
  }
}
