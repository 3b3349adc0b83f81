import type { Bar } from '../../contract/models'
import { nyDate } from '../indicators/ny-time'
import { simulateBracket, type FillOptions } from './fills'
import { randInt, seededRng } from './rng'

// Baselines on the same dates, brackets and costs (EVALUATION.md §6).

/** Buy-and-hold over the window: buy at the close of the first session, value at the close of the last. */
export function buyAndHoldPct(daily: readonly Bar[], from: string, to: string): number | null {
  const inRange = daily.filter((b) => {
    const d = nyDate(b.t)
    return d >= from && d <= to
  })
  if (inRange.length < 2) return null
  return (inRange.at(-1)!.c / inRange[0]!.c - 1) * 100
}

export interface Geometry {
  /** Stop distance as a fraction of the entry. */
  stopFrac: number
  /** Target distance in multiples of the stop distance. */
  rr: number
  /** Share of BUY entries (the rest are SELL). */
  longShare: number
}

export interface RandomBaseline {
  seeds: number
  /** Expectancy (mean net R) of each seed that had trades. */
  expectancies: number[]
  /** Empirical p-value of the observed expectancy: (1 + #random ≥ observed) / (1 + seeds). */
  p: number | null
}

/**
 * Random entries with the same count and R geometry: each seed picks `count` decision dates at
 * random, enters at that close with the same stop distance and reward:risk, and fills by the same rules.
 */
export function randomEntries(
  daily: readonly Bar[],
  decisionIdx: readonly number[],
  count: number,
  g: Geometry,
  fill: FillOptions,
  observed: number | null,
  seeds = 1000,
  seed = 7,
): RandomBaseline {
  const rng = seededRng(seed)
  const expectancies: number[] = []
  if (count > 0 && decisionIdx.length > 0) {
    for (let s = 0; s < seeds; s++) {
      let sum = 0
      let n = 0
      for (let k = 0; k < count; k++) {
        const i = decisionIdx[randInt(rng, decisionIdx.length)]!
        const entry = daily[i]!.c
        const side = rng() < g.longShare ? 'BUY' : 'SELL'
        const dir = side === 'BUY' ? 1 : -1
        const dist = entry * g.stopFrac
        const res = simulateBracket(
          daily.slice(i + 1, i + 1 + fill.horizon),
          { side, entry, stop: entry - dir * dist, target: entry + dir * dist * g.rr },
          fill,
        )
        if (res.rNet !== null) {
          sum += res.rNet
          n++
        }
      }
      if (n > 0) expectancies.push(sum / n)
    }
  }
  const p =
    observed === null || expectancies.length === 0
      ? null
      : (1 + expectancies.filter((e) => e >= observed).length) / (1 + expectancies.length)
  return { seeds, expectancies, p }
}
