import { defaultIncrement, formatPrice, roundToIncrement } from '../domain/prices'
import type { SimInstrument } from './reference'
import { Calendar, DAY, MINUTE, nyDayOf, type Session } from './calendar'
import { normals, stream } from './rng'

// One price path per (seed, instrument): daily closes by a seeded random walk anchored at the
// instrument's base price on ANCHOR_DAY, and each session's minutes as a seeded Brownian bridge
// from the previous close to that day's close. History, snapshots and the live stream all read
// this same path, so they always agree (IBKR.md §7.6).

export interface OhlcvBar {
  t: number
  o: number
  h: number
  l: number
  c: number
  v: number
}

interface MinutePath {
  session: Session
  /** Close of each session minute; opens are the previous close (the first opens at `prevClose`). */
  closes: Float64Array
  highs: Float64Array
  lows: Float64Array
  volumes: Float64Array
  prevClose: number
  /** The session's first price (the previous close plus the overnight gap). */
  open: number
}

/**
 * A day's volume over the average: heavy-tailed (lognormal, σ 0.4) and rising with the size of the
 * day's move and of its opening gap, both in daily standard deviations. Averages about one.
 */
export function dayVolumeFactor(logReturn: number, gap: number, dailyVol: number, z: number): number {
  const move = Math.abs(logReturn) / dailyVol
  const jump = Math.abs(gap) / dailyVol
  return Math.exp(0.4 * z - 0.08) * (0.5 + 0.45 * move ** 1.4 + 0.9 * jump)
}

const ANCHOR_DAY = Math.floor(Date.UTC(2026, 0, 2) / DAY)
/**
 * Minute paths kept, least recently used first out. A path is 4 × 1,440 doubles on the always-open
 * calendar (46 KB); closed sessions' daily bars are cached on their own (closedBars), and a path is
 * regenerated identically from the seed in well under a millisecond, so only the live days and the
 * intraday charts in view earn a place (4,000 paths held 99 MB after ten demo runs).
 */
export const MAX_CACHED_PATHS = 64

export class PriceEngine {
  private readonly closes = new Map<number, Map<number, number>>()
  private readonly paths = new Map<string, MinutePath>()
  private readonly overrides = new Map<number, { from: number; factor: number; driftPerHour: number }>()
  private readonly closedBars = new Map<string, OhlcvBar>()

  constructor(
    private readonly seed: number,
    readonly calendar: Calendar,
    private readonly instruments: Map<number, SimInstrument>,
  ) {}

  /** How many minute paths are held (tests of the bound). */
  cachedPaths(): number {
    return this.paths.size
  }

  instrument(conid: number): SimInstrument | undefined {
    return this.instruments.get(conid)
  }

  /** Close of New York day `day` (the previous trading day's close on a day without a session). */
  dailyClose(conid: number, day: number): number {
    const inst = this.instruments.get(conid)!
    let cache = this.closes.get(conid)
    if (!cache) {
      cache = new Map([[ANCHOR_DAY, inst.basePrice]])
      this.closes.set(conid, cache)
    }
    const known = cache.get(day)
    if (known !== undefined) return known
    // Around the clock every calendar day trades: spread a trading day's variance over 7/5 days.
    const vol = this.calendar.kind === 'always-open' ? inst.dailyVol * Math.sqrt(5 / 7) : inst.dailyVol
    const logReturn = (d: number) => {
      if (!this.calendar.isTradingDay(d)) return 0
      const z = normals(stream(this.seed, `close:${conid}:${d}`))()
      return vol * z - (vol * vol) / 2
    }
    // Walk from the nearest computed day toward `day`, filling the cache (no deep recursion).
    const dir = day > ANCHOR_DAY ? 1 : -1
    let d = day
    while (!cache.has(d)) d -= dir
    let value = cache.get(d)!
    while (d !== day) {
      d += dir
      value = dir > 0 ? value * Math.exp(logReturn(d)) : value / Math.exp(logReturn(d + 1))
      cache.set(d, value)
    }
    return value
  }

