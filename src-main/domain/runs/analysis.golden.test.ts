import { describe, expect, it } from 'vitest'
import { computeIndicators, IndicatorStream } from '../indicators'
import { confirmationOf } from '../signals/confirmation'
import { rulesAnalyst } from '../signals/rules-analyst'
import { analyse } from './analysis'
import { CUSTOM_EVERY_KIND, DEFAULT_EVERY_KIND, digest, GOLDEN_CASES, LONG_AND_SHARED } from './golden.fixtures'

// Golden outputs, pinned from the code before the analysis was made faster: the lab's answer
// cache, the look-ahead self-test and the recorded artifacts hash these results, so a changed
// byte (or a −0 turned 0) is a regression, not a rounding detail.

const ANALYSE: Record<string, string> = {
  '504 daily + 156 weekly, every kind': '7764d00a41848172a535bc2e9fa7ec5e195f07ee6549e7831a0642eaa752cd58',
  '504 daily, custom kinds': 'a58b9111387400d9255c4a3603e03dcf8457d768c8a7f4e9c541af3b112bb784',
  '504 daily + weekly, long and shared': '2f6e230bdb1adc224bf8b053700f9ec3096ccec17bf7c4ef1f6812251910d08b',
  '260 daily + 60 weekly, none': 'a4ec6ae8cbbebb0e74085e6347aac52da8b40500ebe85e3b61eacf9b94a89db8',
  '40 daily + 12 weekly, warm-up': '6e14ada4b077b0dfc7c3fc4b576b2151309daeab94519f321b97f7e1b91b4171',
  '3 daily, 1 weekly': 'a8d1493792296d6b8f417f4bf936551b7c3391abf7739cba5842bd0070c1cab0',
  '1 daily': 'be99e460dc9bd4e90638db1c6f471c2aed299c65dec238de7dba39c571ea239f',
  'stepped + flat, every kind': '211a0b039cdad05bfe911a51c7bdc93bc398eaf0f826cf2cca99366802e80f4c',
  'stepped + flat, custom kinds': '4e310b5af3db539e4a9c3b6656fe1d383b207c89e5ec09b550d9e92f186d98cf',
  'intraday, session VWAP': 'd9ad3dc6f8498fddb8bb01281c8123704007e18b0846d5a5f0ec6d7b0c61495a',
}
const CONFIRMATION: Record<string, string> = {
  '504 daily + 156 weekly, every kind': '2aa4383b632ff37bc58a9ab5414f973688fef22da1f341d25447e6ae03c7db16',
  '504 daily, custom kinds': 'e6cf5749036f616fb62cd8d6729a9df92bf6f1559ee012423f0aa74348e2cafe',
  '504 daily + weekly, long and shared': '6bbc5edf38e7f24d9781e861867e473c799f69d836762f8a84765acc392a480c',
  '260 daily + 60 weekly, none': 'cdc8cb29f5e1d713eb9b771cf6f0dac5c5db21a2b40cba949d3ab4821032d0e9',
  '40 daily + 12 weekly, warm-up': 'fdade47c422e2a5eb52e5d311371a4a76208335c8d17abe2ec04e4c5e63d754e',
  '3 daily, 1 weekly': '8491f46a944cd9bf5216a456507c9f1de9b0b68d107fef92d46c55821f3013e9',
  '1 daily': 'f2a288dfa337dc250a728dcd0f7b96c43652f580c24c984656fda0f77e10fe43',
  'stepped + flat, every kind': '990e2848a94c07b342ec785acf2070a6aacd0a4633a70df12d8ba43f6101cd47',
  'stepped + flat, custom kinds': '09a3c473c65ae58fcc4c2334d2597e1468a90eda533cdc56df618ccb4ec0b42d',
  'intraday, session VWAP': '376ddd13923bac02baef00731f46ec98ca9fbeb84cb5bf7b76a38c6e8cf3d694',
}
const RULES: Record<string, string> = {
  '504 daily + 156 weekly, every kind': '3cc87258405e4ef9f63e750efce0faac745b31e6da91172c99272b3f58f4f105',
  '504 daily, custom kinds': 'b86a9f6dd27ed5bc485b4cda130c965cf807f005ec6edec137f2ccdbbd703809',
  '504 daily + weekly, long and shared': '295486b1d4868062b4510c48b9ac5d79e831c04c2717ac8ce63e04da38083beb',
  '260 daily + 60 weekly, none': 'e78b5caf459076a0887e6248e366c4c5d8992d23567716c7585312332cf2fe07',
  '40 daily + 12 weekly, warm-up': '8c1a293acf138e0afacff75e809c4c529ebc679ba8706cd0c227532d9fb60e93',
  '3 daily, 1 weekly': '0f1eb0b6d37280c8ba7e3717bb44986ef271a118a187c1848faa645af0815516',
  '1 daily': '0f1eb0b6d37280c8ba7e3717bb44986ef271a118a187c1848faa645af0815516',
  'stepped + flat, every kind': 'bd8ec4ec5b4e1f70c2a3849a1f90a3414d4f4b93532d8f00fd367b7910efca55',
  'stepped + flat, custom kinds': '137b775677fa9d6ad6787f527a32a5a8f99372ddaf1532dccd61dcb19d5ececb',
  'intraday, session VWAP': 'a5cf2e3a6820dcf3f99882e062ecc5acdbe6236f6c6c0af229f0eae930c1d5b9',
}
const STREAM = '27fa77aa1f87b6537ad8644a494d7a97abf2e0db5219cb4e5303610e37179c8c'

describe('analysis golden outputs', () => {
  for (const c of GOLDEN_CASES) {
    it(`analyse: ${c.name}`, () => {
      expect(digest(analyse(c.daily, c.weekly, c.strategy))).toBe(ANALYSE[c.name])
    })
    it(`confirmationOf and the rules analyst: ${c.name}`, () => {
      expect(digest(confirmationOf(c.daily))).toBe(CONFIRMATION[c.name])
      const draft = rulesAnalyst({
        symbol: 'TEST',
        asOf: '2025-01-02',
        timeframes: '1D',
        bars: c.daily,
        position: 'flat',
        allowShort: true,
        tickSize: 0.01,
      })
      expect(digest(draft)).toBe(RULES[c.name])
    })
  }

  it('computeIndicators is the live stream pushed bar by bar, with forming-bar replaces', () => {
    const bars = GOLDEN_CASES[0]!.daily.slice(0, 300)
    for (const specs of [DEFAULT_EVERY_KIND, CUSTOM_EVERY_KIND, LONG_AND_SHARED]) {
      const batch = computeIndicators(bars, specs)
      const stream = new IndicatorStream(specs)
      bars.forEach((b, i) => {
        const values = stream.push(b)
        for (const r of batch) for (const [k, v] of Object.entries(r.series)) expect(values[r.id]![k]).toBe(v[i])
      })
    }
    const stream = new IndicatorStream([...DEFAULT_EVERY_KIND, ...CUSTOM_EVERY_KIND.slice(0, 7)])
    const seen: unknown[] = []
    bars.forEach((b, i) => {
      seen.push(stream.update({ ...b, c: b.o, h: Math.max(b.o, b.h), l: Math.min(b.o, b.l) }))
      if (i % 3 === 0) seen.push(stream.update({ ...b, c: (b.o + b.c) / 2 }))
      seen.push(stream.close(b))
    })
    expect(digest(seen)).toBe(STREAM)
  })
})
