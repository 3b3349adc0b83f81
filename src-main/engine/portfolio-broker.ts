import type { Broker, Execution, LedgerEntry, PnlRow, Position } from '../broker/broker'
import type { BrokerFigures } from '../contract/portfolio-api'
import { toMicros, type Micros } from '../domain/portfolio'
import type { NewExecution } from '../store/portfolio-repo'

// The broker's own portfolio figures (F16), read beside the local ledger: summary, ledger, P&L
// and positions, each allowed to fail on its own (the view then says which could not be read).

/** An IBKR side (`B`, `BUY`, `S`, `SELL`, `SLD`) as ours, or null. */
export function sideOf(s: string): 'BUY' | 'SELL' | null {
  const u = s.trim().toUpperCase()
  if (u === 'B' || u === 'BUY' || u === 'BOT') return 'BUY'
  if (u === 'S' || u === 'SELL' || u === 'SLD' || u === 'SS') return 'SELL'
  return null
}

/** An execution as a ledger row, or why it cannot be one. */
export function executionRow(
  x: Execution,
  fallbackAccount: () => string | null,
  now: () => number,
): NewExecution | Error {
  const side = sideOf(x.side)
  const account = x.account ?? fallbackAccount()
  if (!side || !account || !Number.isSafeInteger(x.size) || x.size <= 0) {
    const why = !side
      ? `side "${x.side}"`
      : !account
        ? 'no account'
        : `quantity ${x.size} is not a positive whole number`
    return new Error(`Execution ${x.executionId} skipped: ${why}`)
  }
  return {
    execId: x.executionId,
    brokerOrderId: x.orderId ?? '',
    cOID: x.cOID,
    account,
    conid: x.conid,
    side,
    qty: x.size,
    price: toMicros(x.price),
    commission: toMicros(x.commission ?? 0),
    at: x.tradeTime ?? now(),
    raw: x,
  }
}

/** The broker's figures for an account; the positions' market prices are kept in `brokerMarks`. */
export async function readBrokerFigures(
  b: Pick<Broker, 'summary' | 'ledger' | 'pnl' | 'positions'>,
  account: string,
  brokerMarks: Map<number, Micros>,
): Promise<{ figures: BrokerFigures; positions: Position[] | null }> {
  const [summary, ledger, pnl, positions] = await Promise.allSettled([
    b.summary(account),
    b.ledger(account),
    b.pnl(),
    b.positions(account),
  ])
  const errors = [summary, ledger, pnl, positions].flatMap((r) =>
    r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : [],
  )
  const s = summary.status === 'fulfilled' ? summary.value : null
  const base: LedgerEntry | null =
    ledger.status === 'fulfilled' ? (ledger.value.find((l) => l.currency === 'BASE') ?? ledger.value[0] ?? null) : null
  const row: PnlRow | null =
    pnl.status === 'fulfilled' ? (pnl.value.find((p) => p.key.startsWith(account)) ?? null) : null
  const pos = positions.status === 'fulfilled' ? positions.value : null
  for (const p of pos ?? [])
    if (p.marketPrice !== null && p.marketPrice > 0) brokerMarks.set(p.conid, toMicros(p.marketPrice))
  const num = (v: number | string | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  return {
    positions: pos,
    figures: {
      available: errors.length === 0,
      error: errors.length === 0 ? null : errors.join('; '),
      netLiquidation: num(s?.netliquidation) ?? base?.netLiquidation ?? row?.netLiquidation ?? null,
      cash: num(s?.totalcashvalue) ?? base?.cashBalance ?? null,
      stockMarketValue: base?.stockMarketValue ?? row?.marketValue ?? null,
      unrealizedPnl: base?.unrealizedPnl ?? row?.unrealizedPnl ?? null,
      realizedPnl: base?.realizedPnl ?? null,
      dailyPnl: row?.dailyPnl ?? null,
      positions: (pos ?? [])
        .filter((p) => p.position !== 0)
        .map((p) => ({
          conid: p.conid,
          symbol: p.symbol,
          qty: p.position,
          avgCost: p.avgCost,
          marketPrice: p.marketPrice,
          unrealizedPnl: p.unrealizedPnl,
        })),
    },
  }
}

export const EMPTY_BROKER: BrokerFigures = {
  available: false,
  error: 'No account selected',
  netLiquidation: null,
  cash: null,
  stockMarketValue: null,
  unrealizedPnl: null,
  realizedPnl: null,
  dailyPnl: null,
  positions: [],
}
