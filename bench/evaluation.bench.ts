// Evaluation lab (F25, EVALUATION.md §9): the pure parts on seeded data — as-of inputs per date
// (truncate, partial week, indicators; no charts), bracket fills, the random-entry baseline, the
// paired block bootstrap and a one-year report from stored decisions; peak RSS.
import { performance } from 'node:perf_hooks'
import type { Bar } from '../src-main/contract/models'
import { pairedBlockBootstrap } from '../src-main/domain/evaluation/ab'
import { randomEntries } from '../src-main/domain/evaluation/baselines'
import { asOfInputs } from '../src-main/domain/evaluation/calendar'
import { simulateBracket } from '../src-main/domain/evaluation/fills'
import { seededRng } from '../src-main/domain/evaluation/rng'
import { nyDate } from '../src-main/domain/indicators/ny-time'
import { analyse } from '../src-main/domain/runs/analysis'
import { buildReport } from '../src-main/engine/evaluation/report'
import type { DecisionRow } from '../src-main/store/evaluation-repo'
import { round, writeResult } from './harness'

const rng = seededRng(2026)
const DAY = 86_400_000
// Six years of weekday bars on a seeded random walk.
const daily: Bar[] = []
let px = 100
for (let t = Date.parse('2019-01-02T14:30:00Z'); daily.length < 1500; t += DAY) {
  const dow = new Date(t).getUTCDay()
  if (dow === 0 || dow === 6) continue
  const o = px
  const c = Math.max(1, o * (1 + (rng() - 0.5) * 0.04))
  daily.push({ t, o, h: Math.max(o, c) * (1 + rng() * 0.01), l: Math.min(o, c) * (1 - rng() * 0.01), c, v: 1e6 })
  px = c
}
const dates = daily.map((b) => nyDate(b.t))

const time = (fn: () => void) => {
  const t = performance.now()
  fn()
  return performance.now() - t
}

// As-of inputs without charts, per date (the last 250 sessions).
const asOfMs =
  time(() => {
    for (const t of dates.slice(-250)) {
      const i = asOfInputs(daily, t, 504)
      analyse(i.daily, i.weekly, [])
    }
  }) / 250

// 10,000 brackets × 20 bars.
const fillMs = time(() => {
  for (let k = 0; k < 10_000; k++) {
    const i = 600 + (k % 800)
    const e = daily[i]!.c
    simulateBracket(
      daily.slice(i + 1, i + 21),
      { side: 'BUY', entry: e, stop: e * 0.97, target: e * 1.06 },
      { horizon: 20, slippageBps: 5, plan: 'fixed', qty: 100 },
    )
  }
})

// Random baseline: 1,000 seeds × 250 dates.
const idx = Array.from({ length: 250 }, (_, k) => 1200 + k)
const randomMs = time(() => {
  randomEntries(
    daily,
    idx,
    60,
    { stopFrac: 0.03, rr: 2, longShare: 1 },
    { horizon: 20, slippageBps: 5, plan: 'fixed', qty: 100 },
    0.1,
    1000,
    7,
  )
})

// Paired bootstrap: 10,000 resamples over 1,000 trades.
const diffs = Array.from({ length: 1000 }, (_, k) => ({ week: `w${Math.floor(k / 4)}`, d: rng() * 2 - 0.9 }))
const bootstrapMs = time(() => void pairedBlockBootstrap(diffs, { resamples: 10_000, seed: 3 }))

// A one-year report from stored decisions (what a cached evaluation does once its rows exist).
const yearDates = dates.slice(1200, 1452)
const rows: DecisionRow[] = yearDates.map((date, k) => {
  const traded = k % 3 === 0
  const r = traded ? rng() * 3 - 1.2 : null
  return {
    evaluationId: 'bench',
    arm: 0,
    date,
    runId: null,
    cacheKey: 'x',
    inputsSha256: 'x',
    action: traded ? 'BUY' : 'HOLD',
    status: 'ACCEPTED',
    entry: traded ? 100 : null,
    stop: traded ? 97 : null,
    targets: traded ? [106] : [],
    confidence: traded ? 0.5 + rng() * 0.4 : 0.5,
    fillDate: traded ? yearDates[Math.min(k + 1, yearDates.length - 1)]! : null,
    fillPrice: traded ? 100 : null,
    exitDate: traded ? yearDates[Math.min(k + 5, yearDates.length - 1)]! : null,
    exitPrice: traded ? 100 + r! * 3 : null,
    exitReason: traded ? (r! > 0 ? 'target' : 'stop') : null,
    r,
    rOptimistic: r,
    ambiguous: false,
    pnl: traded ? r! * 300 : null,
    costs: traded ? 2 : 0,
    mfeR: null,
    maeR: null,
    costMicros: 0,
    createdAt: 0,
    fillVariants: traded ? { sweep: { '0': r! + 0.01, '5': r, '10': r! - 0.01, '25': r! - 0.03 } } : null,
  }
})
const reportMs = time(() =>
  buildReport({
    id: 'bench',
    strategyId: 's',
    symbol: 'X',
    from: yearDates[0]!,
    to: yearDates.at(-1)!,
    horizon: 20,
    source: 'simulator',
    capital: 100_000,
    slippageBps: 5,
    sessions: yearDates,
    daily,
    arms: [{ label: 'A', provider: 'rules', model: 'rules-v1', promptVersionId: null }],
    decisions: rows,
    trials: 1,
  }),
)

const rssMb = process.memoryUsage().rss / 1e6
const r = writeResult(
  'evaluation',
  'Evaluation lab, pure parts on a seeded 6-year series: as-of inputs per date without charts, ' +
    '10,000 brackets × 20 bars, random baseline 1,000 seeds × 250 dates, paired block bootstrap ' +
    '10,000 × 1,000 trades, one-year report from stored decisions; peak RSS',
  {
    asOfPerDateMs: round(asOfMs),
    fills10kMs: round(fillMs),
    randomBaselineMs: round(randomMs),
    pairedBootstrapMs: round(bootstrapMs),
    yearReportMs: round(reportMs),
    rssMb: round(rssMb, 1),
  },
  [
    { metric: 'asOfPerDateMs', op: '<=', value: 5 },
    { metric: 'fills10kMs', op: '<=', value: 200 },
    { metric: 'randomBaselineMs', op: '<=', value: 2000 },
    { metric: 'pairedBootstrapMs', op: '<=', value: 1000 },
    { metric: 'yearReportMs', op: '<=', value: 3000 },
    { metric: 'rssMb', op: '<=', value: 300 },
  ],
)
console.log(JSON.stringify(r.metrics), r.pass ? 'PASS' : 'FAIL')
