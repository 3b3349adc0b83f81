import type { OrderIntentTicket, RiskCheckOutput, RiskCheckRow } from '../../contract/steps'
import type { StrategyInput } from '../../contract/strategies'
import type { RiskLimits } from '../risk/limits'

export type { OrderIntentTicket, RiskCheckRow }
import { computeSize, type SizingResult } from '../signals/sizing'
import type { SignalVerdict } from '../signals/validate'

// The run's `risk_check` step (RELIABILITY.md §1.2, LLM.md §7): every rule computed in code from the
// validated signal, the account and the strategy's limits, each verdict with its numbers. Pure, so
// the same inputs always give the same decision (replay) and it can be driven by generated inputs.

export interface RiskCaps {
  /** Largest notional of one order, in the account currency. */
  maxOrderNotional: number
  /** Gross exposure after the order, as a share of net liquidation. */
  maxGrossExposurePct: number
  maxOpenPositions: number
  /** A limit must be within this share of a fresh quote. */
  priceCollarPct: number
  /** A quote older than this is not fresh. */
  maxQuoteAgeMs: number
  /** The account's cap on risk per trade; a strategy's own risk % applies only below it. */
  maxRiskPct?: number
}

/** The run's caps from the trader's limits (Settings), so a tightened limit applies to the next run. */
export function capsFromLimits(l: RiskLimits): RiskCaps {
  return {
    maxOrderNotional: l.maxOrderNotional,
    maxGrossExposurePct: l.maxGrossExposurePct,
    maxOpenPositions: l.maxOpenPositions,
    priceCollarPct: l.priceCollarPct,
    maxQuoteAgeMs: l.maxQuoteAgeSec * 1000,
    maxRiskPct: l.riskPct,
  }
}

export const DEFAULT_RISK_CAPS: RiskCaps = {
  maxOrderNotional: 50_000,
  maxGrossExposurePct: 0.9,
  maxOpenPositions: 10,
  priceCollarPct: 0.05,
  maxQuoteAgeMs: 60_000,
}

export interface RiskInput {
  verdict: SignalVerdict
  risk: StrategyInput['risk']
  account: { netLiquidation: number | null; availableFunds: number | null }
  /** Signed position in this instrument; gross exposure and open positions across the account. */
  portfolio: { positionQty: number; grossExposure: number; openPositions: number }
  quote: { last: number | null; ageMs: number | null }
  caps: RiskCaps
}

/** The decision `risk_check` records (its account figures are added by the executor). */
export type RiskDecision = Omit<RiskCheckOutput, 'account'>

const fmt = (n: number | null | undefined, dp = 2) =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(dp)
const pct = (n: number) => `${(n * 100).toFixed(2)} %`