  private path(conid: number, day: number): MinutePath | null {
    const session = this.calendar.session(day)
    if (!session) return null
    const key = `${conid}:${day}`
    const cached = this.paths.get(key)
    if (cached) {
      this.paths.delete(key)
      this.paths.set(key, cached)
      return cached
    }
    const inst = this.instruments.get(conid)!
    const prevClose = this.dailyClose(conid, day - 1)
    const close = this.dailyClose(conid, day)
    const n = session.minutes
    const z = normals(stream(this.seed, `minutes:${conid}:${day}`))
    const u = stream(this.seed, `volume:${conid}:${day}`)
    const sd = inst.dailyVol / Math.sqrt(n)
    const target = Math.log(close / prevClose)
    // The open gaps: part of the day's move, and some news of its own, happens overnight.
    const g = stream(this.seed, `gap:${conid}:${day}`)
    const gap = target * 0.4 * g() + inst.dailyVol * 0.2 * normals(g)()
    const open = prevClose * Math.exp(gap)
    const walk = new Float64Array(n + 1)
    for (let k = 1; k <= n; k++) walk[k] = walk[k - 1]! + sd * z()
    const rest = target - gap
    const closes = new Float64Array(n)
    const highs = new Float64Array(n)
    const lows = new Float64Array(n)
    const volumes = new Float64Array(n)
    const dayVolume =
      inst.avgVolume *
      dayVolumeFactor(target, gap, inst.dailyVol, normals(stream(this.seed, `dayvol:${conid}:${day}`))())
    let prev = open
    for (let k = 1; k <= n; k++) {
      const price = open * Math.exp(walk[k]! - (k / n) * (walk[n]! - rest))
      const wiggle = Math.abs(price - prev) * 0.5 + price * sd * 0.3 * u()
      closes[k - 1] = price
      highs[k - 1] = Math.max(prev, price) + wiggle * u()
      lows[k - 1] = Math.min(prev, price) - wiggle * u()
      // U-shaped intraday volume (busier near the open and the close; the shape averages 1), busier
      // still in minutes that move, with a heavy-tailed minute-to-minute draw.
      const x = (k - 0.5) / n
      const shape = (0.6 + 6.4 * (x - 0.5) ** 2) / (0.6 + 6.4 / 12)
      const move = 0.7 + 0.3 * Math.min(4, Math.abs(Math.log(price / prev)) / sd)
      volumes[k - 1] = Math.round((dayVolume / n) * shape * move * Math.exp(0.5 * (u() + u() + u()) - 0.75) * 0.93)
      prev = price
    }
    const path = { session, closes, highs, lows, volumes, prevClose, open }
    if (this.paths.size >= MAX_CACHED_PATHS) this.paths.delete(this.paths.keys().next().value!)
    this.paths.set(key, path)
    return path
  }

  /** Force the price to `target` from `t` on, scaling the rest of the path (tests: stop triggers). */
  jumpTo(conid: number, t: number, target: number): void {
    this.overrides.set(conid, {
      from: t,
      factor: target / this.rawPrice(conid, t),
      driftPerHour: this.overrides.get(conid)?.driftPerHour ?? 0,
    })
  }

  /** Tilt the price by `perHour` (0.01 = +1 % an hour, compounded) from `t` on (tests: trends). */
  drift(conid: number, t: number, perHour: number): void {
    this.overrides.set(conid, { from: t, factor: this.factor(conid, t), driftPerHour: perHour })
  }

  private factor(conid: number, t: number): number {
    const o = this.overrides.get(conid)
    if (!o || t < o.from) return 1
    return o.factor * Math.exp(Math.log1p(o.driftPerHour) * ((t - o.from) / 3_600_000))
  }

  /** Last traded price at `t`: interpolated within the minute, flat outside the session. */
  price(conid: number, t: number): number {
    return this.rawPrice(conid, t) * this.factor(conid, t)
  }

