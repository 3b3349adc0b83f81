import type { GateExposure, GateLimits } from './gate'

// Shared inputs for gate tests: the default limits (RELIABILITY.md §1.2) and an empty book.

export const TEST_LIMITS: GateLimits = {
  maxOrderNotional: 50_000,
  maxSymbolNotional: 100_000,
  maxStrategyNotional: 150_000,
  maxGrossExposurePct: 0.9,
  maxOpenPositions: 10,
  priceCollarPct: 0.05,
  maxQuoteAgeMs: 60_000,
  losingStreak: 3,
  pauseOnLosingStreak: false,
}

export const EMPTY_BOOK: GateExposure = {
  symbol: 0,
  strategy: null,
  gross: 0,
  openPositions: 0,
  opensNew: true,
  netLiquidation: 1_000_000,
  losingStreak: 0,
}
