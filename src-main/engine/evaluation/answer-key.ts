import { createHash } from 'node:crypto'
import type { AnalystChoice, askRules } from '../analyst'

// The answer cache's key (EVALUATION.md §8): a hash of everything that reaches the analyst. A model reads the
// rendered prompt and the images; the rules analyst reads its request (the bars, by their fingerprint,
// the symbol, date and limits).

/** Bumped when the set of what the key covers changes. */
export const ANSWER_SCHEMA_VERSION = 1

const sha = (s: string) => createHash('sha256').update(s).digest('hex')

export function answerKey(k: {
  choice: AnalystChoice
  /** sha256 of `${system}\n${user}`. */
  promptSha: string
  rules: Parameters<typeof askRules>[0]
  /** The bars by value (fingerprint.ts). */
  barsPrint: string
  t: string
  imageShas: readonly string[]
  /** Repeat call k for the noise floor: its own key. */
  repeat?: number
}): string {
  const ch = k.choice
  return sha(
    JSON.stringify({
      v: ANSWER_SCHEMA_VERSION,
      provider: ch.provider,
      model: ch.model,
      endpoint: ch.provider === 'openai' ? (ch.endpoint.baseURL ?? 'openai') : null,
      prompt: ch.provider === 'rules' ? sha(JSON.stringify({ ...k.rules, bars: k.barsPrint })) + k.t : k.promptSha,
      images: k.imageShas,
      temperature: 0,
      seed: null,
      ...(k.repeat ? { repeat: k.repeat } : {}),
    }),
  )
}
