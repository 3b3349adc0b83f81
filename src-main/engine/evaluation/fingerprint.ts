import { createHash } from 'node:crypto'
import type { Bar } from '../../contract/models'

// Hashes of a decision's bars and indicators by value, for the look-ahead self-test: the truncated rebuild
// is compared with the recorded decision by these, so it never formats its ~20,000 numbers as JSON (2-3 ms
// a date) only to hash them. Equal fingerprints mean equal numbers, in order, with equal names and labels;
// they tell −0 from 0 and NaN from null apart where JSON would not (stricter, never looser).

const bytes = (f: Float64Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength)

/** The bars as the bars artifact holds them ({ daily, weekly }), by value. */
export function barsFingerprint(daily: readonly Bar[], weekly: readonly Bar[] | null): string {
  const h = createHash('sha256')
  for (const bars of weekly === null ? [daily] : [daily, weekly]) {
    const f = new Float64Array(bars.length * 6)
    bars.forEach((b, i) => f.set([b.t, b.o, b.h, b.l, b.c, b.v], i * 6))
    h.update(`bars ${bars.length};`).update(bytes(f))
  }
  return h.update(weekly === null ? 'weekly null' : 'weekly').digest('hex')
}

/** The array's numbers by their bits and its nulls by position, or null when it holds anything else. */
function numberBytes(v: readonly unknown[]): { values: Float64Array; nulls: string } | null {
  const values = new Float64Array(v.length)
  let nulls = ''
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (typeof x === 'number') values[i] = x
    else if (x === null) {
      nulls += `${i},`
      values[i] = NaN
    } else return null
  }
  return { values, nulls }
}

/** Any JSON-like value (the analysis arrays { daily, weekly, strategy }), number arrays by their bits. */
export function valueFingerprint(value: unknown): string {
  const h = createHash('sha256')
  let text = ''
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      const numbers = v.length > 8 ? numberBytes(v) : null
      if (numbers) {
        h.update(`${text}#${v.length}:${numbers.nulls}:`).update(bytes(numbers.values))
        text = ''
      } else {
        text += '['
        for (const x of v) walk(x)
        text += ']'
      }
    } else if (v !== null && typeof v === 'object') {
      text += '{'
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k]
        if (x !== undefined && Object.hasOwn(v, k)) {
          text += JSON.stringify(k)
          walk(x)
        }
      }
      text += '}'
    } else text += `${JSON.stringify(v) ?? 'undefined'};`
  }
  walk(value)
  return h.update(text).digest('hex')
}
