// Ours for speed, with trading-signals' exact convention (checked in reference.test.ts): its ADX
// allocates per bar and was the slowest indicator on long histories. Wilder smoothing; the +DM,
// −DM and TR averages start at bar 0 (DM = 0, TR = H − L); ADX averages the first n DX values.

/** Wilder average state: the running sum until n inputs, then the smoothed value (the batch path's too). */
export class WilderAvg {
  count = 0
  sum = 0
  value = NaN
  constructor(private readonly n: number) {}
  add(x: number): void {
    this.count++
    if (this.count < this.n) this.sum += x
    else if (this.count === this.n) this.value = (this.sum + x) / this.n
    else this.value = (this.value * (this.n - 1) + x) / this.n
  }
  copyFrom(o: WilderAvg): void {
    this.count = o.count
    this.sum = o.sum
    this.value = o.value
  }
}

export interface AdxPoint {
  adx: number | null
  pdi: number | null
  mdi: number | null
}

/** The state after a bar, kept twice so a replace can start again from the bar before. */
class AdxState {
  constructor(
    n: number,
    public hasBar = false,
    public h = 0,
    public l = 0,
    public c = 0,
    readonly tr = new WilderAvg(n),
    readonly plus = new WilderAvg(n),
    readonly minus = new WilderAvg(n),
    readonly adx = new WilderAvg(n),
  ) {}
  copyFrom(o: AdxState): void {
    this.hasBar = o.hasBar
    this.h = o.h
    this.l = o.l
    this.c = o.c
    this.tr.copyFrom(o.tr)
    this.plus.copyFrom(o.plus)
    this.minus.copyFrom(o.minus)
    this.adx.copyFrom(o.adx)
  }
}

export class Adx {
  private readonly prev: AdxState
  private readonly cur: AdxState

  constructor(private readonly n: number) {
    this.prev = new AdxState(n)
    this.cur = new AdxState(n)
  }

  update(bar: { h: number; l: number; c: number }, replace: boolean): AdxPoint {
    if (replace) this.cur.copyFrom(this.prev)
    else this.prev.copyFrom(this.cur)
    const s = this.cur
    let tr = bar.h - bar.l
    let up = 0
    let down = 0
    const hadBar = s.hasBar
    if (hadBar) {
      tr = Math.max(tr, Math.abs(bar.h - s.c), Math.abs(bar.l - s.c))
      const higherHigh = bar.h - s.h
      const lowerLow = s.l - bar.l
      up = higherHigh < 0 || higherHigh < lowerLow ? 0 : higherHigh
      down = lowerLow < 0 || lowerLow < higherHigh ? 0 : lowerLow
    }
    s.tr.add(tr)
    s.plus.add(up)
    s.minus.add(down)
    s.hasBar = true
    s.h = bar.h
    s.l = bar.l
    s.c = bar.c
    if (!hadBar || s.tr.count < this.n) return { adx: null, pdi: null, mdi: null }
    const pdi = s.tr.value === 0 ? 0 : (100 * s.plus.value) / s.tr.value
    const mdi = s.tr.value === 0 ? 0 : (100 * s.minus.value) / s.tr.value
    const sum = pdi + mdi
    s.adx.add(sum === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / sum)
    return s.adx.count < this.n ? { adx: null, pdi: null, mdi: null } : { adx: s.adx.value, pdi, mdi }
  }
}
