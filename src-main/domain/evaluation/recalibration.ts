// Walk-forward recalibration (EVALUATION.md §4): an isotonic fit (pool-adjacent-violators) of
// "target before stop" on confidence, refitted before each decision on the decisions whose outcome
// was known by then (exit before the decision's date) — past decisions only — and the confidence
// threshold applied to the recalibrated figure, to show what it would have let through.

export interface Block {
  lo: number
  hi: number
  value: number
  n: number
}

/** Isotonic (non-decreasing) least-squares fit of y on p by pool-adjacent-violators. */
export function isotonicFit(points: readonly { p: number; y: number }[]): Block[] {
  const sorted = [...points].sort((a, b) => a.p - b.p)
  const blocks: Block[] = []
  for (const { p, y } of sorted) {
    blocks.push({ lo: p, hi: p, value: y, n: 1 })
    while (blocks.length > 1 && blocks.at(-2)!.value >= blocks.at(-1)!.value) {
      const b = blocks.pop()!
      const a = blocks.pop()!
      blocks.push({ lo: a.lo, hi: b.hi, n: a.n + b.n, value: (a.value * a.n + b.value * b.n) / (a.n + b.n) })
    }
  }
  // Equal values pool too (ties in y between neighbours make one step).
  return blocks
}

/** The fitted probability at p: the block holding p, else the nearest block below (or the first). */
export function isotonicAt(blocks: readonly Block[], p: number): number | null {
  if (blocks.length === 0) return null
  let v = blocks[0]!.value
  for (const b of blocks) if (b.lo <= p) v = b.value
  return v
}

export interface RecalDecision {
  date: string
  confidence: number
  /** Target before stop; null when neither (time exit, unfilled, open). */
  hit: boolean | null
  /** The date the outcome became known (exit date); null when unknown. */
  knownOn: string | null
  r: number | null
}

export interface RecalResult {
  threshold: number
  /** Decisions with at least `minHistory` known outcomes before them (the rest are not judged). */
  judged: number
  /** Judged decisions whose recalibrated confidence still reaches the threshold, and their mean R. */
  passed: { n: number; meanR: number | null }
  /** Judged decisions the recalibrated threshold would have blocked, and their mean R. */
  blocked: { n: number; meanR: number | null }
  /** Raw confidence reaching the threshold among the judged, for comparison. */
  rawPassed: number
  /** Recalibrated confidence per judged decision, in date order (for the report's table). */
  points: { date: string; raw: number; recalibrated: number }[]
}

const meanOf = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null)

export function walkForwardRecalibration(
  decisions: readonly RecalDecision[],
  threshold: number,
  minHistory = 20,
): RecalResult {
  const ordered = [...decisions].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  const known = ordered.filter((d) => d.hit !== null && d.knownOn !== null)
  const points: RecalResult['points'] = []
  const passedR: number[] = []
  const blockedR: number[] = []
  let rawPassed = 0
  let passedN = 0
  let blockedN = 0
  for (const d of ordered) {
    const past = known.filter((k) => k.knownOn! < d.date)
    if (past.length < minHistory) continue
    const fit = isotonicFit(past.map((k) => ({ p: k.confidence, y: k.hit ? 1 : 0 })))
    const q = isotonicAt(fit, d.confidence)!
    points.push({ date: d.date, raw: d.confidence, recalibrated: q })
    if (d.confidence >= threshold) rawPassed++
    if (q >= threshold) {
      passedN++
      if (d.r !== null) passedR.push(d.r)
    } else {
      blockedN++
      if (d.r !== null) blockedR.push(d.r)
    }
  }
  return {
    threshold,
    judged: points.length,
    passed: { n: passedN, meanR: meanOf(passedR) },
    blocked: { n: blockedN, meanR: meanOf(blockedR) },
    rawPassed,
    points,
  }
}
