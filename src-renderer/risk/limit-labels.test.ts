import { describe, expect, it } from 'vitest'
import type { RiskLimits } from '../../src-main/contract/risk-limits-api'
import { labelOf, loosenLine, parsedValue, shownValue, withUnit } from './limit-labels'

// The loosen confirmation reads in the Settings form's labels and units, while the phrase keeps the
// keys main checks (the e2e risk-limits.spec.ts types it against the real engine).

const LIMITS: RiskLimits = {
  riskPct: 0.01,
  maxOrderNotional: 20_000,
  maxSymbolNotional: 100_000,
  maxStrategyNotional: 150_000,
  maxGrossExposurePct: 0.9,
  maxOpenPositions: 10,
  priceCollarPct: 0.05,
  maxQuoteAgeSec: 60,
  dailyLossPct: 0.03,
  losingStreak: 3,
  pauseOnLosingStreak: true,
  ratePerTwoSeconds: 1,
  ratePerMinute: 20,
  ratePerDay: 200,
}

describe('risk limit labels', () => {
  it('each loosened limit reads as its label and the change in its unit', () => {
    const before = LIMITS
    const after = { ...before, maxOrderNotional: 60_000, priceCollarPct: 0.08, maxQuoteAgeSec: 90 }
    after.pauseOnLosingStreak = false
    const keys = ['maxOrderNotional', 'priceCollarPct', 'maxQuoteAgeSec', 'pauseOnLosingStreak'] as const
    expect(keys.map((k) => loosenLine(k, before, after))).toEqual([
      'Max order notional $20,000 → $60,000',
      'Price collar 5\u00a0% → 8\u00a0%',
      'Quote max age 60\u00a0s → 90\u00a0s',
      'Pause new entries after the losing streak: on → off',
    ])
    expect(keys.map(labelOf)).toEqual([
      'Max order notional',
      'Price collar',
      'Quote max age',
      'Pause new entries after the losing streak',
    ])
  })

  it('percent values round-trip through the form without binary noise', () => {
    expect(shownValue('riskPct', 0.007)).toBe('0.7')
    expect(parsedValue('riskPct', '0.7')).toBe(0.007)
    expect(withUnit('dailyLossPct', 0.03)).toBe('3\u00a0%')
    expect(withUnit('ratePerDay', 200)).toBe('200')
  })
})
