import type { Bar } from '../../src-main/contract/models'
import type { FillView } from '../../src-main/contract/portfolio-api'

// Fill markers of the live chart (F3): one per execution, at the broker's execution time (never the
// order's last update, which moves with every later report), placed on the bar it happened in.

/** One fill to mark on the chart. */
export interface ChartFill {
  at: number
  side: 'BUY' | 'SELL'
  qty: number
  price: number
}

/** The ledger's executions as chart fills, oldest first, each at its own execution time. */
export function chartFills(fills: readonly FillView[]): ChartFill[] {
  return fills.map((f) => ({ at: f.at, side: f.side, qty: f.qty, price: f.price })).sort((a, b) => a.at - b.at)
}

/**
 * The start of the bar a fill happened in: the last bar starting at or before it (bars ascending by
 * `t`). A fill before the first bar has none (it is off the chart).
 */
export function fillBarTime(at: number, bars: readonly Bar[]): number | null {
  let lo = 0
  let hi = bars.length - 1
  let found: number | null = null
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (bars[mid]!.t <= at) {
      found = bars[mid]!.t
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}
