// Ours for speed: trading-signals builds arrays per bar (Math.max(...candles.map(...))); same
// numbers (checked in reference.test.ts): fast %K over k bars, slowed by an SMA, %D an SMA of that.
// A replace swaps the newest value everywhere; whether a window received a value for a bar depends
// only on how many bars came before it, so a replace always meets the same windows as the push.

class Window {
  private readonly xs: number[] = []
  private sum = 0
  constructor(private readonly n: number) {}
  /** Push (or replace the newest) value; the mean once full. */
  push(x: number, replace: boolean): number | null {
    if (replace) this.sum -= this.xs.pop()!
    else if (this.xs.length === this.n) this.sum -= this.xs.shift()!
    this.xs.push(x)
    this.sum += x
    return this.xs.length === this.n ? this.sum / this.n : null
  }
}

export class Stochastic {
  private readonly highs: number[] = []
  private readonly lows: number[] = []
  private readonly slowK: Window
  private readonly d: Window

  constructor(
    private readonly k: number,
    slowing: number,
    dPeriod: number,
  ) {
    this.slowK = new Window(slowing)
    this.d = new Window(dPeriod)
  }

  update(bar: { h: number; l: number; c: number }, replace: boolean): { k: number | null; d: number | null } {
    if (replace) {
      this.highs[this.highs.length - 1] = bar.h
      this.lows[this.lows.length - 1] = bar.l
    } else {
      if (this.highs.length === this.k) {
        this.highs.shift()
        this.lows.shift()
      }
      this.highs.push(bar.h)
      this.lows.push(bar.l)
    }
    if (this.highs.length < this.k) return { k: null, d: null }
    let hh = -Infinity
    let ll = Infinity
    for (let i = 0; i < this.k; i++) {
      if (this.highs[i]! > hh) hh = this.highs[i]!
      if (this.lows[i]! < ll) ll = this.lows[i]!
    }
    const fast = hh === ll ? 0 : (100 * (bar.c - ll)) / (hh - ll)
    const k = this.slowK.push(fast, replace)
    if (k === null) return { k: null, d: null }
    const d = this.d.push(k, replace)
    return d === null ? { k: null, d: null } : { k, d }
  }
}
