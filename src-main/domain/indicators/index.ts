export {
  computeIndicators,
  computeIndicatorSeries,
  IndicatorMemo,
  IndicatorStream,
  warmupBars,
  type IndicatorValues,
} from './engine'
export { SuperTrend, type SuperTrendPoint } from './supertrend'
export { AnchoredVwap, anchorKey, type VwapAnchor } from './vwap'
