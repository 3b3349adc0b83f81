import { costMicros } from '../../llm/prices'
import type { ArmSpec } from './asof-pipeline'

// The up-front estimate (EVALUATION.md §8): calls, tokens including image tokens, USD low/high from
// the price table minus cache hits, and time.

/** Tokens per call, low and high: prompt text, each chart image, and the answer. */
const TOKENS = {
  low: { text: 2_500, image: 800, completion: 400 },
  high: { text: 5_000, image: 1_500, completion: 1_200 },
} as const
/** The -mini vision models bill an image as ~33× the tokens of the full model. */
const miniImageFactor = (model: string) => (/mini|nano/.test(model) ? 33 : 1)
/** Seconds per fresh model call and per decision replayed without one. */
const SECONDS = { call: 8, rulesDecision: 0.03, chart: 0.4 } as const

export function estimateCost(arms: readonly ArmSpec[], dates: number, cachedCalls: number, concurrency = 2) {
  let calls = 0
  let usdLow = 0
  let usdHigh = 0
  let seconds = 0
  for (const arm of arms) {
    if (arm.choice.provider === 'rules') {
      seconds += dates * SECONDS.rulesDecision
      continue
    }
    calls += dates
    const isOpenAI = arm.choice.endpoint.isOpenAI
    // The no-chart baseline sends no image.
    const images = arm.view?.charts === false ? 0 : 2 * miniImageFactor(arm.choice.model)
    const price = (t: (typeof TOKENS)['low' | 'high']) =>
      (costMicros(arm.choice.model, isOpenAI, t.text + images * t.image, t.completion) ?? 0) / 1e6
    usdLow += price(TOKENS.low)
    usdHigh += price(TOKENS.high)
    if (arm.view?.charts !== false) seconds += dates * SECONDS.chart
  }
  const fresh = Math.max(0, calls - cachedCalls)
  const perCallLow = calls ? usdLow / arms.filter((a) => a.choice.provider !== 'rules').length : 0
  const perCallHigh = calls ? usdHigh / arms.filter((a) => a.choice.provider !== 'rules').length : 0
  seconds += (fresh * SECONDS.call) / Math.max(1, concurrency)
  return {
    decisions: dates * arms.length,
    calls,
    cachedCalls: Math.min(cachedCalls, calls),
    usdLow: round(fresh * perCallLow),
    usdHigh: round(fresh * perCallHigh),
    seconds: Math.ceil(seconds),
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000
