import { useEffect, useState } from 'react'
import type { PriceLevels } from '../../src-main/contract/models'
import { call, onEvent } from '../state/app'
import { chartFills, type ChartFill } from './fill-markers'

// What the live chart draws of the trade (F3): the active signal's entry, stop and targets (the
// same `setLevels` the run images use), the fills as markers (each execution at its execution time)
// and the position's average cost.
// Reloaded whenever orders, the portfolio or the signals change.

export interface TradeOverlay {
  levels: PriceLevels | null
  /** The active signal's action and status, for the legend. */
  signal: { action: string; at: number } | null
  fills: ChartFill[]
  position: { qty: number; avgCost: number } | null
}

const EMPTY: TradeOverlay = { levels: null, signal: null, fills: [], position: null }

export async function loadTradeOverlay(conid: number, now: number): Promise<TradeOverlay> {
  const [signals, executions, portfolio] = await Promise.all([
    call('signals.list', { limit: 100 }),
    call('portfolio.fills', { conid, limit: 500 }),
    call('portfolio.get', {}),
  ])
  const active = signals.find(
    (s) =>
      s.conid === conid &&
      s.status === 'ACCEPTED' &&
      (s.action === 'BUY' || s.action === 'SELL') &&
      (s.expiresAt === null || s.expiresAt > now),
  )
  // One marker per execution at its own time, so it sits on the bar where the fill happened.
  const fills = chartFills(executions)
  const held = portfolio.positions.filter((p) => p.conid === conid && p.qty !== 0 && p.avgCost !== null)
  const qty = held.reduce((a, p) => a + p.qty, 0)
  const cost = held.reduce((a, p) => a + p.qty * p.avgCost!, 0)
  return {
    levels: active ? { entry: active.entry, stop: active.stop, targets: active.targets.slice(0, 5) } : null,
    signal: active ? { action: active.action, at: active.createdAt } : null,
    fills,
    position: qty !== 0 ? { qty, avgCost: Math.round((cost / qty) * 1e4) / 1e4 } : null,
  }
}

/** The overlay for `conid`, kept current from orders.changed, portfolio.changed and signal writes. */
export function useTradeOverlay(conid: number): TradeOverlay {
  const [overlay, setOverlay] = useState<TradeOverlay>(EMPTY)
  useEffect(() => {
    let cancelled = false
    let pending = false
    const reload = () => {
      if (pending) return
      pending = true
      loadTradeOverlay(conid, Date.now()).then(
        (o) => {
          pending = false
          if (!cancelled) setOverlay(o)
        },
        () => {
          // The chart stays usable without its overlay; the next change tries again.
          pending = false
        },
      )
    }
    reload()
    const offs = [
      onEvent('orders.changed', reload),
      onEvent('portfolio.changed', reload),
      onEvent('db.changed', (e) => e.tables.includes('signals') && reload()),
    ]
    return () => {
      cancelled = true
      offs.forEach((off) => off())
    }
  }, [conid])
  return overlay
}