  private rawPrice(conid: number, t: number): number {
    const day = nyDayOf(t)
    const p = this.path(conid, day)
    let base: number
    if (!p || t < p.session.start) base = this.dailyClose(conid, this.calendar.tradingDayAtOrBefore(day - 1))
    else if (t >= p.session.end) base = p.closes[p.closes.length - 1]!
    else {
      const m = Math.floor((t - p.session.start) / MINUTE)
      const frac = (t - p.session.start - m * MINUTE) / MINUTE
      const from = m === 0 ? p.open : p.closes[m - 1]!
      const to = p.closes[m]!
      const second = Math.floor(frac * 60)
      const noise =
        (stream(this.seed, `tick:${conid}:${day}:${m}:${second}`)() - 0.5) *
        Math.abs(to - from) *
        Math.sin(Math.PI * frac)
      base = from + (to - from) * frac + noise
    }
    return base
  }

  /** The session's bar so far (open to `t`), or null before it opened. Closed sessions are cached. */
  sessionBar(conid: number, day: number, until: number): OhlcvBar | null {
    const key = `${conid}:${day}`
    const done = this.closedBars.get(key)
    if (done && !this.overrides.has(conid)) return done
    const p = this.path(conid, day)
    if (!p || until <= p.session.start) return null
    const bar = this.aggregate(
      conid,
      p,
      0,
      Math.min(p.closes.length, Math.ceil((until - p.session.start) / MINUTE)),
      until,
    )
    if (until >= p.session.end && !this.overrides.has(conid)) this.closedBars.set(key, bar)
    return bar
  }

  /** Intraday bars of `barMinutes` within one session, up to `until`. */
  intradayBars(conid: number, day: number, barMinutes: number, until: number): OhlcvBar[] {
    const p = this.path(conid, day)
    if (!p) return []
    const out: OhlcvBar[] = []
    for (let first = 0; first < p.closes.length; first += barMinutes) {
      const barStart = p.session.start + first * MINUTE
      if (barStart >= until) break
      const last = Math.min(p.closes.length, first + barMinutes, Math.ceil((until - p.session.start) / MINUTE))
      out.push(this.aggregate(conid, p, first, last, until))
    }
    return out
  }

  private aggregate(conid: number, p: MinutePath, first: number, lastExclusive: number, until: number): OhlcvBar {
    const t = p.session.start + first * MINUTE
    const open = (first === 0 ? p.open : p.closes[first - 1]!) * this.factor(conid, t)
    let h = open
    let l = open
    let v = 0
    for (let k = first; k < lastExclusive; k++) {
      const minuteEnd = p.session.start + (k + 1) * MINUTE
      const f = this.factor(conid, minuteEnd)
      if (minuteEnd > until) {
        // The forming minute: only what has traded so far.
        const now = this.price(conid, until)
        h = Math.max(h, now)
        l = Math.min(l, now)
        v += Math.round(p.volumes[k]! * ((until - (minuteEnd - MINUTE)) / MINUTE))
        continue
      }
      h = Math.max(h, p.highs[k]! * f)
      l = Math.min(l, p.lows[k]! * f)
      v += p.volumes[k]!
    }
    const lastMinuteEnd = p.session.start + lastExclusive * MINUTE
    const c =
      lastMinuteEnd > until
        ? this.price(conid, until)
        : p.closes[lastExclusive - 1]! * this.factor(conid, lastMinuteEnd)
    return { t, o: roundPx(open), h: roundPx(Math.max(h, c, open)), l: roundPx(Math.min(l, c, open)), c: roundPx(c), v }
  }
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100
}

/** IBKR's increment for a US stock at this price: 0.0001 under one dollar, else 0.01. */
export function simIncrement(price: number): number {
  return defaultIncrement(price)
}

/** A price on its increment: four places under a dollar, two above (decimal-safe). */
export function roundPx(x: number): number {
  return roundToIncrement(x, simIncrement(x))
}

/** A price as IBKR prints it: the increment's places. */
export function fmtPx(x: number): string {
  return formatPrice(x, simIncrement(x))
}
