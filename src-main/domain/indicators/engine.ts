import { ATR, CCI, EMA, MACD, OBV, RSI, SMA, WMA } from 'trading-signals'
import { indicatorLabel, INDICATORS, type IndicatorSpec } from '../../contract/indicators'
import type { Bar, IndicatorResult } from '../../contract/models'
import { Adx } from './adx'
import { batchSeries, columnsOf, type Columns, type SeriesSet } from './batch'
import { Bollinger } from './bollinger'
import { Stochastic } from './stochastic'
import { SuperTrend } from './supertrend'
import { AnchoredVwap } from './vwap'

/** One indicator's newest values by output name; `null` while warming up. */
export type IndicatorValues = Record<string, number | null>

/** Computes one bar and writes each output, in catalogue order, into `out`. */
type Calculator = (bar: Bar, replace: boolean, index: number, out: (number | null)[]) => void

// trading-signals seeds EMAs with the first price and emits from bar 0; those early values are
// not the indicator yet, so EMA-based outputs stay hidden for 3 × period bars (LLM.md §10).
const emaWarmup = (period: number) => 3 * period
const hlc = (b: Bar) => ({ high: b.h, low: b.l, close: b.c })

function calculator(spec: IndicatorSpec): Calculator {
  switch (spec.type) {
    case 'sma': {
      const ind = new SMA(spec.params.period)
      return (b, r, _i, out) => void (out[0] = ind.update(b.c, r))
    }
    case 'ema': {
      const ind = new EMA(spec.params.period)
      const warm = emaWarmup(spec.params.period)
      return (b, r, i, out) => {
        const v = ind.update(b.c, r)
        out[0] = i < warm - 1 ? null : v
      }
    }
    case 'wma': {
      const ind = new WMA(spec.params.period)
      return (b, r, _i, out) => void (out[0] = ind.update(b.c, r))
    }
    case 'bb': {
      const ind = new Bollinger(spec.params.period, spec.params.stdDev)
      return (b, r, _i, out) => {
        const v = ind.update(b.c, r)
        out[0] = v?.upper ?? null
        out[1] = v?.middle ?? null
        out[2] = v?.lower ?? null
      }
    }
    case 'supertrend': {
      const ind = new SuperTrend(spec.params.atrPeriod, spec.params.multiplier)
      return (b, r, _i, out) => {
        const v = ind.update(b, r)
        out[0] = v?.value ?? null
        out[1] = v?.direction ?? null
      }
    }
    case 'macd': {
      const { fast, slow, signal } = spec.params
      const ind = new MACD(new EMA(fast), new EMA(slow), new EMA(signal))
      const warm = emaWarmup(slow)
      return (b, r, i, out) => {
        const v = ind.update(b.c, r)
        const show = v !== null && i >= warm - 1
        out[0] = show ? v.macd : null
        out[1] = show ? v.signal : null
        out[2] = show ? v.histogram : null
      }
    }
    case 'rsi': {
      const ind = new RSI(spec.params.period)
      return (b, r, _i, out) => void (out[0] = ind.update(b.c, r))
    }
    case 'atr': {
      const ind = new ATR(spec.params.period)
      return (b, r, _i, out) => void (out[0] = ind.update(hlc(b), r))
    }
    case 'obv': {
      const ind = new OBV(2)
      return (b, r, _i, out) =>
        void (out[0] = ind.update({ open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v }, r))
    }
    case 'stoch': {
      const ind = new Stochastic(spec.params.kPeriod, spec.params.kSlowing, spec.params.dPeriod)
      return (b, r, _i, out) => {
        const v = ind.update(b, r)
        out[0] = v.k
        out[1] = v.d
      }
    }
    case 'adx': {
      const ind = new Adx(spec.params.period)
      return (b, r, _i, out) => {
        const v = ind.update(b, r)
        out[0] = v.adx
        out[1] = v.pdi
        out[2] = v.mdi
      }
    }
    case 'cci': {
      const ind = new CCI(spec.params.period)
      return (b, r, _i, out) => void (out[0] = ind.update(hlc(b), r))
    }
    case 'vwap': {
      const ind = new AnchoredVwap(spec.params.anchor)
      return (b, r, _i, out) => void (out[0] = ind.update(b, r))
    }
  }
}

interface Run {
  spec: IndicatorSpec
  names: readonly string[]
  calc: Calculator
  current: (number | null)[]
}

function prepare(spec: IndicatorSpec): Run {
  const names = INDICATORS.find((i) => i.type === spec.type)!.outputs
  return { spec, names, calc: calculator(spec), current: names.map(() => null) }
}

/**
 * Streaming indicators for live bars: `push` a bar when it opens (or closes, in batch), `replace`
 * while it forms. Batch `computeIndicators` gives exactly this stream's numbers over all bars (a
 * property test checks every type bit for bit), so the chart, the live updates and the runs can
 * never disagree.
 */
export class IndicatorStream {
  private readonly runs: Run[]
  private count = 0
  /** Whether the newest bar is still forming (set by `update`, cleared by `close`). */
  private forming = false

  constructor(specs: readonly IndicatorSpec[]) {
    this.runs = specs.map(prepare)
  }

  /** The forming bar changed: replaces it if one is forming, else opens it as a new bar. */
  update(bar: Bar): Record<string, IndicatorValues> {
    const values = this.forming ? this.run(bar, true) : this.push(bar)
    this.forming = true
    return values
  }

