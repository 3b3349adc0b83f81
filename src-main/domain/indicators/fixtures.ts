import type { Bar } from '../../contract/models'

/** Deterministic test bars: a seeded random walk with realistic OHLCV (mulberry32 PRNG). */
export function randomWalkBars(count: number, seed = 42, start = Date.UTC(2024, 0, 2, 14, 30)): Bar[] {
  let s = seed >>> 0
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const bars: Bar[] = []
  let close = 100
  for (let i = 0; i < count; i++) {
    const open = close * (1 + (rand() - 0.5) * 0.01)
    close = open * (1 + (rand() - 0.5) * 0.04)
    const high = Math.max(open, close) * (1 + rand() * 0.01)
    const low = Math.min(open, close) * (1 - rand() * 0.01)
    bars.push({ t: start + i * 86_400_000, o: open, h: high, l: low, c: close, v: Math.round(1e5 + rand() * 9e5) })
  }
  return bars
}
