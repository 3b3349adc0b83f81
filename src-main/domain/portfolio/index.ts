// The portfolio domain (F16): pure, no I/O. See book.ts (fills → positions and trades), metrics.ts
// (unrealized, R, stats, concentration, daily loss) and money.ts (integer micro-units).
export {
  Book,
  byTime,
  foldFills,
  avgCost,
  positionKey,
  signedBasis,
  tradePrices,
  type BookOptions,
  type Fill,
  type PositionState,
  type Side,
  type Trade,
} from './book'
export {
  closedFigures,
  concentration,
  dailyLoss,
  initialRisk,
  rMultiple,
  tradeStats,
  unrealized,
  type ClosedTradeFigures,
  type Concentration,
  type DailyLoss,
  type DailyLossInput,
  type TradeStats,
} from './metrics'
export { MICROS, add, microsToDecimal, microsToNumber, mulDiv, mulQty, toMicros, type Micros } from './money'
