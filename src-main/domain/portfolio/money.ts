// Money as integer micro-units (1 USD = 1,000,000 µ), RELIABILITY.md §1.1: prices and amounts are
// converted once at the edge (broker numbers, decimal text in the database) and every sum after that
// is an integer sum. Amounts stay within ±9.007e9 USD (Number.MAX_SAFE_INTEGER µ); beyond that the
// arithmetic throws instead of rounding silently.

/** An amount or a price in millionths of a currency unit; always a safe integer. */
export type Micros = number

export const MICROS = 1_000_000

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/

function checked(v: number, what: string): Micros {
  if (!Number.isSafeInteger(v))
    throw new RangeError(`${what} is outside the exact range of the money arithmetic (±9e9): ${v}`)
  return v
}

/** A broker number or a decimal string to micros (rounded half away from zero at the 6th decimal). */
export function toMicros(v: number | string): Micros {
  if (typeof v === 'string') {
    const m = DECIMAL.exec(v.trim())
    if (!m) throw new RangeError(`Not a decimal amount: "${v}"`)
    const frac = (m[3] ?? '').padEnd(7, '0')
    let micros = Number(m[2]) * MICROS + Number(frac.slice(0, 6))
    if (Number(frac[6]) >= 5) micros += 1
    return checked(m[1] ? -micros : micros, `"${v}"`)
  }
  if (!Number.isFinite(v)) throw new RangeError(`Not a finite amount: ${v}`)
  // Through the shortest decimal text, so 0.1 + 0.2-style binary noise never reaches the ledger.
  return toMicros(v.toFixed(7))
}

/** Micros to a plain decimal string with exactly 6 decimals, e.g. `-12.500000`. */
export function microsToDecimal(m: Micros): string {
  const sign = m < 0 ? '-' : ''
  const a = Math.abs(m)
  return `${sign}${Math.floor(a / MICROS)}.${String(a % MICROS).padStart(6, '0')}`
}

/** Micros to a number of currency units, for display and the contract (never summed again). */
export const microsToNumber = (m: Micros): number => m / MICROS

/** quantity × price, exactly. */
export function mulQty(qty: number, price: Micros): Micros {
  return checked(qty * price, 'quantity × price')
}

/** a + b, exactly. */
export function add(a: Micros, b: Micros): Micros {
  return checked(a + b, 'sum')
}

/** round(amount × num / den) with integer arithmetic (half away from zero); den > 0. */
export function mulDiv(amount: Micros, num: number, den: number): Micros {
  if (num === den) return amount
  const n = amount * num
  if (Number.isSafeInteger(2 * n + den)) {
    // Exact in doubles: integer division of safe integers, half away from zero.
    const a = Math.abs(n)
    const q = Math.floor((2 * a + den) / (2 * den))
    return n < 0 ? -q : q
  }
  const p = BigInt(amount) * BigInt(num)
  const d = BigInt(den)
  const neg = p < 0n
  const a = neg ? -p : p
  const q = (a * 2n + d) / (2n * d)
  return checked(Number(neg ? -q : q), 'proportional amount')
}
