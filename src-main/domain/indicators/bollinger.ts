// Ours for speed: trading-signals allocates arrays per bar for the deviation. Same numbers (checked
// in reference.test.ts): middle = SMA(n), bands = middle ± k × population standard deviation.

export class Bollinger {
  private readonly xs: number[] = []

  constructor(
    private readonly n: number,
    private readonly k: number,
  ) {}

  update(close: number, replace: boolean): { upper: number; middle: number; lower: number } | null {
    if (replace && this.xs.length > 0) this.xs[this.xs.length - 1] = close
    else {
      if (this.xs.length === this.n) this.xs.shift()
      this.xs.push(close)
    }
    if (this.xs.length < this.n) return null
    let sum = 0
    for (let i = 0; i < this.n; i++) sum += this.xs[i]!
    const middle = sum / this.n
    let sq = 0
    for (let i = 0; i < this.n; i++) sq += (this.xs[i]! - middle) ** 2
    const width = this.k * Math.sqrt(sq / this.n)
    return { upper: middle + width, middle, lower: middle - width }
  }
}
