import { IndicatorSpecs, type IndicatorSpec } from '../../contract/indicators'
import type { Bar, IndicatorResult } from '../../contract/models'
import { computeIndicators, IndicatorMemo } from '../indicators'
import { confirmationOf, type Confirmation } from '../signals/confirmation'
import { nyDate } from './market-data'

// What a run computes from its recorded bars (LLM.md §10, §11): the fixed analysis set behind the
// chart images and the prompt's numbers, the strategy's own indicators, the 3-of-4 votes and the
// swing levels. Pure: the same bars give the same result, which is what makes replay and
// re-rendering a lineage record exact.

const parse = (specs: unknown[]) => IndicatorSpecs.parse(specs)

/** Daily analysis set: what the daily chart draws (first seven) plus the text-only indicators. */
export const DAILY_SPECS: readonly IndicatorSpec[] = parse([
  { id: 'sma20', type: 'sma', params: { period: 20 } },
  { id: 'sma50', type: 'sma', params: { period: 50 } },
  { id: 'sma200', type: 'sma', params: { period: 200 } },
  { id: 'bb', type: 'bb' },
  { id: 'st', type: 'supertrend' },
  { id: 'macd', type: 'macd' },
  { id: 'rsi', type: 'rsi', params: { period: 14 } },
  { id: 'atr', type: 'atr', params: { period: 14 } },
  { id: 'stoch', type: 'stoch' },
  { id: 'adx', type: 'adx' },
  { id: 'obv', type: 'obv' },
])
export const WEEKLY_SPECS: readonly IndicatorSpec[] = parse([
  { id: 'sma10', type: 'sma', params: { period: 10 } },
  { id: 'sma20', type: 'sma', params: { period: 20 } },
  { id: 'sma50', type: 'sma', params: { period: 50 } },
  { id: 'bb', type: 'bb' },
  { id: 'st', type: 'supertrend' },
  { id: 'macd', type: 'macd' },
  { id: 'rsi', type: 'rsi', params: { period: 14 } },
  { id: 'atr', type: 'atr', params: { period: 14 } },
  { id: 'adx', type: 'adx' },
])
/** Indicators drawn on the model's chart images; OBV, ATR, ADX and Stochastic stay in the text. */
export const CHART_IDS = {
  daily: ['sma20', 'sma50', 'sma200', 'bb', 'st', 'macd', 'rsi'],
  weekly: ['sma10', 'sma20', 'sma50', 'bb', 'st', 'macd', 'rsi'],
} as const

type Num = number | null

export type DailyValues = {
  sma20: Num
  sma50: Num
  sma200: Num
  bb_lower: Num
  bb_mid: Num
  bb_upper: Num
  supertrend: Num
  supertrend_dir: Num
  rsi: Num
  macd: Num
  macd_signal: Num
  macd_hist: Num
  atr: Num
  atr_pct: Num
  stoch_k: Num
  stoch_d: Num
  adx: Num
  obv_slope20: Num
  volume: Num
  volume_avg20: Num
}
export type WeeklyValues = {
  sma10: Num
  sma20: Num
  sma50: Num
  rsi: Num
  macd_hist: Num
  atr: Num
  adx: Num
  supertrend_dir: Num
}

export interface Analysis {
  daily: IndicatorResult[]
  weekly: IndicatorResult[] | null
  /** The strategy's own indicators on the daily bars. */
  strategy: IndicatorResult[]
  d: DailyValues
  w: WeeklyValues
  confirmation: Confirmation
  levels: { support: number[]; resistance: number[] }
}

const lastOf = (r: readonly IndicatorResult[], id: string, series: string): Num =>
  r.find((x) => x.id === id)?.series[series]?.at(-1) ?? null

