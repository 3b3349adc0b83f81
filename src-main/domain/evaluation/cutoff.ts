// Knowledge cutoff per model (EVALUATION.md §7): results before it may be memorised. A shipped table;
// the report headlines only the part after the cutoff. Unknown models have no cutoff (shown as such).

export const KNOWLEDGE_CUTOFF: Readonly<Record<string, string>> = {
  'gpt-4o': '2023-10-01',
  'gpt-4o-mini': '2023-10-01',
  'gpt-4.1': '2024-06-01',
  'gpt-4.1-mini': '2024-06-01',
  'gpt-4.1-nano': '2024-06-01',
  'gpt-5': '2024-09-30',
  'gpt-5-mini': '2024-05-31',
}

export function cutoffOf(model: string): string | null {
  return KNOWLEDGE_CUTOFF[model] ?? KNOWLEDGE_CUTOFF[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')] ?? null
}
