import { describe, expect, it } from 'vitest'
import { extractJson } from './extract'
import { context, goodDraft } from './fixtures'
import { computeSize } from './sizing'
import { validateSignal } from './validate'

describe('extractJson (LLM.md §4)', () => {
  const obj = { a: 1, s: 'brace } inside' }
  it.each([
    ['plain', JSON.stringify(obj)],
    ['fenced json', `Here you go:\n\`\`\`json\n${JSON.stringify(obj)}\n\`\`\`\nThanks`],
    ['any fence', `\`\`\`\n${JSON.stringify(obj)}\n\`\`\``],
    ['think block first', `<think>maybe {"a":2}</think>${JSON.stringify(obj)}`],
    ['prose around', `The answer is ${JSON.stringify(obj)} as requested.`],
  ])('%s', (_n, text) => expect(extractJson(text)).toEqual({ ok: true, value: obj }))

  it('reports no JSON and unparseable JSON', () => {
    expect(extractJson('I cannot help with that.')).toEqual({ ok: false, reason: 'no_json' })
    expect(extractJson('{"a": 1,, }')).toEqual({ ok: false, reason: 'unparseable' })
    expect(extractJson('{"a": "unterminated')).toEqual({ ok: false, reason: 'no_json' })
  })
})

describe('validateSignal (LLM.md §6)', () => {
  it('accepts a sound BUY and computes R and margin in code', () => {
    const v = validateSignal(goodDraft(), context())
    expect(v.status).toBe('ACCEPTED')
    expect(v.finalAction).toBe('BUY')
    expect(v.numbers).toEqual({ riskPerShare: 5, rMultiples: [2, 3], profitMarginPct: expect.closeTo(5.263, 3) })
    expect(v.confidenceLevel).toBe('MEDIUM')
  })

  it.each([
    ['V1 wrong symbol', { symbol: 'MSFT' }, 'V1'],
    ['V1 wrong date', { as_of: '2026-11-19' }, 'V1'],
    ['V2 negative price', { stop_loss: -5 }, 'V2'],
    ['V3 confidence above 100', { confidence: 150 }, 'V3'],
    ['V4 stop above entry on a BUY', { stop_loss: 195 }, 'V4'],
    [
      'V4 targets out of order',
      {
        targets: [
          { price: 205, basis: 'x' },
          { price: 200, basis: 'y' },
        ],
      },
      'V4',
    ],
    ['V4 entry outside its zone', { entry_zone: { low: 191, high: 192 } }, 'V4'],
    [
      'V5 entry far from the market',
      { entry: 175, entry_zone: null, stop_loss: 170, targets: [{ price: 185, basis: 'x' }] },
      'V5',
    ],
    ['V6 stop too tight', { stop_loss: 189.5 }, 'V6'],
    [
      'V9 target too far',
      {
        targets: [
          { price: 200, basis: 'x' },
          { price: 240, basis: 'moon' },
        ],
      },
      'V9',
    ],
    ['V10 BUY without a stop', { stop_loss: null }, 'V10'],
    ['V14 level outside the charted range', { key_levels: { support: [100], resistance: [200] } }, 'V14'],
  ])('%s → REVIEW', (_n, over, rule) => {
    const v = validateSignal(goodDraft(over), context())
    expect(v.status).toBe('REVIEW')
    expect(v.finalAction).toBe('REVIEW')
    expect(v.violations.map((x) => x.rule)).toContain(rule)
  })

  it.each([
    [
      'V7 reward/risk below the minimum',
      { targets: [{ price: 196, basis: 'x' }] },
      context({ policy: { ...context().policy, minProfitMargin: 0 } }),
      'V7',
    ],
    ['V8 profit margin below the minimum', { targets: [{ price: 198, basis: 'x' }], stop_loss: 186 }, context(), 'V8'],
    ['V11 SELL while flat with shorting off', { action: 'SELL' as const }, context(), 'V11'],
    ['V11 BUY while long without pyramiding', {}, context({ position: 'long' }), 'V11'],
    ['V12 confidence below the threshold', { confidence: 0.4 }, context(), 'V12'],
    [
      'V16 fewer than 3 confirmations',
      {},
      context({ policy: { ...context().policy, combination: 'agree' }, confirmation: { bull: 2, bear: 2 } }),
      'V16',
    ],
  ])('%s → DOWNGRADED to HOLD', (_n, over, ctx, rule) => {
    const v = validateSignal(goodDraft(over), ctx)
    expect(v.status).toBe('DOWNGRADED')
    expect(v.finalAction).toBe('HOLD')
    expect(v.violations.map((x) => x.rule)).toContain(rule)
  })

  it('turns SELL while long into an EXIT that needs no levels', () => {
    const v = validateSignal(
      goodDraft({ action: 'SELL', entry: null, stop_loss: null, entry_zone: null, targets: [], entry_type: null }),
      context({ position: 'long' }),
    )
    expect(v).toMatchObject({ status: 'ACCEPTED', finalAction: 'EXIT' })
  })

  it('normalises harmless deviations and flags them', () => {
    const v = validateSignal(
      { ...goodDraft(), action: 'long', confidence: 70, entry: '$190.00', entry_zone: { low: 191, high: 189 } },
      context(),
    )
    expect(v.status).toBe('ACCEPTED')
    expect(v.flags).toEqual(
      expect.arrayContaining(['action_normalised', 'entry_from_string', 'entry_zone_swapped', 'confidence_rescaled']),
    )
  })

  it('clears levels from a HOLD and flags a trend that contradicts the action', () => {
    const hold = validateSignal(goodDraft({ action: 'HOLD' }), context())
    expect(hold).toMatchObject({ status: 'ACCEPTED', finalAction: 'HOLD', draft: { entry: null, targets: [] } })
    expect(hold.flags).toContain('hold_levels_cleared')
    expect(validateSignal(goodDraft({ trend: 'bearish' }), context()).flags).toContain('trend_contradicts_action')
  })

  it('never takes extra keys or missing keys: REVIEW as schema_invalid', () => {
    expect(validateSignal({ ...goodDraft(), quantity: 1000 }, context())).toMatchObject({
      status: 'REVIEW',
      reviewReason: 'schema_invalid',
    })
    const { reasoning: _r, ...missing } = goodDraft()
    expect(validateSignal(missing, context())).toMatchObject({ status: 'REVIEW', reviewReason: 'schema_invalid' })
  })
})

describe('computeSize (LLM.md §7)', () => {
  const base = {
    equity: 100_000,
    riskPct: 0.01,
    entry: 190,
    stop: 185,
    availableFunds: 100_000,
    maxPositionShares: 1000,
    maxPositionPct: 0.1,
  }
  it('risks the budget between entry and stop, then applies the caps', () => {
    expect(computeSize({ ...base, maxPositionPct: 1 })).toMatchObject({
      qty: 200,
      riskAmount: 1000,
      limitedBy: 'risk',
      reason: null,
    })
    expect(computeSize(base)).toMatchObject({ qty: 52, limitedBy: 'max_position_pct' })
    expect(computeSize({ ...base, maxPositionPct: 1, availableFunds: 1900 })).toMatchObject({
      qty: 10,
      limitedBy: 'funds',
    })
  })
  it('never forces a share past the risk budget', () => {
    expect(computeSize({ ...base, equity: 100, riskPct: 0.01 })).toMatchObject({
      qty: 0,
      reason: expect.stringContaining('below one share'),
    })
    expect(computeSize({ ...base, stop: 190 })).toMatchObject({ qty: 0 })
  })
})
