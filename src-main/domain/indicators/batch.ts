import type { IndicatorSpec } from '../../contract/indicators'
import { WilderAvg } from './adx'
import { atr, columnsOf, ema, macd, obv, rsi, sma, windowSums } from './batch-library'
import type { Columns, Num, SeriesSet } from './batch-library'

export { columnsOf, type Columns, type SeriesSet }

// The batch path of `computeIndicators`: whole series at once over typed columns, for the types a
// run's analysis uses: trading-signals' (batch-library.ts) and ours below (Bollinger, SuperTrend,
// Stochastic, ADX), each our streaming class's arithmetic in the same order, so every value is the
// same double (engine.test.ts and runs/analysis.golden.test.ts hold them to it). WMA, CCI and VWAP
// have no batch path: they stream.

// Local, not imported: these run per value, and a call through a module binding costs more than
// the work under tsx's CommonJS output (the benches and the lab's bench run that way).
const finite = (v: number): Num => (Number.isFinite(v) ? v : null)
const series = (n: number): Num[] => new Array<Num>(n).fill(null)

/** EMA outputs stay hidden for 3 × period bars (engine.ts, LLM.md §10). */
const emaWarmup = (period: number) => 3 * period

/** The series of `spec` over `cols`, or null for a type without a batch path (it streams). */
export function batchSeries(spec: IndicatorSpec, cols: Columns): SeriesSet | null {
  switch (spec.type) {
    case 'sma':
      return [sma(cols, spec.params.period)]
    case 'ema': {
      const out = ema(cols.c, spec.params.period)
      const warm = emaWarmup(spec.params.period)
      for (let i = 0; i < Math.min(warm - 1, cols.n); i++) out[i] = null
      return [out]
    }
    case 'macd':
      return macd(cols.c, spec.params.fast, spec.params.slow, spec.params.signal)
    case 'rsi':
      return [rsi(cols.c, spec.params.period)]
    case 'atr':
      return [atr(cols, spec.params.period).map((x) => (x === null ? null : finite(x)))]
    case 'obv':
      return [obv(cols)]
    case 'bb':
      return bollinger(cols, spec.params.period, spec.params.stdDev)
    case 'supertrend':
      return supertrend(cols, spec.params.atrPeriod, spec.params.multiplier)
    case 'stoch':
      return stochastic(cols, spec.params.kPeriod, spec.params.kSlowing, spec.params.dPeriod)
    case 'adx':
      return adx(cols, spec.params.period)
    default:
      return null
  }
}

/** Our Bollinger (bollinger.ts): SMA middle, population standard deviation. */
function bollinger(cols: Columns, p: number, k: number): SeriesSet {
  const { c, n } = cols
  const upper = series(n)
  const middle = series(n)
  const lower = series(n)
  const sums = windowSums(cols, p)
  const mids = new Float64Array(n)
  for (let i = p - 1; i < n; i++) mids[i] = sums[i]! / p
  // The squared deviations, four windows side by side like the sums.
  const sqs = new Float64Array(n)
  let i = p - 1
  for (; i + 3 < n; i += 4) {
    const m0 = mids[i]!
    const m1 = mids[i + 1]!
    const m2 = mids[i + 2]!
    const m3 = mids[i + 3]!
    let q0 = 0
    let q1 = 0
    let q2 = 0
    let q3 = 0
    for (let j = i - p + 1; j <= i; j++) {
      q0 += (c[j]! - m0) ** 2
      q1 += (c[j + 1]! - m1) ** 2
      q2 += (c[j + 2]! - m2) ** 2
      q3 += (c[j + 3]! - m3) ** 2
    }
    sqs[i] = q0
    sqs[i + 1] = q1
    sqs[i + 2] = q2
    sqs[i + 3] = q3
  }
  for (; i < n; i++) {
    const mid = mids[i]!
    let sq = 0
    for (let j = i - p + 1; j <= i; j++) sq += (c[j]! - mid) ** 2
    sqs[i] = sq
  }
  for (let i = p - 1; i < n; i++) {
    const mid = mids[i]!
    const width = k * Math.sqrt(sqs[i]! / p)
    upper[i] = finite(mid + width)
    middle[i] = finite(mid)
    lower[i] = finite(mid - width)
  }
  return [upper, middle, lower]
}