  /** A bar closed with its final values: settles the forming bar, or adds it if none was forming. */
  close(bar: Bar): Record<string, IndicatorValues> {
    const values = this.forming ? this.run(bar, true) : this.push(bar)
    this.forming = false
    return values
  }

  /** Alias of `close`: a closed bar. */
  add(bar: Bar): Record<string, IndicatorValues> {
    return this.close(bar)
  }

  /** A new bar: returns each indicator's values at it, by spec id. */
  push(bar: Bar): Record<string, IndicatorValues> {
    this.count++
    this.forming = false
    return this.run(bar, false)
  }

  /** The newest bar changed (it is still forming). */
  replace(bar: Bar): Record<string, IndicatorValues> {
    if (this.count === 0) return this.push(bar)
    return this.run(bar, true)
  }

  private run(bar: Bar, replace: boolean): Record<string, IndicatorValues> {
    const out: Record<string, IndicatorValues> = {}
    for (const r of this.runs) {
      r.calc(bar, replace, this.count - 1, r.current)
      const values: IndicatorValues = {}
      r.names.forEach((name, k) => (values[name] = finite(r.current[k])))
      out[r.spec.id] = values
    }
    return out
  }
}

/**
 * Series already computed over one bar list, by type and parameters: the analysis computes the
 * daily set, the strategy's own indicators and the confirmation votes over the same bars, and an
 * indicator any two of them share is computed once (each result still gets arrays of its own).
 */
export class IndicatorMemo {
  private cols: Columns | null = null
  private readonly series = new Map<string, SeriesSet>()

  constructor(readonly bars: readonly Bar[]) {}

  /** The series of `spec` over the bars: from the memo, else the batch path, else the stream. */
  seriesOf(spec: IndicatorSpec): SeriesSet {
    const key = specKey(spec)
    let set = this.series.get(key)
    if (!set) {
      this.cols ??= columnsOf(this.bars)
      set = batchSeries(spec, this.cols) ?? streamSeries(this.bars, spec)
      this.series.set(key, set)
    }
    return set
  }

  /** The newest value of one output of `spec`; null while it warms up (or without bars). */
  lastOf(spec: IndicatorSpec, output: string): number | null {
    const k = INDICATORS.find((i) => i.type === spec.type)!.outputs.indexOf(output)
    if (k < 0) throw new Error(`${spec.type} has no output "${output}"`)
    return this.seriesOf(spec)[k]!.at(-1) ?? null
  }
}

/** Type and parameters, parameter names sorted: specs alike but for their id share a key. */
function specKey(spec: IndicatorSpec): string {
  const params = spec.params as Record<string, number | string>
  let key: string = spec.type
  for (const k of Object.keys(params).sort()) key += ` ${k}=${params[k]}`
  return key
}

/** The stream over every bar, for the types without a batch path (WMA, CCI, VWAP). */
function streamSeries(bars: readonly Bar[], spec: IndicatorSpec): SeriesSet {
  const { calc, current } = prepare(spec)
  const n = bars.length
  const arrays = current.map(() => new Array<number | null>(n))
  for (let i = 0; i < n; i++) {
    calc(bars[i]!, false, i, current)
    for (let k = 0; k < arrays.length; k++) arrays[k]![i] = finite(current[k])
  }
  return arrays
}

/**
 * Every indicator over `bars`, aligned with them (`null` during warm-up). The same values as the
 * stream pushed bar by bar (engine.test.ts checks every type), computed a whole series at a time.
 * A `memo` of the same bars shares series with other calls over them.
 */
export function computeIndicators(
  bars: readonly Bar[],
  specs: readonly IndicatorSpec[],
  memo: IndicatorMemo = new IndicatorMemo(bars),
): IndicatorResult[] {
  if (memo.bars !== bars) throw new Error('computeIndicators: the memo belongs to other bars')
  return specs.map((spec) => {
    const info = INDICATORS.find((i) => i.type === spec.type)!
    const set = memo.seriesOf(spec)
    return {
      id: spec.id,
      type: spec.type,
      label: indicatorLabel(spec),
      placement: info.placement,
      series: Object.fromEntries(info.outputs.map((name, k) => [name, set[k]!.slice()])),
    }
  })
}

function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v
}

/** Every indicator's series by spec id, then by output name: `{ [specId]: { [seriesName]: values } }`. */
export function computeIndicatorSeries(
  bars: readonly Bar[],
  specs: readonly IndicatorSpec[],
): Record<string, Record<string, (number | null)[]>> {
  return Object.fromEntries(computeIndicators(bars, specs).map((r) => [r.id, r.series]))
}

/**
 * Bars an indicator needs before its first value (its first non-null index is this minus one).
 * EMA-based outputs are masked for 3 × period bars (see the note on `emaWarmup`).
 */
export function warmupBars(spec: IndicatorSpec): number {
  switch (spec.type) {
    case 'sma':
    case 'wma':
    case 'bb':
    case 'cci':
      return spec.params.period
    case 'ema':
      return emaWarmup(spec.params.period)
    case 'macd':
      return emaWarmup(spec.params.slow)
    case 'rsi':
      return spec.params.period + 1
    case 'atr':
      return spec.params.period
    case 'supertrend':
      return spec.params.atrPeriod
    case 'stoch':
      return spec.params.kPeriod + spec.params.kSlowing + spec.params.dPeriod - 2
    case 'adx':
      return 2 * spec.params.period - 1
    case 'obv':
      return 2 // OBV needs a previous close to sign the volume
    case 'vwap':
      return 1
  }
}
