// The full indicator set (13 indicators) over 10,000 bars, as the chart and the runs compute it.
import { performance } from 'node:perf_hooks'
import { IndicatorSpecs, INDICATORS } from '../src-main/contract/indicators'
import { computeIndicators, IndicatorStream } from '../src-main/domain/indicators'
import { randomWalkBars } from '../src-main/domain/indicators/fixtures'
import { stats, writeResult } from './harness'

const BARS = 10_000
const RUNS = 30
const bars = randomWalkBars(BARS, 11)
const specs = IndicatorSpecs.parse(INDICATORS.map((i) => ({ id: i.type, type: i.type })))

for (let i = 0; i < 5; i++) computeIndicators(bars, specs)
const durations: number[] = []
for (let i = 0; i < RUNS; i++) {
  const t = performance.now()
  computeIndicators(bars, specs)
  durations.push(performance.now() - t)
}
const batch = stats(durations)

// Live path: one forming-bar replace of all 13 indicators.
const stream = new IndicatorStream(specs)
for (const b of bars) stream.push(b)
const last = bars.at(-1)!
const TICKS = 20_000
const t0 = performance.now()
for (let i = 0; i < TICKS; i++) stream.replace({ ...last, c: last.c * (1 + (i % 7) * 1e-4) })
const perTickUs = ((performance.now() - t0) / TICKS) * 1000

const r = writeResult(
  'indicators',
  `${specs.length} indicators over ${BARS} bars (batch, ${RUNS} runs after warm-up), and one ` +
    `forming-bar update of all of them`,
  {
    bars: BARS,
    indicators: specs.length,
    batchP50Ms: batch.p50,
    batchP99Ms: batch.p99,
    batchMeanMs: batch.mean,
    liveUpdateUs: perTickUs,
  },
  [{ metric: 'batchP50Ms', op: '<=', value: 20 }],
)
console.log(JSON.stringify(r.metrics))