/** Our SuperTrend (supertrend.ts) on trading-signals' ATR. */
function supertrend(cols: Columns, atrPeriod: number, multiplier: number): SeriesSet {
  const { h, l, c } = cols
  const value = series(cols.n)
  const direction = series(cols.n)
  const a = atr(cols, atrPeriod)
  let has = false
  let upperBand = 0
  let lowerBand = 0
  let dir: 1 | -1 = 1
  let close = 0
  for (let i = 0; i < cols.n; i++) {
    const x = a[i]!
    if (x === null) {
      has = false
      continue
    }
    const mid = (h[i]! + l[i]!) / 2
    const basicUpper = mid + multiplier * x
    const basicLower = mid - multiplier * x
    if (!has) {
      upperBand = basicUpper
      lowerBand = basicLower
      dir = c[i]! >= mid ? 1 : -1
    } else {
      const finalUpper = basicUpper < upperBand || close > upperBand ? basicUpper : upperBand
      const finalLower = basicLower > lowerBand || close < lowerBand ? basicLower : lowerBand
      if (dir === 1 && c[i]! < finalLower) dir = -1
      else if (dir === -1 && c[i]! > finalUpper) dir = 1
      upperBand = finalUpper
      lowerBand = finalLower
    }
    has = true
    close = c[i]!
    value[i] = finite(dir === 1 ? lowerBand : upperBand)
    direction[i] = dir
  }
  return [value, direction]
}

/** A running-sum window as stochastic.ts keeps it: subtract the oldest, then add the newest. */
class SumWindow {
  private readonly xs: number[]
  private start = 0
  private count = 0
  private sum = 0
  constructor(private readonly n: number) {
    this.xs = new Array<number>(n).fill(0)
  }
  push(x: number): number | null {
    if (this.count === this.n) {
      this.sum -= this.xs[this.start]!
      this.xs[this.start] = x
      this.start = (this.start + 1) % this.n
    } else {
      this.xs[(this.start + this.count) % this.n] = x
      this.count++
    }
    this.sum += x
    return this.count === this.n ? this.sum / this.n : null
  }
}

/** Our Stochastic (stochastic.ts): fast %K over k bars, slowed by an SMA, %D an SMA of that. */
function stochastic(cols: Columns, kPeriod: number, slowing: number, dPeriod: number): SeriesSet {
  const { h, l, c } = cols
  const kOut = series(cols.n)
  const dOut = series(cols.n)
  const slowK = new SumWindow(slowing)
  const d = new SumWindow(dPeriod)
  for (let i = kPeriod - 1; i < cols.n; i++) {
    let hh = -Infinity
    let ll = Infinity
    for (let j = i - kPeriod + 1; j <= i; j++) {
      if (h[j]! > hh) hh = h[j]!
      if (l[j]! < ll) ll = l[j]!
    }
    const fast = hh === ll ? 0 : (100 * (c[i]! - ll)) / (hh - ll)
    const k = slowK.push(fast)
    if (k === null) continue
    const dv = d.push(k)
    if (dv === null) continue
    kOut[i] = finite(k)
    dOut[i] = finite(dv)
  }
  return [kOut, dOut]
}

/** Our ADX (adx.ts). */
function adx(cols: Columns, n: number): SeriesSet {
  const { h, l, c } = cols
  const adxOut = series(cols.n)
  const pdiOut = series(cols.n)
  const mdiOut = series(cols.n)
  const trAvg = new WilderAvg(n)
  const plus = new WilderAvg(n)
  const minus = new WilderAvg(n)
  const avg = new WilderAvg(n)
  for (let i = 0; i < cols.n; i++) {
    let tr = h[i]! - l[i]!
    let up = 0
    let down = 0
    if (i > 0) {
      tr = Math.max(tr, Math.abs(h[i]! - c[i - 1]!), Math.abs(l[i]! - c[i - 1]!))
      const higherHigh = h[i]! - h[i - 1]!
      const lowerLow = l[i - 1]! - l[i]!
      up = higherHigh < 0 || higherHigh < lowerLow ? 0 : higherHigh
      down = lowerLow < 0 || lowerLow < higherHigh ? 0 : lowerLow
    }
    trAvg.add(tr)
    plus.add(up)
    minus.add(down)
    if (i === 0 || trAvg.count < n) continue
    const pdi = trAvg.value === 0 ? 0 : (100 * plus.value) / trAvg.value
    const mdi = trAvg.value === 0 ? 0 : (100 * minus.value) / trAvg.value
    const sum = pdi + mdi
    avg.add(sum === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / sum)
    if (avg.count < n) continue
    adxOut[i] = finite(avg.value)
    pdiOut[i] = finite(pdi)
    mdiOut[i] = finite(mdi)
  }
  return [adxOut, pdiOut, mdiOut]
}
