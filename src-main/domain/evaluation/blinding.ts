import type { Bar } from '../../contract/models'
import type { PromptContext } from '../../contract/prompts'
import type { SignalDraft } from '../../contract/signals'
import type { SignalVerdict } from '../../contract/steps'

// What the model is allowed to see of a decision (EVALUATION.md §6, §7), as pure transforms the
// as-of pipeline hands to its own steps (never a second implementation of a step):
// - blinding levels, cumulative: `symbol` hides the ticker ("STOCK A"), the contract id and the
//   strategy's name; `date` also replaces every date by a relative session ("day 0" is the decision
//   close) and draws the charts with a bare time axis; `blinded` also rescales every price so the
//   window's first close is 100 (bars, so indicators, levels, chart and every number of the prompt);
// - the mirror probe: the series flipped about the window's mid-range (y → 2ȳ − y, high and low
//   swapped so every bar stays a bar); a chart reader should answer BUY where it said SELL;
// - the no-chart baseline: the same prompt with no images.
// Answers are mapped back to real prices (and, mirrored, to the opposite side) before risk and fills.

export const BLINDINGS = ['bright', 'symbol', 'date', 'blinded'] as const
export type Blinding = (typeof BLINDINGS)[number]

export interface InputView {
  blinding: Blinding
  mirror: boolean
  charts: boolean
}

export const BRIGHT: InputView = { blinding: 'bright', mirror: false, charts: true }
export const BLIND_SYMBOL = 'STOCK A'
export const BLIND_STRATEGY = 'Strategy'

const LEVEL: Record<Blinding, number> = { bright: 0, symbol: 1, date: 2, blinded: 3 }
export const hidesSymbol = (v: InputView) => LEVEL[v.blinding] >= 1
export const hidesDates = (v: InputView) => LEVEL[v.blinding] >= 2
export const hidesPrices = (v: InputView) => LEVEL[v.blinding] >= 3

/** The view an arm asks for; absent options are bright, unmirrored, with charts. */
export function viewOf(o: { blinding?: Blinding; mirror?: boolean; charts?: boolean }): InputView {
  return { blinding: o.blinding ?? 'bright', mirror: o.mirror ?? false, charts: o.charts ?? true }
}

export const isBright = (v: InputView) => v.blinding === 'bright' && !v.mirror && v.charts

/** A short label for the arm's name: "" when bright. */
export function viewLabel(v: InputView): string {
  const parts = [
    v.blinding === 'bright' ? null : v.blinding === 'blinded' ? 'blinded' : `${v.blinding}-blind`,
    v.mirror ? 'mirrored' : null,
    v.charts ? null : 'no charts',
  ].filter((x): x is string => x !== null)
  return parts.join(', ')
}

/** Real price ↔ the price the model sees, fitted on the decision's window (bars closed by t only). */
export interface PriceMap {
  toModel(p: number): number
  toReal(p: number): number
  /** Mirrored: a rising real price falls for the model. */
  flips: boolean
  identity: boolean
}

export function priceMap(window: readonly Bar[], v: InputView): PriceMap {
  if (window.length === 0 || (!v.mirror && !hidesPrices(v)))
    return { toModel: (p) => p, toReal: (p) => p, flips: false, identity: true }
  // Mirror about the mid-range ȳ = (max high + min low) / 2, so the flipped series stays in the same
  // range (and positive); then scale so the window's first close reads 100.
  let hi = -Infinity
  let lo = Infinity
  for (const b of window) {
    if (b.h > hi) hi = b.h
    if (b.l < lo) lo = b.l
  }
  const pivot2 = v.mirror ? hi + lo : 0
  const m = (p: number) => (v.mirror ? pivot2 - p : p)
  const scale = hidesPrices(v) ? 100 / m(window[0]!.c) : 1
  return {
    toModel: (p) => m(p) * scale,
    toReal: (p) => m(p / scale),
    flips: v.mirror,
    identity: false,
  }
}

/** Bars as the model sees them: prices mapped, high and low swapped when mirrored; volume and time kept. */
export function mapBars(bars: readonly Bar[], map: PriceMap): Bar[] {
  if (map.identity) return bars as Bar[]
  return bars.map((b) => ({
    ...b,
    o: map.toModel(b.o),
    c: map.toModel(b.c),
    h: map.toModel(map.flips ? b.l : b.h),
    l: map.toModel(map.flips ? b.h : b.l),
  }))
}

const flipAction = <T extends string>(a: T): T => (a === 'BUY' ? 'SELL' : a === 'SELL' ? 'BUY' : a) as T

/** "day 0" is the decision close; earlier sessions count back. */
export const relativeDay = (back: number) => (back === 0 ? 'day 0' : `day -${back}`)

/**
 * The prompt context with the symbol and dates hidden as the level says (prices are already in
 * model space: the context is built from mapped bars), and a mirrored arm's own record on its model sides.
 */
export function blindContext(ctx: PromptContext, v: InputView): PromptContext {
  // A mirrored arm's earlier decisions are stored on their real sides: shown as the model gave them.
  const mirrored = v.mirror
    ? { ...ctx, previous_analyses: ctx.previous_analyses.map((p) => ({ ...p, action: flipAction(p.action) })) }
    : ctx
  if (!hidesSymbol(v)) return mirrored
  const out: PromptContext = {
    ...mirrored,
    symbol: BLIND_SYMBOL,
    conid: 0,
    strategy: { ...ctx.strategy, name: BLIND_STRATEGY },
  }
  if (!hidesDates(v)) return out
  const n = ctx.bars.length
  return {
    ...out,
    now: 'day 0, after the close',
    as_of: relativeDay(0),
    bars: ctx.bars.map((b, k) => ({ ...b, date: relativeDay(n - 1 - k) })),
    previous_analyses: ctx.previous_analyses.map((p) => ({ ...p, date: 'earlier' })),
  }
}

/** What a chart is labelled with, and whether its time axis is drawn. */
export function chartLabels(
  v: InputView,
  symbol: string,
  asOf: string,
): { symbol: string; asOf: string; bareTime: boolean } {
  return {
    symbol: hidesSymbol(v) ? BLIND_SYMBOL : symbol,
    asOf: hidesDates(v) ? relativeDay(0) : asOf,
    bareTime: hidesDates(v),
  }
}

/** The verdict in real prices (mirrored: on the opposite side), ready for the risk check and fills. */
export function realVerdict(v: SignalVerdict, map: PriceMap): SignalVerdict {
  if (map.identity) return v
  const r = (p: number) => Math.round(map.toReal(p) * 100) / 100
  const d = v.draft
  const draft: SignalDraft | null = d
    ? {
        ...d,
        action: map.flips ? flipAction(d.action) : d.action,
        entry: d.entry === null ? null : r(d.entry),
        entry_zone: d.entry_zone
          ? map.flips
            ? { low: r(d.entry_zone.high), high: r(d.entry_zone.low) }
            : { low: r(d.entry_zone.low), high: r(d.entry_zone.high) }
          : null,
        stop_loss: d.stop_loss === null ? null : r(d.stop_loss),
        targets: d.targets.map((t) => ({ ...t, price: r(t.price) })),
        key_levels: {
          support: (map.flips ? d.key_levels.resistance : d.key_levels.support).map(r),
          resistance: (map.flips ? d.key_levels.support : d.key_levels.resistance).map(r),
        },
      }
    : null
  return { ...v, finalAction: map.flips ? flipAction(v.finalAction) : v.finalAction, draft }
}

/** The action the model gave, from the real-world action stored for a mirrored arm. */
export const modelAction = (stored: string, v: InputView) => (v.mirror ? flipAction(stored) : stored)
