import { SignalDraft, type FinalAction, type SignalStatus, type Violation } from '../../contract/signals'
import type { SignalNumbers, SignalVerdict } from '../../contract/steps'
import { rewardRisk, roundToIncrement, subtractPrices, toTicks } from '../prices'
import { normaliseDraft } from './normalise'

// The deterministic rules (LLM.md §6) between the model's answer and anything that could become an
// order. Hard failures make the signal REVIEW (never a trade); policy failures DOWNGRADE it to HOLD.
// Every verdict carries its numbers. R, margin and size are computed here, never taken from the model.

export interface ValidationContext {
  symbol: string
  asOf: string
  timeframes: SignalDraft['timeframes']
  lastClose: number
  /** Daily ATR(14) of the charted bars. */
  atr: number
  /** Weekly ATR(14), when weekly bars were analysed. */
  weeklyAtr: number | null
  tickSize: number
  /** Lowest low and highest high of the charted bars (grounding, V14). */
  barsLow: number
  barsHigh: number
  position: 'flat' | 'long' | 'short'
  policy: {
    minR: number
    /** 0 disables V8. */
    minProfitMargin: number
    minConfidence: number
    allowShort: boolean
    allowPyramiding: boolean
    combination: 'llm_only' | 'technical_only' | 'agree'
  }
  /** The 3-of-4 votes computed from the indicators (LLM.md §10). */
  confirmation: { bull: number; bear: number } | null
}

export type { SignalNumbers, SignalVerdict }

/** No listed price reaches this; above it a price cannot be held in whole ticks. */
const MAX_PRICE = 1e9

const review = (rule: string, message: string): Violation => ({ rule, severity: 'review', message })
const downgrade = (rule: string, message: string): Violation => ({ rule, severity: 'downgrade', message })

