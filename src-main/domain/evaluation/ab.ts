import { mean, quantileSorted, randInt, seededRng, stdev, type Interval } from './rng'

// Paired statistics for A/B on frozen inputs (EVALUATION.md §5).

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |error| < 1.5e-7). */
export function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * z)
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z)
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y)
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normInv(p: number): number {
  if (p <= 0 || p >= 1) throw new Error('normInv takes p in (0, 1)')
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const lo = 0.02425
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    )
  }
  if (p > 1 - lo) return -normInv(1 - p)
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  )
}

/** Exact two-sided McNemar test on discordant pairs b (A right, B wrong) and c (A wrong, B right). */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c
  if (n === 0) return 1
  const k = Math.min(b, c)
  let logC = 0
  let tail = 0
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i)
    tail += Math.exp(logC - n * Math.LN2)
  }
  return Math.min(1, 2 * tail)
}

/** Cohen's κ between two raters' labels (same length); null when chance agreement is total. */
export function cohenKappa(a: readonly string[], b: readonly string[]): number | null {
  const pe = expectedAgreement(a, b)
  if (pe === null) return null
  const po = a.filter((x, i) => x === b[i]).length / a.length
  return pe === 1 ? null : (po - pe) / (1 - pe)
}

/** κ's chance agreement: Σ over labels of the product of the two arms' shares; null with no dates. */
export function expectedAgreement(a: readonly string[], b: readonly string[]): number | null {
  if (a.length !== b.length) throw new Error('Both arms need the same dates')
  const n = a.length
  if (n === 0) return null
  const labels = [...new Set([...a, ...b])]
  return labels.reduce((s, l) => s + (a.filter((x) => x === l).length / n) * (b.filter((x) => x === l).length / n), 0)
}

export interface PairedResult {
  meanDiff: number
  interval: Interval
  /** Two-sided bootstrap p-value of "no difference". */
  p: number
}

/**
 * Weekly block bootstrap of the mean paired difference: whole weeks are resampled so serial
 * correlation inside a week stays. `diffs` carry their week key (e.g. the Monday's date).
 */
export function pairedBlockBootstrap(
  diffs: readonly { week: string; d: number }[],
  opts: { resamples?: number; seed?: number } = {},
): PairedResult | null {
  if (diffs.length < 2) return null
  const weeks = new Map<string, number[]>()
  for (const x of diffs) weeks.set(x.week, [...(weeks.get(x.week) ?? []), x.d])
  const blocks = [...weeks.values()]
  if (blocks.length < 2) return null
  const rng = seededRng(opts.seed ?? 1)
  const B = opts.resamples ?? 10_000
  const means = new Float64Array(B)
  for (let r = 0; r < B; r++) {
    let s = 0
    let n = 0
    for (let k = 0; k < blocks.length; k++) {
      const blk = blocks[randInt(rng, blocks.length)]!
      for (const v of blk) s += v
      n += blk.length
    }
    means[r] = s / n
  }
  const sorted = Array.from(means).sort((x, y) => x - y)
  const below = sorted.filter((m) => m <= 0).length / B
  const above = sorted.filter((m) => m >= 0).length / B
  return {
    meanDiff: mean(diffs.map((x) => x.d)),
    interval: { low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) },
    p: Math.min(1, 2 * Math.min(below, above)),
  }
}

const Z_ALPHA = 1.959964
const Z_POWER = 0.841621

/** Minimum detectable mean effect at α = 0.05 two-sided and power 0.8 for n observations of spread sd. */
export function minimumDetectableEffect(sd: number, n: number): number | null {
  return n < 2 || !(sd > 0) ? null : ((Z_ALPHA + Z_POWER) * sd) / Math.sqrt(n)
}

/** Power to detect `effect` with n observations of spread sd (two-sided α = 0.05). */
export function power(effect: number, sd: number, n: number): number {
  if (n < 2 || !(sd > 0)) return 0
  return normCdf((Math.abs(effect) * Math.sqrt(n)) / sd - Z_ALPHA)
}

/** The verdict sentence of a paired comparison: "not enough data" below power 0.8. */
export function verdict(diffs: readonly number[], result: PairedResult | null, metric: string): string {
  const sd = stdev(diffs)
  const mde = minimumDetectableEffect(sd, diffs.length)
  if (diffs.length >= 2 && diffs.every((d) => d === 0))
    return (
      `Not enough data: on all ${diffs.length} paired dates the arms score the same ${metric}, ` +
      `so this sample cannot tell them apart; widen the date range or change one arm.`
    )
  if (!result || mde === null || power(result.meanDiff, sd, diffs.length) < 0.8)
    return (
      `Not enough data: with ${diffs.length} paired dates the smallest difference in ${metric} ` +
      `this sample can detect is ${mde === null ? 'not measurable' : `±${mde.toFixed(3)}`}.`
    )
  const better = result.meanDiff > 0 ? 'A' : 'B'
  return result.p < 0.05
    ? `Arm ${better} is better on ${metric} by ${Math.abs(result.meanDiff).toFixed(3)} ` +
        `(95 % ${result.interval.low.toFixed(3)} to ${result.interval.high.toFixed(3)}, p = ${result.p.toFixed(3)}).`
    : `No significant difference in ${metric} (p = ${result.p.toFixed(3)}).`
}

/** Holm step-down adjusted p-values, in the input order. */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p)
  const out = new Array<number>(ps.length)
  let running = 0
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (ps.length - k) * p))
    out[i] = running
  })
  return out
}

/**
 * Deflated Sharpe ratio (Bailey & López de Prado 2014): the probability that the per-period Sharpe
 * `sr` beats the best of `trials` unskilled variants, given T returns with skew and kurtosis.
 */
export function deflatedSharpe(
  sr: number,
  srVariance: number,
  trials: number,
  T: number,
  skew = 0,
  kurtosis = 3,
): number | null {
  if (T < 2 || trials < 1) return null
  const g = 0.5772156649
  const sr0 =
    trials === 1
      ? 0
      : Math.sqrt(srVariance) * ((1 - g) * normInv(1 - 1 / trials) + g * normInv(1 - 1 / (trials * Math.E)))
  const denom = Math.sqrt(1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr)
  return normCdf(((sr - sr0) * Math.sqrt(T - 1)) / denom)
}
