import type { Bar } from '../../contract/models'
import { nyDate as nyDateOf } from '../indicators/ny-time'
import { sideCost, type CommissionPlan } from './costs'

// Bracket fills on daily bars, mirroring our IBKR bracket (EVALUATION.md §2). The parent limit is DAY
// and lives on session t+1 only; the stop and target children work from the fill bar on; the trade
// is closed at the close of t+H if neither is touched. Same-bar ambiguity resolves stop first (the
// pessimistic figure) and the optimistic bound is the same path resolved target first.

export interface Bracket {
  side: 'BUY' | 'SELL'
  entry: number
  stop: number
  target: number
}

export interface FillOptions {
  /** Sessions from the decision to the time exit (t+H). */
  horizon: number
  /** Slippage on stop and market (time-exit) fills, in basis points, always adverse. */
  slippageBps: number
  plan: CommissionPlan
  qty: number
}

export type ExitReason = 'target' | 'stop' | 'time' | 'expired'

export interface FillResult {
  fill: { index: number; date: string; price: number } | null
  /** null while the trade is still open at the end of the data. */
  exit: { index: number; date: string; price: number; reason: ExitReason } | null
  ambiguous: boolean
  /** The first ambiguous bar (on the pessimistic path), and whether the fill was inside it. */
  ambiguousAt: { index: number; date: string; intrabarEntry: boolean } | null
  /** Realised R before and after costs (pessimistic path); null when unfilled or still open. */
  rGross: number | null
  rNet: number | null
  /** The same trade with every ambiguous bar resolved in the trade's favour. */
  rNetOptimistic: number | null
  pnl: number | null
  costs: number
  mfeR: number | null
  maeR: number | null
  daysHeld: number | null
}

type Policy = 'stop-first' | 'target-first'

// The same bars are simulated many times (baselines, sweeps): their New York dates are memoised.
const dates = new Map<number, string>()
function nyDate(t: number): string {
  let d = dates.get(t)
  if (d === undefined) {
    if (dates.size > 200_000) dates.clear()
    d = nyDateOf(t)
    dates.set(t, d)
  }
  return d
}

interface Path {
  fill: FillResult['fill']
  exit: FillResult['exit']
  ambiguous: boolean
  ambiguousAt: FillResult['ambiguousAt']
  mfe: number
  mae: number
}

/**
 * Simulate one bracket on `bars`, which start at the entry session t+1 (`bars[0]`). Levels must be
 * on the right sides (BUY: stop < entry < target). Throws on a bracket that is not.
 */
export function simulateBracket(bars: readonly Bar[], b: Bracket, o: FillOptions): FillResult {
  const dir = b.side === 'BUY' ? 1 : -1
  if (!(dir * (b.entry - b.stop) > 0 && dir * (b.target - b.entry) > 0))
    throw new Error(`Bracket levels out of order for ${b.side}: entry ${b.entry}, stop ${b.stop}, target ${b.target}`)
  if (o.horizon < 1) throw new Error('The horizon is at least one session')
  const pess = walk(bars, b, o, 'stop-first')
  const opt = walk(bars, b, o, 'target-first')
  const risk = Math.abs(b.entry - b.stop)
  const po = outcome(pess, b, o)
  const oo = outcome(opt, b, o)
  const perR = risk * o.qty
  return {
    fill: pess.fill,
    exit: pess.exit,
    ambiguous: pess.ambiguous,
    ambiguousAt: pess.ambiguousAt,
    rGross: po ? po.gross / perR : null,
    rNet: po ? po.net / perR : null,
    rNetOptimistic: oo ? oo.net / perR : null,
    pnl: po ? po.net : null,
    costs: po ? po.costs : pess.fill ? sideCost(o.plan, b.side, o.qty, pess.fill.price, pess.fill.date) : 0,
    mfeR: pess.fill ? pess.mfe / risk : null,
    maeR: pess.fill ? pess.mae / risk : null,
    daysHeld: pess.fill && pess.exit ? pess.exit.index - pess.fill.index : null,
  }
}

