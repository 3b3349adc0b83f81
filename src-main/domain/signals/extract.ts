// JSON out of a model's text (LLM.md §4): drop <think> blocks, prefer a ```json fence, then any
// fence, then the whole text; take the first balanced {…}, ignoring braces inside strings.

export type Extracted = { ok: true; value: unknown } | { ok: false; reason: 'no_json' | 'unparseable' }

export function extractJson(text: string): Extracted {
  const noThink = text.replace(/<think>[\s\S]*?<\/think>/gi, '')
  const fenced = /```json\s*([\s\S]*?)```/i.exec(noThink) ?? /```[a-z]*\s*([\s\S]*?)```/i.exec(noThink)
  const body = fenced ? fenced[1]! : noThink
  const object = firstBalancedObject(body)
  if (object === null) return { ok: false, reason: 'no_json' }
  try {
    return { ok: true, value: JSON.parse(object) as unknown }
  } catch {
    return { ok: false, reason: 'unparseable' }
  }
}

function firstBalancedObject(s: string): string | null {
  const start = s.indexOf('{')
  if (start < 0) return null
  let depth = 0
  let inString = false
  let escaped = false
  for (let i = start; i < s.length; i++) {
    const ch = s[i]
    if (inString) {
      if (escaped) escaped = false
      else if (ch === '\\') escaped = true
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    else if (ch === '{') depth++
    else if (ch === '}' && --depth === 0) return s.slice(start, i + 1)
  }
  return null
}
