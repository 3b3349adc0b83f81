import { describe, expect, it } from 'vitest'
import { StrategyInput } from '../../contract/strategies'
import { checkStrategy, type StrategyFacts } from './validate'

const facts: StrategyFacts = {
  now: Date.UTC(2026, 10, 25),
  instrument: (c) => (c === 265598 ? { symbol: 'AAPL' } : null),
  promptVersionActive: (id) => id === 'pv-1',
}
const input = (over: Record<string, unknown> = {}) =>
  StrategyInput.parse({
    name: 'AAPL swing',
    conid: 265598,
    symbol: 'AAPL',
    indicators: [
      { id: 'st', type: 'supertrend' },
      { id: 'sma20', type: 'sma' },
      { id: 'macd', type: 'macd' },
      { id: 'rsi', type: 'rsi' },
    ],
    schedule: { cron: '35 9 * * 1-5', tz: 'America/New_York' },
    ...over,
  })

describe('strategy definitions (F6)', () => {
  it('fills safe defaults: dry-run, ask first, 1 % risk, long-only, 3-of-4 agreement', () => {
    const s = input()
    expect(s).toMatchObject({
      mode: 'dry-run',
      approval: 'ask',
      provider: 'auto',
      marketHours: 'rth_only',
      risk: { riskPct: 0.01, minR: 1.5, allowShort: false, allowPyramiding: false, combination: 'agree' },
    })
    const { problems, nextFires } = checkStrategy(s, facts)
    expect(problems).toEqual([])
    expect(nextFires).toHaveLength(5)
  })

  it('rejects out-of-range limits with readable messages', () => {
    const r = StrategyInput.safeParse({ ...input(), risk: { riskPct: 0.1 } })
    expect(r.error?.issues[0]?.message).toBe('Risk per trade must be at most 5 %')
    expect(StrategyInput.safeParse({ ...input(), symbol: 'aapl' }).error?.issues[0]?.message).toContain(
      'capital letters',
    )
    expect(StrategyInput.safeParse({ ...input(), name: ' ' }).error?.issues[0]?.message).toBe(
      'Give the strategy a name',
    )
  })

  it('names each problem that needs the app’s knowledge', () => {
    const { problems } = checkStrategy(
      input({
        conid: 1,
        promptVersionId: 'gone',
        schedule: { cron: '30 2 * * *', tz: 'America/New_York' },
        indicators: [{ id: 'rsi', type: 'rsi' }],
        mode: 'live',
        approval: 'auto',
      }),
      facts,
    )
    expect(problems.map((p) => p.field)).toEqual([
      'conid',
      'promptVersionId',
      'schedule.cron',
      'indicators',
      'approval',
    ])
    expect(checkStrategy(input({ symbol: 'MSFT' }), facts).problems).toEqual([
      { field: 'symbol', message: 'Contract 265598 is AAPL, not MSFT' },
    ])
  })
})
