import {
  IndicatorSpec,
  INDICATORS,
  type IndicatorInfo,
  type IndicatorSpecInput,
} from '../../src-main/contract/indicators'
import type { Bar, IndicatorResult } from '../../src-main/contract/models'
// The one indicator engine (F4): pure code, the same the runs use. The renderer may import it as
// the only exception to "contract only" (LLM.md §10: it also drives the live chart).
import { computeIndicators } from '../../src-main/domain/indicators'

export type ActiveIndicator = IndicatorSpecInput & { id: string; type: string; params: Record<string, unknown> }

export function indicatorCatalog(): readonly IndicatorInfo[] {
  return INDICATORS
}

let counter = 0
export function defaultIndicator(type: string, params: Record<string, unknown>): ActiveIndicator {
  counter++
  return { id: `${type}-${Date.now().toString(36)}-${counter}`, type, params } as ActiveIndicator
}

/** Indicators for the chart; a saved layout entry that no longer validates is skipped. */
export function computeForChart(bars: readonly Bar[], active: readonly ActiveIndicator[]): IndicatorResult[] {
  const specs = active.flatMap((a) => {
    const r = IndicatorSpec.safeParse(a)
    return r.success ? [r.data] : []
  })
  return computeIndicators(bars, specs)
}
