// Known list prices per million tokens (USD) for OpenAI models, used to freeze each call's cost in
// the ledger (LLM.md §9). Local endpoints cost 0; a model not listed here is "unpriced" (cost
// unknown, never shown as 0).

const PER_MILLION: Record<string, { input: number; output: number }> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
}

/** Cost in micro-dollars, or null when the model has no known price. */
export function costMicros(
  model: string,
  isOpenAI: boolean,
  promptTokens: number,
  completionTokens: number,
): number | null {
  if (!isOpenAI) return 0
  const p = PER_MILLION[model] ?? PER_MILLION[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')]
  if (!p) return null
  return Math.round(promptTokens * p.input + completionTokens * p.output)
}
