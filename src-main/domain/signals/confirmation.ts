import { IndicatorSpecs, type IndicatorSpec } from '../../contract/indicators'
import type { Bar } from '../../contract/models'
import { IndicatorMemo } from '../indicators'

// The 3-of-4 confirmation (LLM.md §10): bull votes are SuperTrend up, close above SMA20, MACD above
// its signal and RSI14 above 50; bear votes are the mirror images; an exact tie votes for neither.

export type Vote = 'bull' | 'bear' | 'none'

export interface Confirmation {
  supertrend: Vote
  price_vs_sma20: Vote
  macd: Vote
  rsi: Vote
  bull_count: number
  bear_count: number
  direction: 'bull' | 'bear' | 'mixed'
}

const [ST, SMA20, MACD, RSI, ATR] = IndicatorSpecs.parse([
  { id: 'st', type: 'supertrend' },
  { id: 'sma20', type: 'sma', params: { period: 20 } },
  { id: 'macd', type: 'macd' },
  { id: 'rsi', type: 'rsi', params: { period: 14 } },
  { id: 'atr', type: 'atr', params: { period: 14 } },
]) as [IndicatorSpec, IndicatorSpec, IndicatorSpec, IndicatorSpec, IndicatorSpec]

const cmp = (a: number | null | undefined, b: number | null | undefined): Vote =>
  a == null || b == null || a === b ? 'none' : a > b ? 'bull' : 'bear'

/**
 * Votes on the last bar, plus the values they came from (for the prompt and the lineage). A `memo`
 * of the same bars reuses what another computation over them already has (the analysis set holds
 * all four votes' indicators).
 */
export function confirmationOf(
  bars: readonly Bar[],
  memo: IndicatorMemo = new IndicatorMemo(bars),
): {
  confirmation: Confirmation
  values: {
    close: number
    sma20: number | null
    macd: number | null
    macdSignal: number | null
    rsi: number | null
    supertrendDir: number | null
    atr: number | null
  }
} {
  if (memo.bars !== bars) throw new Error('confirmationOf: the memo belongs to other bars')
  const close = bars.at(-1)!.c
  const values = {
    close,
    sma20: memo.lastOf(SMA20, 'value'),
    macd: memo.lastOf(MACD, 'macd'),
    macdSignal: memo.lastOf(MACD, 'signal'),
    rsi: memo.lastOf(RSI, 'value'),
    supertrendDir: memo.lastOf(ST, 'direction'),
    atr: memo.lastOf(ATR, 'value'),
  }
  const votes = {
    supertrend: values.supertrendDir === null ? 'none' : values.supertrendDir > 0 ? 'bull' : 'bear',
    price_vs_sma20: cmp(close, values.sma20),
    macd: cmp(values.macd, values.macdSignal),
    rsi: cmp(values.rsi, 50),
  } as const
  const all = Object.values(votes)
  const bull = all.filter((v) => v === 'bull').length
  const bear = all.filter((v) => v === 'bear').length
  return {
    confirmation: {
      ...votes,
      bull_count: bull,
      bear_count: bear,
      direction: bull >= 3 ? 'bull' : bear >= 3 ? 'bear' : 'mixed',
    },
    values,
  }
}
