import { ATR } from 'trading-signals'

// Ours, not the library's: trading-signals has no SuperTrend with the band carry-over rule below,
// and the predecessor compared the close with the raw bands (LLM.md §10).

export interface SuperTrendPoint {
  value: number
  /** +1 uptrend (line = final lower band), −1 downtrend (line = final upper band). */
  direction: 1 | -1
}

interface State {
  finalUpper: number
  finalLower: number
  direction: 1 | -1
  close: number
}

/**
 * SuperTrend(ATR n, ×m): basic bands (H+L)/2 ± m·ATR (Wilder). A final band takes the new basic
 * band only if it tightens, or if the previous close crossed it; otherwise it carries over. The
 * trend flips down when the close falls below the final lower band, up when it rises above the
 * final upper band. `replace` recomputes the forming bar from the previous bar's state.
 */
export class SuperTrend {
  private readonly atr: ATR
  private prev: State | null = null
  private last: State | null = null

  constructor(
    atrPeriod: number,
    private readonly multiplier: number,
  ) {
    this.atr = new ATR(atrPeriod)
  }

  update(bar: { h: number; l: number; c: number }, replace: boolean): SuperTrendPoint | null {
    if (!replace) this.prev = this.last
    const atr = this.atr.update({ high: bar.h, low: bar.l, close: bar.c }, replace)
    if (atr === null) {
      this.last = null
      return null
    }
    const mid = (bar.h + bar.l) / 2
    const basicUpper = mid + this.multiplier * atr
    const basicLower = mid - this.multiplier * atr
    const p = this.prev
    let state: State
    if (!p) {
      state = { finalUpper: basicUpper, finalLower: basicLower, direction: bar.c >= mid ? 1 : -1, close: bar.c }
    } else {
      const finalUpper = basicUpper < p.finalUpper || p.close > p.finalUpper ? basicUpper : p.finalUpper
      const finalLower = basicLower > p.finalLower || p.close < p.finalLower ? basicLower : p.finalLower
      let direction = p.direction
      if (p.direction === 1 && bar.c < finalLower) direction = -1
      else if (p.direction === -1 && bar.c > finalUpper) direction = 1
      state = { finalUpper, finalLower, direction, close: bar.c }
    }
    this.last = state
    return { value: state.direction === 1 ? state.finalLower : state.finalUpper, direction: state.direction }
  }
}
