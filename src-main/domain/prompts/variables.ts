import type { PromptVariable } from '../../contract/prompts-api'

// "Did you mean" for unknown template variables. The variable list itself is derived from
// PromptContext in the contract (promptVariables), so the renderer can share it.
export { promptVariables } from '../../contract/prompts-api'

/** The contract path closest to an unknown one (edit distance), for "did you mean"; null when nothing is close. */
export function closestVariable(unknown: string, vars: readonly PromptVariable[]): string | null {
  const candidates = vars.map((v) => v.path.replace(/\[\]/g, '.first'))
  let best: string | null = null
  let bestDistance = Infinity
  for (const c of candidates) {
    const dist = distance(unknown, c)
    if (dist < bestDistance) {
      best = c
      bestDistance = dist
    }
  }
  return best !== null && bestDistance <= Math.max(3, Math.floor(unknown.length / 3)) ? best : null
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]!
}
