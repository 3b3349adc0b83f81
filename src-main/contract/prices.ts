// Shared by the engine and the renderer (order ticket), hence in the contract: pure, no I/O.
// Decimal-safe prices on an instrument's increment (IBKR's `info-and-rules` `increment`). Every
// price that is built or compared for an order goes through here: it is held as an integer number
// of ticks, so 673.05 stays 673.05 (never 673.0500000000001) and comparisons are exact.
//
// An increment is a decimal with at most 8 places (0.01, 0.0001, 0.05, 0.25, 1). A price is turned
// into ticks with one rounding rule; a tick count back into the nearest double of the exact decimal,
// which prints as that decimal.

const MAX_PLACES = 8

/** Decimal places of an increment: 0.01 → 2, 0.0001 → 4, 0.05 → 2, 1 → 0. */
export function placesOf(increment: number): number {
  assertIncrement(increment)
  for (let p = 0; p <= MAX_PLACES; p++) {
    const scaled = increment * 10 ** p
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return p
  }
  throw new RangeError(`Price increment ${increment} has more than ${MAX_PLACES} decimal places`)
}

export function assertIncrement(increment: number): void {
  if (!(Number.isFinite(increment) && increment > 0))
    throw new RangeError(`Price increment must be a positive number, got ${increment}`)
}

/** The increment as an integer number of units of 10^-places. */
function units(increment: number): { places: number; unit: number } {
  const places = placesOf(increment)
  return { places, unit: Math.round(increment * 10 ** places) }
}

export type Rounding = 'nearest' | 'down' | 'up'

/**
 * A price as an integer number of ticks. `nearest` rounds half away from zero; `down`/`up` floor or
 * ceil, tolerating binary noise (673.05 / 0.01 = 67305.00000000001 is 67305 ticks, not 67306 up).
 */
export function toTicks(price: number, increment: number, rounding: Rounding = 'nearest'): number {
  if (!Number.isFinite(price)) throw new RangeError(`Price must be finite, got ${price}`)
  const { places, unit } = units(increment)
  // Work in integer units of 10^-places first (price to that precision, half away from zero, with
  // a guard for noise below 1e-6 of a unit), then in ticks.
  const scaled = price * 10 ** places
  const nearestUnit = Math.round(scaled)
  const u = Math.abs(scaled - nearestUnit) < 1e-6 ? nearestUnit : scaled
  const q = u / unit
  const rq = Math.round(q)
  if (Math.abs(q - rq) < 1e-9) return rq
  if (rounding === 'down') return Math.floor(q)
  if (rounding === 'up') return Math.ceil(q)
  return Math.sign(q) * Math.round(Math.abs(q))
}

/** The price of a tick count: the double nearest the exact decimal (prints as that decimal). */
export function fromTicks(ticks: number, increment: number): number {
  if (!Number.isSafeInteger(ticks)) throw new RangeError(`Tick count must be an integer, got ${ticks}`)
  const { places, unit } = units(increment)
  return Number((ticks * unit).toString() + 'e-' + places)
}

/** Round a price onto the increment's grid. */
export function roundToIncrement(price: number, increment: number, rounding: Rounding = 'nearest'): number {
  return fromTicks(toTicks(price, increment, rounding), increment)
}

/** Whether a price lies exactly on the grid (binary noise below a millionth of a tick tolerated). */
export function isOnIncrement(price: number, increment: number): boolean {
  if (!Number.isFinite(price)) return false
  const { places, unit } = units(increment)
  const scaled = price * 10 ** places
  const n = Math.round(scaled)
  return Math.abs(scaled - n) < 1e-6 && n % unit === 0
}

/** The price as its exact decimal text, with the increment's places: 673.05, 0.1234, 12.50. */
export function formatPrice(price: number, increment: number): string {
  const { places } = units(increment)
  return roundToIncrement(price, increment).toFixed(places)
}

/** `a − b` exactly, on the grid of `increment` (both rounded to it first). */
export function subtractPrices(a: number, b: number, increment: number): number {
  return fromTicks(toTicks(a, increment) - toTicks(b, increment), increment)
}

/**
 * Reward over risk with both legs counted in whole ticks: |target − entry| / |entry − stop|.
 * Exact for prices on the grid (3 ticks over 2 ticks is 1.5, not 1.4999999999999998).
 */
export function rewardRisk(entry: number, stop: number, target: number, increment: number): number {
  const e = toTicks(entry, increment)
  const risk = Math.abs(e - toTicks(stop, increment))
  if (risk === 0) return Infinity
  return Math.abs(toTicks(target, increment) - e) / risk
}

/** IBKR's default increment for a US stock price when the contract's rules are not known: 0.0001 under $1. */
export function defaultIncrement(price: number): number {
  return price > 0 && price < 1 ? 0.0001 : 0.01
}

/** A contract's price rules as IBKR gives them (`info-and-rules`): one increment, or one per price band. */
export interface IncrementRules {
  increment: number | null
  /** `{lowerEdge, increment}` bands: the band with the highest lowerEdge at or below the price applies. */
  bands: readonly { lowerEdge: number; increment: number }[]
}

/** The increment that applies at `price` under a contract's rules (IBKR's US stock default without them). */
export function incrementAt(rules: IncrementRules | null, price: number): number {
  const band = (rules?.bands ?? [])
    .filter((b) => b.increment > 0 && b.lowerEdge <= price)
    .sort((a, b) => b.lowerEdge - a.lowerEdge)[0]
  if (band) return band.increment
  if (rules?.increment && rules.increment > 0) return rules.increment
  return defaultIncrement(price)
}
