import type { Position } from '../broker/broker'
import type { BrokerFigures, PortfolioDifference } from '../contract/portfolio-api'
import { microsToNumber, type Micros } from '../domain/portfolio'

// The local ledger beside the broker's figures (F16): quantities must match exactly; average cost,
// unrealized and realized P&L within a small tolerance (marks and commission treatment differ a
// little between the two). Each difference says what to do about it.

export interface LocalRow {
  conid: number
  symbol: string | null
  qty: number
  basis: Micros
  marketValue: Micros | null
  unrealized: Micros | null
}

export interface CompareInput {
  rows: readonly LocalRow[]
  brokerPositions: readonly Position[]
  broker: BrokerFigures
  /** Realized today − fees today, locally. */
  realizedNetToday: Micros | null
}

/** Average cost per share: a cent, or 0.05 % of the price, whichever is larger. */
const AVG_TOLERANCE = (price: number) => Math.max(0.01, Math.abs(price) * 0.0005)
/** Totals: a dollar, or 0.5 % of gross exposure. */
const TOTAL_TOLERANCE = (gross: number) => Math.max(1, gross * 0.005)

/** Realized P&L: five cents (commission rounding). */
const REALIZED_TOLERANCE = 0.05

const round2 = (n: number) => Math.round(n * 100) / 100

export function compareWithBroker(i: CompareInput): PortfolioDifference[] {
  const out: PortfolioDifference[] = []
  const local = new Map<number, { qty: number; basis: Micros; symbol: string | null }>()
  for (const r of i.rows) {
    const l = local.get(r.conid) ?? { qty: 0, basis: 0, symbol: r.symbol }
    l.qty += r.qty
    l.basis += r.qty < 0 ? -r.basis : r.basis
    local.set(r.conid, l)
  }
  const broker = new Map(i.brokerPositions.filter((p) => p.position !== 0).map((p) => [p.conid, p]))
  for (const conid of [...new Set([...local.keys(), ...broker.keys()])].sort((a, b) => a - b)) {
    const l = local.get(conid)
    const b = broker.get(conid)
    const lq = l?.qty ?? 0
    const bq = b?.position ?? 0
    const symbol = l?.symbol ?? b?.symbol ?? null
    if (lq !== bq) {
      out.push({
        kind: 'position',
        conid,
        symbol,
        local: lq,
        broker: bq,
        difference: lq - bq,
        advice:
          bq > lq || (bq !== 0 && lq === 0)
            ? 'The broker holds shares the local ledger has no fills for: run a reconciliation (Orders → ' +
              'Reconcile) to read the last 7 days of executions. A position opened earlier or in another ' +
              'tool stays different until its fills are known.'
            : 'The local ledger holds more than the broker: a fill may have been busted or the position ' +
              'moved outside this app. Run a reconciliation (Orders → Reconcile); if it persists, check ' +
              'the account in IBKR before trading this symbol.',
      })
      continue
    }
    if (lq === 0 || !l || !b || b.avgCost === null) continue
    const avg = microsToNumber(Math.abs(l.basis)) / Math.abs(lq)
    if (Math.abs(avg - b.avgCost) > AVG_TOLERANCE(b.avgCost)) {
      out.push({
        kind: 'avg_cost',
        conid,
        symbol,
        local: round2(avg * 1e4) / 1e4,
        broker: b.avgCost,
        difference: round2((avg - b.avgCost) * 1e4) / 1e4,
        advice:
          'Average costs differ: IBKR may include commissions in its cost, the local ledger keeps ' +
          'them as fees. A larger gap means a fill is missing or was priced differently; compare the ' +
          'trade journal with the broker’s executions.',
      })
    }
  }
  const gross = i.rows.reduce((a, r) => a + Math.abs(r.marketValue === null ? 0 : microsToNumber(r.marketValue)), 0)
  const localUnrealized = i.rows.some((r) => r.unrealized === null)
    ? null
    : microsToNumber(i.rows.reduce((a, r) => a + (r.unrealized ?? 0), 0))
  if (
    localUnrealized !== null &&
    i.broker.unrealizedPnl !== null &&
    Math.abs(localUnrealized - i.broker.unrealizedPnl) > TOTAL_TOLERANCE(gross)
  ) {
    out.push({
      kind: 'unrealized',
      conid: null,
      symbol: null,
      local: round2(localUnrealized),
      broker: i.broker.unrealizedPnl,
      difference: round2(localUnrealized - i.broker.unrealizedPnl),
      advice:
        'Unrealized P&L differs beyond marking noise: the live quote and the broker’s mark ' +
        'disagree, or a position above differs. Check the positions first; a market that is closed ' +
        'or halted marks at the last price.',
    })
  }
  if (i.realizedNetToday !== null && i.broker.realizedPnl !== null) {
    const l = microsToNumber(i.realizedNetToday)
    if (Math.abs(l - i.broker.realizedPnl) > REALIZED_TOLERANCE) {
      out.push({
        kind: 'realized',
        conid: null,
        symbol: null,
        local: round2(l),
        broker: i.broker.realizedPnl,
        difference: round2(l - i.broker.realizedPnl),
        advice:
          'Realized P&L today (after commissions) differs from the broker’s: fills are missing ' +
          'locally, or the broker counts a different period. Run a reconciliation; the daily loss ' +
          'limit uses the local figure.',
      })
    }
  }
  return out
}
