import { describe, expect, it } from 'vitest'
import { DEFAULT_COMBINED, DEFAULT_SYSTEM } from './defaults'
import { checkTemplate, createPromptEngine, isContractPath, renderTemplate } from './engine'
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
})
