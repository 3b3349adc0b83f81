import { describe, expect, it } from 'vitest'
import { DEFAULT_COMBINED, DEFAULT_SYSTEM } from './defaults'
import { checkTemplate, createPromptEngine, isContractPath, PARSED_TEMPLATES_KEPT, renderTemplate } from './engine'
import { sampleContext } from './fixtures'

const engine = createPromptEngine()

describe('prompt templates (LLM.md §8)', () => {
  it('accepts the shipped defaults and renders them with every number as text', async () => {
    expect(await checkTemplate(engine, DEFAULT_SYSTEM)).toEqual([])
    expect(await checkTemplate(engine, DEFAULT_COMBINED)).toEqual([])
    const text = await renderTemplate(engine, DEFAULT_COMBINED, sampleContext())
    expect(text).toContain('AAPL (NASDAQ, USD), analysis as of 2026-11-20')
    expect(text).toContain('RSI14 57.3')
    expect(text).toContain('4 bull, 0 bear')
    expect(text.split('\n').filter((l) => /^2026-10-\d\d /.test(l))).toHaveLength(20)
    expect(await renderTemplate(engine, DEFAULT_SYSTEM, sampleContext())).toContain('Shorting is not allowed')
  })

  it('rejects an unknown variable by name, line and column', async () => {
    const problems = await checkTemplate(engine, 'Symbol {{ symbol }}\nRSI {{ d.rsi_14 }} and {{ api_key }}')
    expect(problems).toEqual([
      { message: 'Unknown variable "d.rsi_14"', line: 2, column: 8, variable: 'd.rsi_14' },
      { message: 'Unknown variable "api_key"', line: 2, column: 27, variable: 'api_key' },
    ])
  })

  it('refuses file tags, prototype walking and oversize templates; reports parse errors with their place', async () => {
    expect((await checkTemplate(engine, 'x {% include "secrets.txt" %}'))[0]!.message).toContain('include')
    expect((await checkTemplate(engine, '{{ symbol.constructor.name }}'))[0]!.variable).toBe('symbol.constructor.name')
    expect((await checkTemplate(engine, 'x'.repeat(20_001)))[0]!.message).toContain('longer than')
    const parse = await checkTemplate(engine, 'ok\n{% if symbol %}never closed')
    expect(parse[0]).toMatchObject({ line: expect.any(Number) })
  })

  it('walks arrays and records in the contract', () => {
    expect(isContractPath(['bars', 0, 'c'])).toBe(true)
    expect(isContractPath(['bars', 'first', 'v'])).toBe(true)
    expect(isContractPath(['levels', 'support', 'size'])).toBe(true)
    expect(isContractPath(['strategy', 'parameters', 'anything'])).toBe(true)
    expect(isContractPath(['bars', 'push'])).toBe(false)
    expect(isContractPath(['__proto__'])).toBe(false)
  })

  it('renders strictly: an unknown filter or variable at render time is an error, not an empty string', async () => {
    await expect(renderTemplate(engine, '{{ symbol | shout }}', sampleContext())).rejects.toThrow()
    await expect(renderTemplate(engine, '{{ nothing }}', sampleContext())).rejects.toThrow()
  })

  it('stops a runaway template by its render and memory limits, with a clear error', async () => {
    const loop = '{% for i in (1..100000000) %}{{ i }}{% endfor %}'
    await expect(renderTemplate(engine, loop, sampleContext())).rejects.toThrow(/limit exceeded/)
    const doubling =
      '{% assign a = "x" %}{% for i in (1..40) %}{% assign a = a | append: a %}{% endfor %}{{ a | size }}'
    await expect(renderTemplate(engine, doubling, sampleContext())).rejects.toThrow(/memory alloc limit exceeded/)
  })

  it('keeps parsed templates per engine: evicted, concurrent and repeated renders give the right text', async () => {
    const e = createPromptEngine()
    const ctx = sampleContext()
    const many = Array.from({ length: PARSED_TEMPLATES_KEPT + 4 }, (_, i) => `${i}: {{ symbol }} {{ as_of }}`)
    for (const body of many) expect(await renderTemplate(e, body, ctx)).toBe(`${body.split(':')[0]}: AAPL 2026-11-20`)
    // The first ones were evicted and parse again; the newest come from the cache.
    expect(await renderTemplate(e, many[0]!, ctx)).toBe('0: AAPL 2026-11-20')
    expect(await renderTemplate(e, many.at(-1)!, ctx)).toBe(`${many.length - 1}: AAPL 2026-11-20`)
    // One parsed template rendered at once with two contexts: each render reads its own.
    const [a, b] = await Promise.all([
      renderTemplate(e, DEFAULT_COMBINED, ctx),
      renderTemplate(e, DEFAULT_COMBINED, { ...ctx, symbol: 'MSFT' }),
    ])
    expect(a).toContain('AAPL (NASDAQ, USD)')
    expect(b).toContain('MSFT (NASDAQ, USD)')
    expect(b.replaceAll('MSFT', 'AAPL')).toBe(a)
    // Another engine keeps its own templates (its filters may differ).
    expect(await renderTemplate(createPromptEngine(), many[1]!, ctx)).toBe('1: AAPL 2026-11-20')
  })
})
