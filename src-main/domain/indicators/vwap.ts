// Ours, not the library's: trading-signals' VWAP is cumulative forever; ours restarts at each
// session (or week, month, year for daily and weekly bars), as traders read it (LLM.md §10).

import { nyDate, nyWallClock, nyWeekStart } from './ny-time'

export type VwapAnchor = 'session' | 'week' | 'month' | 'year'

/** The anchor period a bar belongs to, by New York trading date (the exchange's time zone). */
export function anchorKey(t: number, anchor: VwapAnchor): string {
  if (anchor === 'week') return nyWeekStart(t)
  const day = nyDate(t)
  if (anchor === 'session') return day
  return anchor === 'month' ? day.slice(0, 7) : day.slice(0, 4)
}

/** The same partition as `anchorKey`, as a number (no string building on the hot path). */
function anchorNumber(t: number, anchor: VwapAnchor): number {
  const local = nyWallClock(t)
  const day = Math.floor(local / DAY)
  if (anchor === 'session') return day
  if (anchor === 'week') return day - ((new Date(day * DAY).getUTCDay() + 6) % 7)
  const d = new Date(local)
  return anchor === 'month' ? d.getUTCFullYear() * 12 + d.getUTCMonth() : d.getUTCFullYear()
}

const DAY = 86_400_000

interface Sums {
  key: number
  pv: number
  v: number
}

/** Σ(typical price × volume) / Σ volume since the anchor; `null` until some volume traded. */
export class AnchoredVwap {
  private before: Sums | null = null
  private after: Sums | null = null

  constructor(private readonly anchor: VwapAnchor) {}

  update(bar: { t: number; h: number; l: number; c: number; v: number }, replace: boolean): number | null {
    if (!replace) this.before = this.after
    const key = anchorNumber(bar.t, this.anchor)
    const base = this.before && this.before.key === key ? this.before : { key, pv: 0, v: 0 }
    const typical = (bar.h + bar.l + bar.c) / 3
    this.after = { key, pv: base.pv + typical * bar.v, v: base.v + bar.v }
    return this.after.v > 0 ? this.after.pv / this.after.v : null
  }
}
