// The per-date analysis a run (and every date of an evaluation) does on two years of daily bars:
// analyse(), the 3-of-4 votes the rules analyst reads, the default prompt rendered; then the full
// indicator set (13 indicators) over 10,000 bars as the chart computes it, one forming-bar update
// of all of them, and analyse() again in a process that has run the live stream.
import { performance } from 'node:perf_hooks'
import { IndicatorSpecs, INDICATORS } from '../src-main/contract/indicators'
import { computeIndicators, IndicatorStream } from '../src-main/domain/indicators'
import { randomWalkBars } from '../src-main/domain/indicators/fixtures'
import { DEFAULT_COMBINED, DEFAULT_SYSTEM } from '../src-main/domain/prompts/defaults'
import { createPromptEngine, renderTemplate } from '../src-main/domain/prompts/engine'
import { sampleContext } from '../src-main/domain/prompts/fixtures'
import { analyse } from '../src-main/domain/runs/analysis'
import { confirmationOf } from '../src-main/domain/signals/confirmation'
import { DEMO_INDICATORS } from '../src-main/engine/demo-seed'
import { stats, writeResult } from './harness'

/** Milliseconds per call: the best of 5 rounds of `n` calls (the machine is shared), after a warm-up round. */
async function perCall(n: number, f: () => unknown): Promise<number> {
  let best = Infinity
  for (let round = 0; round < 6; round++) {
    const t = performance.now()
    for (let i = 0; i < n; i++) await f()
    if (round > 0) best = Math.min(best, (performance.now() - t) / n)
  }
  return best
}

// One date of a run: two years of daily bars, three of weekly, the demo strategy's indicators.
const daily = randomWalkBars(504, 12)
const weekly = randomWalkBars(156, 13)
const demo = IndicatorSpecs.parse(DEMO_INDICATORS)

async function main() {
  const analyseMs = await perCall(200, () => analyse(daily, weekly, demo))
  const analyseDailyOnlyMs = await perCall(200, () => analyse(daily, null, []))
  const confirmationMs = await perCall(200, () => confirmationOf(daily))
  // The prompt of one date: the default system and user templates rendered with one context.
  const engine = createPromptEngine()
  const context = sampleContext()
  const renderMs = await perCall(100, async () => {
    await renderTemplate(engine, DEFAULT_SYSTEM, context)
    await renderTemplate(engine, DEFAULT_COMBINED, context)
  })

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
  const analyseAfterStreamMs = await perCall(200, () => analyse(daily, weekly, demo))

  const r = writeResult(
    'indicators',
    `Per date of a run: analyse() on 504 daily + 156 weekly bars with the demo strategy's indicators, ` +
      `on the daily bars alone, the 3-of-4 confirmation, the default system + user prompt rendered; ` +
      `${specs.length} indicators over ${BARS} bars (batch, ${RUNS} runs after warm-up), one ` +
      `forming-bar update of all of them, and analyse() again after the live stream ran`,
    {
      analyse504Ms: analyseMs,
      analyse504DailyOnlyMs: analyseDailyOnlyMs,
      confirmation504Ms: confirmationMs,
      renderPromptMs: renderMs,
      bars: BARS,
      indicators: specs.length,
      batchP50Ms: batch.p50,
      batchP99Ms: batch.p99,
      batchMeanMs: batch.mean,
      liveUpdateUs: perTickUs,
      analyse504AfterStreamMs: analyseAfterStreamMs,
    },
    [{ metric: 'batchP50Ms', op: '<=', value: 20 }],
  )
  console.log(JSON.stringify(r.metrics))
}

void main()
