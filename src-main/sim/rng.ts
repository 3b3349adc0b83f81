// Seeded randomness for the simulator: independent streams keyed by a label (per instrument, per
// day, for ids…), so adding an instrument or a request never changes another stream (IBKR.md §7.3).

/** 32-bit FNV-1a hash of a string, mixed with a seed. */
export function hash32(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** mulberry32: small, fast, good enough for simulated prices. Returns floats in [0, 1). */
export function stream(seed: number, label: string): () => number {
  let s = hash32(seed, label)
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws (Box–Muller) from a uniform stream. */
export function normals(uniform: () => number): () => number {
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const v = spare
      spare = null
      return v
    }
    let u = 0
    while (u === 0) u = uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    const a = 2 * Math.PI * uniform()
    spare = r * Math.sin(a)
    return r * Math.cos(a)
  }
}
