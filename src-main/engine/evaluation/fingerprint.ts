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

const isNumbers = (v: unknown[]) => v.every((x) => x === null || typeof x === 'number')

/** Any JSON-like value (the indicators artifact's { daily, weekly, strategy }), number arrays by their bits. */
export function valueFingerprint(value: unknown): string {
  const h = createHash('sha256')
  let text = ''
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (v.length > 8 && isNumbers(v)) {
        const f = new Float64Array(v.length)
        for (let i = 0; i < v.length; i++) {
          const x = v[i] as number | null
          if (x === null) text += `n${i}`
          f[i] = x ?? NaN
        }
        h.update(`${text}#${v.length}:`).update(bytes(f))
        text = ''
      } else {
        text += '['
        for (const x of v) walk(x)
        text += ']'
      }
    } else if (v !== null && typeof v === 'object') {
      text += '{'
      for (const [k, x] of Object.entries(v))
        if (x !== undefined) {
          text += JSON.stringify(k)
          walk(x)
        }
      text += '}'
    } else text += `${JSON.stringify(v) ?? 'undefined'};`
  }
  walk(value)
  return h.update(text).digest('hex')
}