function outcome(p: Path, b: Bracket, o: FillOptions): { gross: number; costs: number; net: number } | null {
  if (!p.fill || !p.exit || p.exit.reason === 'expired') return null
  const dir = b.side === 'BUY' ? 1 : -1
  const gross = dir * (p.exit.price - p.fill.price) * o.qty
  const exitSide = b.side === 'BUY' ? 'SELL' : 'BUY'
  const costs =
    sideCost(o.plan, b.side, o.qty, p.fill.price, p.fill.date) +
    sideCost(o.plan, exitSide, o.qty, p.exit.price, p.exit.date)
  return { gross, costs, net: gross - costs }
}

function walk(bars: readonly Bar[], b: Bracket, o: FillOptions, policy: Policy): Path {
  const dir = b.side === 'BUY' ? 1 : -1
  // No closure per call or per bar: the report simulates brackets hundreds of thousands of times.
  const slip = 1 - (dir * o.slippageBps) / 1e4
  const first = bars[0]
  const path: Path = { fill: null, exit: null, ambiguous: false, ambiguousAt: null, mfe: 0, mae: 0 }
  if (!first) return path
  // Parent: DAY limit on t+1 only. BUY fills if low <= limit, at min(open, limit); SELL mirrored.
  const touched = dir === 1 ? first.l <= b.entry : first.h >= b.entry
  if (!touched) {
    path.exit = { index: 0, date: nyDate(first.t), price: b.entry, reason: 'expired' }
    return path
  }
  const atOpen = dir === 1 ? first.o <= b.entry : first.o >= b.entry
  const fillPrice = atOpen ? first.o : b.entry
  path.fill = { index: 0, date: nyDate(first.t), price: fillPrice }
  const last = Math.min(bars.length, o.horizon) - 1
  for (let i = 0; i <= last; i++) {
    const bar = bars[i]!
    const fav = dir === 1 ? bar.h - fillPrice : fillPrice - bar.l
    const adv = dir === 1 ? fillPrice - bar.l : bar.h - fillPrice
    // Stop: open through the stop fills at the open (gap), else a touch fills at the stop.
    const stopGap = dir === 1 ? bar.o <= b.stop : bar.o >= b.stop
    const stopTouch = dir === 1 ? bar.l <= b.stop : bar.h >= b.stop
    const targetGap = dir === 1 ? bar.o >= b.target : bar.o <= b.target
    const targetTouch = dir === 1 ? bar.h >= b.target : bar.l <= b.target
    // On the entry bar filled inside the bar, the order of the fill and the other touches is unknown.
    const intrabarEntry = i === 0 && !atOpen
    if (stopGap && !intrabarEntry) {
      path.exit = { index: i, date: nyDate(bar.t), price: bar.o * slip, reason: 'stop' }
    } else if (targetGap && !intrabarEntry) {
      path.exit = { index: i, date: nyDate(bar.t), price: bar.o, reason: 'target' }
    } else {
      const ambiguous = (stopTouch && targetTouch) || (intrabarEntry && (stopTouch || targetTouch))
      if (ambiguous && !path.ambiguous) path.ambiguousAt = { index: i, date: nyDate(bar.t), intrabarEntry }
      if (ambiguous) path.ambiguous = true
      const takeStop = stopTouch && (policy === 'stop-first' || !targetTouch)
      const takeTarget = targetTouch && !takeStop && (policy === 'target-first' || !intrabarEntry)
      if (takeStop) path.exit = { index: i, date: nyDate(bar.t), price: b.stop * slip, reason: 'stop' }
      else if (takeTarget) path.exit = { index: i, date: nyDate(bar.t), price: b.target, reason: 'target' }
    }
    if (path.exit) {
      const exitFav = dir * (path.exit.price - fillPrice)
      // The exit bar counts only up to the exit: a stop adds its loss, a target its gain.
      if (path.exit.reason === 'stop') path.mae = Math.max(path.mae, -exitFav)
      else path.mfe = Math.max(path.mfe, exitFav)
      return path
    }
    path.mfe = Math.max(path.mfe, fav)
    path.mae = Math.max(path.mae, adv)
    if (i === o.horizon - 1) {
      path.exit = { index: i, date: nyDate(bar.t), price: bar.c * slip, reason: 'time' }
      return path
    }
  }
  return path
}
