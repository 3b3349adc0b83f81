// Seeded randomness for every resample and baseline in the lab (EVALUATION.md: seeded RNG everywhere).

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence on every machine. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [0, n). */
export function randInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n)
}

export function mean(xs: readonly number[]): number {
  let s = 0
  for (const x of xs) s += x
  return s / xs.length
}

/** Sample standard deviation (n − 1). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return NaN
  const m = mean(xs)
  let s = 0
  for (const x of xs) s += (x - m) ** 2
  return Math.sqrt(s / (xs.length - 1))
}

/** The q-quantile (0..1) of sorted values, linear interpolation (type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

export interface Interval {
  low: number
  high: number
}

/**
 * Percentile bootstrap 95 % interval of `stat` over `xs` (i.i.d. resampling); null below `minN`
 * observations or when the statistic is undefined on the resamples.
 */
export function bootstrapInterval<T>(
  xs: readonly T[],
  stat: (sample: readonly T[]) => number | null,
  opts: { resamples?: number; seed?: number; minN?: number } = {},
): Interval | null {
  const n = xs.length
  if (n < (opts.minN ?? 5)) return null
  const rng = seededRng(opts.seed ?? 1)
  const out: number[] = []
  const sample: T[] = new Array(n)
  for (let b = 0; b < (opts.resamples ?? 2000); b++) {
    for (let i = 0; i < n; i++) sample[i] = xs[randInt(rng, n)]!
    const v = stat(sample)
    if (v !== null && Number.isFinite(v)) out.push(v)
  }
  if (out.length < 10) return null
  out.sort((a, b) => a - b)
  return { low: quantileSorted(out, 0.025), high: quantileSorted(out, 0.975) }
}