export function analyse(
  daily: readonly Bar[],
  weekly: readonly Bar[] | null,
  strategySpecs: readonly IndicatorSpec[],
): Analysis {
  // One memo over the daily bars: the strategy's indicators and the votes mostly repeat the
  // analysis set's (the demo strategy's all do), and are computed once.
  const memo = new IndicatorMemo(daily)
  const dr = computeIndicators(daily, DAILY_SPECS, memo)
  const wr = weekly ? computeIndicators(weekly, WEEKLY_SPECS) : null
  const close = daily.at(-1)!.c
  const atr = lastOf(dr, 'atr', 'value')
  const obv = dr.find((x) => x.id === 'obv')!.series.value!
  const d: DailyValues = {
    sma20: lastOf(dr, 'sma20', 'value'),
    sma50: lastOf(dr, 'sma50', 'value'),
    sma200: lastOf(dr, 'sma200', 'value'),
    bb_lower: lastOf(dr, 'bb', 'lower'),
    bb_mid: lastOf(dr, 'bb', 'middle'),
    bb_upper: lastOf(dr, 'bb', 'upper'),
    supertrend: lastOf(dr, 'st', 'value'),
    supertrend_dir: lastOf(dr, 'st', 'direction'),
    rsi: lastOf(dr, 'rsi', 'value'),
    macd: lastOf(dr, 'macd', 'macd'),
    macd_signal: lastOf(dr, 'macd', 'signal'),
    macd_hist: lastOf(dr, 'macd', 'histogram'),
    atr,
    atr_pct: atr === null ? null : (atr / close) * 100,
    stoch_k: lastOf(dr, 'stoch', 'k'),
    stoch_d: lastOf(dr, 'stoch', 'd'),
    adx: lastOf(dr, 'adx', 'adx'),
    obv_slope20: slope(obv.slice(-20)),
    volume: daily.at(-1)!.v,
    volume_avg20: daily.length >= 20 ? daily.slice(-20).reduce((s, b) => s + b.v, 0) / 20 : null,
  }
  const w: WeeklyValues = {
    sma10: wr ? lastOf(wr, 'sma10', 'value') : null,
    sma20: wr ? lastOf(wr, 'sma20', 'value') : null,
    sma50: wr ? lastOf(wr, 'sma50', 'value') : null,
    rsi: wr ? lastOf(wr, 'rsi', 'value') : null,
    macd_hist: wr ? lastOf(wr, 'macd', 'histogram') : null,
    atr: wr ? lastOf(wr, 'atr', 'value') : null,
    adx: wr ? lastOf(wr, 'adx', 'adx') : null,
    supertrend_dir: wr ? lastOf(wr, 'st', 'direction') : null,
  }
  return {
    daily: dr,
    weekly: wr,
    strategy: computeIndicators(daily, strategySpecs, memo),
    d,
    w,
    confirmation: confirmationOf(daily, memo).confirmation,
    levels: swingLevels(daily),
  }
}

/** Least-squares slope per bar; null with fewer than two defined points. */
export function slope(values: readonly Num[]): Num {
  const pts = values.map((y, x) => [x, y] as const).filter((p): p is readonly [number, number] => p[1] !== null)
  if (pts.length < 2) return null
  const n = pts.length
  const mx = pts.reduce((s, p) => s + p[0], 0) / n
  const my = pts.reduce((s, p) => s + p[1], 0) / n
  const den = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  return den === 0 ? null : pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / den
}

/**
 * Swing levels from pivots over the last `window` bars: a pivot high is the highest high of the
 * `span` bars each side. Resistance is pivot highs above the last close, support pivot lows below
 * it, nearest first, at most three each, levels within 0.5 % of a nearer one merged.
 */
export function swingLevels(bars: readonly Bar[], window = 120, span = 3): { support: number[]; resistance: number[] } {
  const b = bars.slice(-window)
  const close = bars.at(-1)?.c ?? 0
  const highs: number[] = []
  const lows: number[] = []
  for (let i = span; i < b.length - span; i++) {
    const around = b.slice(i - span, i + span + 1)
    if (around.every((x) => x.h <= b[i]!.h)) highs.push(b[i]!.h)
    if (around.every((x) => x.l >= b[i]!.l)) lows.push(b[i]!.l)
  }
  const pick = (levels: number[]) => {
    const out: number[] = []
    for (const p of levels) if (out.every((q) => Math.abs(p / q - 1) > 0.005)) out.push(p)
    return out.slice(0, 3)
  }
  return {
    resistance: pick(highs.filter((h) => h > close).sort((a, z) => a - z)),
    support: pick(lows.filter((l) => l < close).sort((a, z) => z - a)),
  }
}

/** The last `n` bars as the prompt's rows (New York dates). */
export function barRows(
  bars: readonly Bar[],
  n = 20,
): { date: string; o: number; h: number; l: number; c: number; v: number }[] {
  return bars.slice(-n).map((b) => ({ date: nyDate(b.t), o: b.o, h: b.h, l: b.l, c: b.c, v: b.v }))
}

/** The analysis arrays cut to the last `n` bars, for a chart of that window. */
export function tail(results: readonly IndicatorResult[], ids: readonly string[], n: number): IndicatorResult[] {
  return results
    .filter((r) => ids.includes(r.id))
    .map((r) => ({ ...r, series: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, v.slice(-n)])) }))
}