export function riskCheck(i: RiskInput): RiskDecision {
  const v = i.verdict
  const none = (reason: string, checks: RiskCheckRow[] = []): RiskDecision => ({
    kind: 'none',
    side: null,
    qty: 0,
    entry: null,
    stop: null,
    target: null,
    sizing: null,
    checks,
    reason,
  })
  if (v.status !== 'ACCEPTED')
    return none(`Signal is ${v.status}${v.reviewReason ? ` (${v.reviewReason})` : ''}: no order`)
  if (v.finalAction === 'HOLD') return none('HOLD: no order')
  const d = v.draft!
  const checks: RiskCheckRow[] = []
  const add = (rule: string, passed: boolean, value: string, limit: string, message: string) =>
    void checks.push({ rule, passed, value, limit, message })

  if (v.finalAction === 'EXIT') {
    const qty = Math.abs(i.portfolio.positionQty)
    add(
      'position_exists',
      qty > 0,
      String(i.portfolio.positionQty),
      '≠ 0',
      qty > 0 ? 'Exit closes the open position' : 'No position to exit',
    )
    const last = i.quote.last
    add(
      'fresh_quote',
      last !== null && i.quote.ageMs !== null && i.quote.ageMs <= i.caps.maxQuoteAgeMs,
      `${fmt(last)} (${i.quote.ageMs ?? '—'} ms old)`,
      `≤ ${i.caps.maxQuoteAgeMs} ms`,
      'An exit limit needs a fresh quote',
    )
    const passed = checks.every((c) => c.passed)
    return {
      kind: passed ? 'exit' : 'none',
      side: i.portfolio.positionQty > 0 ? 'SELL' : 'BUY',
      qty: passed ? qty : 0,
      entry: last,
      stop: null,
      target: null,
      sizing: null,
      checks,
      reason: passed ? null : firstFailure(checks),
    }
  }

  const side = v.finalAction === 'BUY' ? 'BUY' : 'SELL'
  const entry = d.entry!
  const stop = d.stop_loss!
  const target = d.targets[0]!.price
  const n = v.numbers!
  add(
    'confidence',
    d.confidence >= i.risk.minConfidence,
    fmt(d.confidence),
    `≥ ${i.risk.minConfidence}`,
    'Model confidence against the strategy threshold',
  )
  add(
    'min_r',
    n.rMultiples[0]! >= i.risk.minR,
    fmt(n.rMultiples[0]),
    `≥ ${i.risk.minR}`,
    'Reward/risk to the first target',
  )
  add(
    'min_margin',
    n.profitMarginPct / 100 >= i.risk.minProfitMargin,
    pct(n.profitMarginPct / 100),
    `≥ ${pct(i.risk.minProfitMargin)}`,
    'Profit margin to the first target',
  )
  add(
    'long_only',
    side === 'BUY' || i.risk.allowShort,
    side,
    i.risk.allowShort ? 'long or short' : 'long only',
    'Opening a short needs shorting allowed',
  )
  const nlv = i.account.netLiquidation
  add('equity_known', nlv !== null && nlv > 0, fmt(nlv), '> 0', 'Sizing needs the account’s net liquidation')
  const last = i.quote.last
  const fresh = last !== null && i.quote.ageMs !== null && i.quote.ageMs <= i.caps.maxQuoteAgeMs
  add(
    'fresh_quote',
    fresh,
    `${fmt(last)} (${i.quote.ageMs ?? '—'} ms old)`,
    `≤ ${i.caps.maxQuoteAgeMs} ms`,
    'A limit price is checked against a fresh quote',
  )
  if (fresh)
    add(
      'price_collar',
      Math.abs(entry / last - 1) <= i.caps.priceCollarPct,
      pct(Math.abs(entry / last - 1)),
      `≤ ${pct(i.caps.priceCollarPct)}`,
      `Entry ${fmt(entry)} against the last price ${fmt(last)}`,
    )

  let sizing: SizingResult | null = null
  let qty = 0
  if (nlv !== null && nlv > 0) {
    sizing = computeSize({
      equity: nlv,
      riskPct: Math.min(i.risk.riskPct, i.caps.maxRiskPct ?? i.risk.riskPct),
      entry,
      stop,
      availableFunds: i.account.availableFunds ?? 0,
      maxPositionShares: i.risk.maxPositionShares,
      maxPositionPct: i.risk.maxPositionPct,
    })
    qty = Math.min(sizing.qty, Math.floor(i.caps.maxOrderNotional / entry))
    add(
      'size',
      qty >= 1,
      String(qty),
      '≥ 1 share',
      qty >= 1
        ? `Risk ${pct(Math.min(i.risk.riskPct, i.caps.maxRiskPct ?? i.risk.riskPct))} of ${fmt(nlv)} ` +
            `over ${fmt(sizing.riskPerShare)} a share, ` +
            `limited by ${qty < sizing.qty ? 'max_order_notional' : sizing.limitedBy}`
        : `Below one share (${sizing.reason ?? 'limited by max_order_notional'})`,
    )
    add(
      'order_notional',
      qty * entry <= i.caps.maxOrderNotional,
      fmt(qty * entry),
      `≤ ${fmt(i.caps.maxOrderNotional)}`,
      'Notional of this order',
    )
    const exposureAfter = i.portfolio.grossExposure + qty * entry
    add(
      'gross_exposure',
      exposureAfter <= i.caps.maxGrossExposurePct * nlv,
      pct(exposureAfter / nlv),
      `≤ ${pct(i.caps.maxGrossExposurePct)}`,
      'Gross exposure after this order',
    )
    const opensNew = i.portfolio.positionQty === 0
    add(
      'open_positions',
      !opensNew || i.portfolio.openPositions < i.caps.maxOpenPositions,
      String(i.portfolio.openPositions + (opensNew ? 1 : 0)),
      `≤ ${i.caps.maxOpenPositions}`,
      'Open positions after this order',
    )
  }
  const passed = checks.every((c) => c.passed)
  return {
    kind: passed ? 'open' : 'none',
    side,
    qty: passed ? qty : 0,
    entry,
    stop,
    target,
    sizing,
    checks,
    reason: passed ? null : firstFailure(checks),
  }
}

