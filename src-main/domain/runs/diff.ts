import type { Difference } from '../../contract/steps'

// A structural diff of two recorded JSON values (F19 replay): every path where they differ, in
// document order, capped so a wholly different answer stays readable.

export type { Difference }

export function jsonDiff(before: unknown, after: unknown, limit = 200): Difference[] {
  const out: Difference[] = []
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= limit) return
    if (Object.is(a, b)) return
    const objA = a !== null && typeof a === 'object'
    const objB = b !== null && typeof b === 'object'
    if (objA && objB && Array.isArray(a) === Array.isArray(b)) {
      const keys = Array.isArray(a)
        ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i))
        : [...new Set([...Object.keys(a), ...Object.keys(b as object)])]
      for (const k of keys)
        walk(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
        )
      return
    }
    out.push({ path: path || '(root)', before: a, after: b })
  }
  walk(before, after, '')
  return out
}
