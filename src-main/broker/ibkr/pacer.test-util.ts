/** The most of `times` (ms) that fall inside any one window of `windowMs`: what a rate limit counts. */
export function maxInWindow(times: number[], windowMs: number): number {
  let best = 0
  let start = 0
  const sorted = [...times].sort((a, b) => a - b)
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++
    best = Math.max(best, end - start + 1)
  }
  return best
}