function firstFailure(checks: RiskCheckRow[]): string {
  const f = checks.find((c) => !c.passed)!
  return `${f.rule}: ${f.message} (${f.value}, limit ${f.limit})`
}

/** The letter that ends a leg's client order id. */
export const LEG_LETTER: Record<OrderIntentTicket['leg'], string> = { single: 'X', parent: 'P', stop: 'S', target: 'T' }

/**
 * Deterministic client order ids: strategy key, trading date, the run's sequence that day and the
 * leg, so a retried or replayed submission maps to the same ids (RELIABILITY.md §1.1).
 */
export function clientOrderId(
  strategyKey: string,
  tradingDate: string,
  daySeq: number,
  leg: OrderIntentTicket['leg'],
): string {
  return `${strategyKey}-${tradingDate.replaceAll('-', '')}-${daySeq}-${LEG_LETTER[leg]}`
}

/** The exact orders a decision becomes: a bracket (parent limit, stop, target) or one exit limit. */
export function orderIntent(
  dec: RiskDecision,
  o: { strategyKey: string; tradingDate: string; daySeq: number; conid: number },
): OrderIntentTicket[] {
  if (dec.kind === 'none' || dec.qty < 1 || dec.side === null || dec.entry === null) return []
  const id = (leg: OrderIntentTicket['leg']) => clientOrderId(o.strategyKey, o.tradingDate, o.daySeq, leg)
  if (dec.kind === 'exit')
    return [
      {
        clientOrderId: id('single'),
        leg: 'single',
        parentClientOrderId: null,
        conid: o.conid,
        side: dec.side,
        orderType: 'LMT',
        tif: 'DAY',
        qty: dec.qty,
        price: dec.entry,
        outsideRth: false,
      },
    ]
  const exitSide = dec.side === 'BUY' ? 'SELL' : 'BUY'
  const parent = id('parent')
  return [
    {
      clientOrderId: parent,
      leg: 'parent',
      parentClientOrderId: null,
      conid: o.conid,
      side: dec.side,
      orderType: 'LMT',
      tif: 'DAY',
      qty: dec.qty,
      price: dec.entry,
      outsideRth: false,
    },
    {
      clientOrderId: id('stop'),
      leg: 'stop',
      parentClientOrderId: parent,
      conid: o.conid,
      side: exitSide,
      orderType: 'STP',
      tif: 'GTC',
      qty: dec.qty,
      price: dec.stop!,
      outsideRth: false,
    },
    {
      clientOrderId: id('target'),
      leg: 'target',
      parentClientOrderId: parent,
      conid: o.conid,
      side: exitSide,
      orderType: 'LMT',
      tif: 'GTC',
      qty: dec.qty,
      price: dec.target!,
      outsideRth: false,
    },
  ]
}