export function validateSignal(raw: unknown, ctx: ValidationContext): SignalVerdict {
  const { value, flags } = normaliseDraft(raw)
  const parsed = SignalDraft.safeParse(value)
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    return verdict('REVIEW', 'REVIEW', 'schema_invalid', [review('schema', message)], flags, null, null)
  }
  const d = structuredClone(parsed.data)
  const v: Violation[] = []

  // V1 the answer is about what was asked.
  if (d.symbol.toUpperCase() !== ctx.symbol.toUpperCase())
    v.push(review('V1', `symbol ${d.symbol} is not ${ctx.symbol}`))
  if (d.as_of !== ctx.asOf) v.push(review('V1', `as_of ${d.as_of} is not ${ctx.asOf}`))
  if (d.timeframes !== ctx.timeframes) v.push(review('V1', `timeframes ${d.timeframes} is not ${ctx.timeframes}`))

  // V3 confidence, rescaled from a percentage.
  if (d.confidence > 1 && d.confidence <= 100) {
    d.confidence = d.confidence / 100
    flags.push('confidence_rescaled')
  }
  if (!Number.isFinite(d.confidence) || d.confidence < 0 || d.confidence > 1)
    v.push(review('V3', `confidence ${d.confidence} is outside 0-1`))

  // V10 HOLD carries no levels; an opening BUY/SELL carries entry, stop and a target.
  if (d.action === 'HOLD') {
    if (
      d.entry !== null ||
      d.stop_loss !== null ||
      d.entry_zone !== null ||
      d.targets.length > 0 ||
      d.entry_type !== null
    )
      flags.push('hold_levels_cleared')
    Object.assign(d, { entry: null, stop_loss: null, entry_zone: null, entry_type: null, targets: [] })
  }

  // V2 prices are finite, positive, and on the tick grid.
  const prices = [
    d.entry,
    d.stop_loss,
    d.entry_zone?.low,
    d.entry_zone?.high,
    ...d.targets.map((t) => t.price),
    ...d.key_levels.support,
    ...d.key_levels.resistance,
  ]
  for (const p of prices)
    if (p !== null && p !== undefined && !(Number.isFinite(p) && p > 0 && p < MAX_PRICE))
      v.push(review('V2', `price ${p} is not a positive number below ${MAX_PRICE.toExponential()}`))
  if (v.some((x) => x.rule === 'V2' || x.rule === 'V3'))
    return verdict('REVIEW', 'REVIEW', 'invalid_numbers', v, flags, d, null)
  const tick = (p: number) => roundToIncrement(p, ctx.tickSize)
  if (d.entry !== null) d.entry = tick(d.entry)
  if (d.stop_loss !== null) d.stop_loss = tick(d.stop_loss)
  d.targets = d.targets.map((t) => ({ ...t, price: tick(t.price) }))

  const intent = intentOf(d.action, ctx)
  const opening = intent === 'open_long' || intent === 'open_short'
  if (opening && (d.entry === null || d.stop_loss === null || d.targets.length === 0))
    v.push(review('V10', 'an opening signal needs entry, stop_loss and at least one target'))

  let numbers: SignalNumbers | null = null
  if (opening && d.entry !== null && d.stop_loss !== null && d.targets.length > 0) {
    const e = d.entry
    const s = d.stop_loss
    const ts = d.targets.map((t) => t.price)
    const long = d.action === 'BUY'
    // V4 side ordering.
    const chain = long ? [s, e, ...ts] : [s, e, ...ts].map((x) => -x)
    if (!chain.every((x, i) => i === 0 || x > chain[i - 1]!))
      v.push(review('V4', long ? 'BUY needs stop < entry < t1 < t2 < t3' : 'SELL needs stop > entry > t1 > t2 > t3'))
    if (d.entry_zone && !(d.entry_zone.low <= e && e <= d.entry_zone.high))
      v.push(review('V4', 'entry is outside entry_zone'))
    // V5 entry near the market, zone no wider than one ATR.
    const nearBand = Math.max(0.02, (1.5 * ctx.atr) / ctx.lastClose)
    if (Math.abs(e / ctx.lastClose - 1) > nearBand)
      v.push(
        review('V5', `entry ${e} is more than ${(nearBand * 100).toFixed(1)} % from the last close ${ctx.lastClose}`),
      )
    if (d.entry_zone && d.entry_zone.high - d.entry_zone.low > ctx.atr)
      v.push(review('V5', 'entry_zone is wider than one ATR'))
    // V6 stop distance.
    const risk = Math.abs(subtractPrices(e, s, ctx.tickSize))
    if (risk < 0.5 * ctx.atr || risk > 4 * ctx.atr || risk > 0.08 * e)
      v.push(
        review(
          'V6',
          `stop distance ${risk.toFixed(2)} is outside 0.5-4 ATR (ATR ${ctx.atr.toFixed(2)}) or above 8 % of entry`,
        ),
      )
    // V9 target reach.
    const reach = Math.min(8 * ctx.atr, ctx.weeklyAtr !== null ? 4 * ctx.weeklyAtr : Infinity)
    for (const t of ts)
      if (Math.abs(t - e) > reach) v.push(review('V9', `target ${t} is beyond ${reach.toFixed(2)} from entry`))
    // V14 grounding of the levels in the charted range.
    const lo = ctx.barsLow - ctx.atr
    const hi = ctx.barsHigh + ctx.atr
    for (const p of [e, s, ...d.key_levels.support, ...d.key_levels.resistance])
      if (p < lo || p > hi)
        v.push(review('V14', `level ${p} is outside the charted range ${lo.toFixed(2)}-${hi.toFixed(2)}`))
    // R and margin from whole ticks: on the grid, 3 ticks over 2 is exactly 1.5.
    if (risk > 0)
      numbers = {
        riskPerShare: risk,
        rMultiples: ts.map((t) => rewardRisk(e, s, t, ctx.tickSize)),
        profitMarginPct: (Math.abs(toTicks(ts[0]!, ctx.tickSize) - toTicks(e, ctx.tickSize)) * ctx.tickSize * 100) / e,
      }
  }
  if (v.some((x) => x.severity === 'review'))
    return verdict('REVIEW', 'REVIEW', v.find((x) => x.severity === 'review')!.rule, v, flags, d, numbers)

  // Policy: what the strategy lets this signal do.
  if (intent === 'exit_ignored') v.push(downgrade('V11', 'SELL with no position and shorting off: exit signal ignored'))
  if (intent === 'pyramid') v.push(downgrade('V11', 'BUY while already long and pyramiding off'))
  if (d.action !== 'HOLD' && d.confidence < ctx.policy.minConfidence)
    v.push(downgrade('V12', `confidence ${d.confidence.toFixed(2)} is below ${ctx.policy.minConfidence}`))
  if (opening && numbers) {
    if (numbers.rMultiples[0]! < ctx.policy.minR)
      v.push(downgrade('V7', `reward/risk ${numbers.rMultiples[0]!.toFixed(2)} is below ${ctx.policy.minR}`))
    if (ctx.policy.minProfitMargin > 0 && numbers.profitMarginPct / 100 < ctx.policy.minProfitMargin)
      v.push(
        downgrade(
          'V8',
          `profit margin ${numbers.profitMarginPct.toFixed(2)} % is below ` +
            `${(ctx.policy.minProfitMargin * 100).toFixed(2)} %`,
        ),
      )
    if (ctx.policy.combination !== 'llm_only') {
      const votes = ctx.confirmation ? (d.action === 'BUY' ? ctx.confirmation.bull : ctx.confirmation.bear) : 0
      if (votes < 3) v.push(downgrade('V16', `${votes} of 4 indicator confirmations for ${d.action}; 3 needed`))
    }
  }
  // V13 trend against the action: a flag, not a veto.
  if ((d.action === 'BUY' && d.trend.includes('bearish')) || (d.action === 'SELL' && d.trend.includes('bullish'))) {
    flags.push('trend_contradicts_action')
    v.push({ rule: 'V13', severity: 'flag', message: `${d.action} with a ${d.trend} trend` })
  }
  const level = d.confidence >= 0.8 ? 'HIGH' : d.confidence >= 0.5 ? 'MEDIUM' : 'LOW'
  if (v.some((x) => x.severity === 'downgrade'))
    return { ...verdict('DOWNGRADED', 'HOLD', null, v, flags, d, numbers), confidenceLevel: level }
  const final: FinalAction = intent === 'exit_long' || intent === 'exit_short' ? 'EXIT' : d.action
  return { ...verdict('ACCEPTED', final, null, v, flags, d, numbers), confidenceLevel: level }
}

type Intent = 'open_long' | 'open_short' | 'exit_long' | 'exit_short' | 'hold' | 'exit_ignored' | 'pyramid'

function intentOf(action: SignalDraft['action'], ctx: ValidationContext): Intent {
  if (action === 'HOLD') return 'hold'
  if (ctx.position === 'long')
    return action === 'SELL' ? 'exit_long' : ctx.policy.allowPyramiding ? 'open_long' : 'pyramid'
  if (ctx.position === 'short')
    return action === 'BUY' ? 'exit_short' : ctx.policy.allowPyramiding ? 'open_short' : 'pyramid'
  if (action === 'BUY') return 'open_long'
  return ctx.policy.allowShort ? 'open_short' : 'exit_ignored'
}

function verdict(
  status: SignalStatus,
  finalAction: FinalAction,
  reviewReason: string | null,
  violations: Violation[],
  flags: string[],
  draft: SignalDraft | null,
  numbers: SignalNumbers | null,
): SignalVerdict {
  return { status, finalAction, reviewReason, violations, flags, draft, confidenceLevel: null, numbers }
}
