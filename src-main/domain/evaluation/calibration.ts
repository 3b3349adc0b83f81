import { bootstrapInterval, mean, type Interval } from './rng'
import type { CalibrationPoint } from './metrics'

// Calibration of stated confidence (EVALUATION.md §4) against "target before stop".

/** Wilson score interval (95 %) for k successes out of n; null for n = 0. */
export function wilson(k: number, n: number, z = 1.959964): Interval | null {
  if (n === 0) return null
  const p = k / n
  const d = 1 + (z * z) / n
  const c = (p + (z * z) / (2 * n)) / d
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d
  return { low: c - h, high: c + h }
}

export interface Bin {
  lo: number
  hi: number
  n: number
  meanP: number
  hitRate: number
  interval: Interval | null
}

/** Quantile bins by confidence: 5 bins under 200 points, else 10. Ties stay in one bin. */
export function reliabilityBins(pts: readonly CalibrationPoint[]): Bin[] {
  if (pts.length === 0) return []
  const sorted = [...pts].sort((a, b) => a.p - b.p)
  const k = Math.min(pts.length < 200 ? 5 : 10, sorted.length)
  const bins: CalibrationPoint[][] = []
  let start = 0
  for (let b = 0; b < k; b++) {
    let end = b === k - 1 ? sorted.length : Math.round(((b + 1) * sorted.length) / k)
    while (end < sorted.length && end > 0 && sorted[end]!.p === sorted[end - 1]!.p) end++
    if (end > start) bins.push(sorted.slice(start, end))
    start = end
    if (start >= sorted.length) break
  }
  return bins.map((xs) => {
    const hits = xs.filter((x) => x.hit).length
    return {
      lo: xs[0]!.p,
      hi: xs.at(-1)!.p,
      n: xs.length,
      meanP: mean(xs.map((x) => x.p)),
      hitRate: hits / xs.length,
      interval: wilson(hits, xs.length),
    }
  })
}

/** Expected calibration error over the quantile bins (weighted |hit rate − mean confidence|). */
export function ece(pts: readonly CalibrationPoint[]): number | null {
  if (pts.length === 0) return null
  return reliabilityBins(pts).reduce((s, b) => s + (b.n / pts.length) * Math.abs(b.hitRate - b.meanP), 0)
}

/** Murphy's decomposition over the bins: Brier ≈ reliability − resolution + uncertainty. */
export function brierDecomposition(
  pts: readonly CalibrationPoint[],
): { reliability: number; resolution: number; uncertainty: number; skill: number | null } | null {
  if (pts.length === 0) return null
  const base = pts.filter((x) => x.hit).length / pts.length
  let rel = 0
  let res = 0
  for (const b of reliabilityBins(pts)) {
    rel += (b.n / pts.length) * (b.meanP - b.hitRate) ** 2
    res += (b.n / pts.length) * (b.hitRate - base) ** 2
  }
  const unc = base * (1 - base)
  const bs = mean(pts.map((x) => (x.p - (x.hit ? 1 : 0)) ** 2))
  return { reliability: rel, resolution: res, uncertainty: unc, skill: unc > 0 ? 1 - bs / unc : null }
}

/** AUROC of confidence for hits vs misses (Mann–Whitney, ties count half); null without both. */
export function auroc(pts: readonly CalibrationPoint[]): number | null {
  const pos = pts.filter((x) => x.hit).map((x) => x.p)
  const neg = pts.filter((x) => !x.hit).map((x) => x.p)
  if (pos.length === 0 || neg.length === 0) return null
  const all = [...pts].map((x) => x.p).sort((a, b) => a - b)
  // Average ranks.
  const rank = new Map<number, number>()
  for (let i = 0; i < all.length;) {
    let j = i
    while (j < all.length && all[j] === all[i]) j++
    rank.set(all[i]!, (i + j + 1) / 2)
    i = j
  }
  const rPos = pos.reduce((s, p) => s + rank.get(p)!, 0)
  return (rPos - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length)
}

/** Point-biserial correlation of confidence with being right; null without variation. */
export function pointBiserial(pts: readonly CalibrationPoint[]): number | null {
  if (pts.length < 3) return null
  const xs = pts.map((x) => x.p)
  const ys = pts.map((x) => (x.hit ? 1 : 0))
  const mx = mean(xs)
  const my = mean(ys)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my)
    sxx += (xs[i]! - mx) ** 2
    syy += (ys[i]! - my) ** 2
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null
}

export interface CalibrationReport {
  n: number
  bins: Bin[]
  brier: number | null
  decomposition: ReturnType<typeof brierDecomposition>
  ece: number | null
  eceInterval: Interval | null
  auroc: number | null
  pointBiserial: number | null
}

export function calibrationReport(pts: readonly CalibrationPoint[], seed = 1): CalibrationReport {
  return {
    n: pts.length,
    bins: reliabilityBins(pts),
    brier: pts.length ? mean(pts.map((x) => (x.p - (x.hit ? 1 : 0)) ** 2)) : null,
    decomposition: brierDecomposition(pts),
    ece: ece(pts),
    eceInterval: bootstrapInterval(pts, ece, { seed, resamples: 500, minN: 10 }),
    auroc: auroc(pts),
    pointBiserial: pointBiserial(pts),
  }
}
