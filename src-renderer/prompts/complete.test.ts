import { describe, expect, it } from 'vitest'
import { promptVariables } from '../../src-main/contract/prompts-api'
import { completionsAt, loopAliases, pathAt } from './complete'

// The renderer gets this list over RPC (`prompts.variables`); the test builds the same list.
const vars = promptVariables()
const labels = (text: string, lineBefore = text) =>
  completionsAt(text, lineBefore, vars)?.items.map((i) => i.label) ?? null

describe('prompt autocomplete', () => {
  it('offers top-level variables right after {{ and filters after |', () => {
    expect(labels('Price {{ ')).toEqual(expect.arrayContaining(['symbol', 'price', 'd', 'w', 'bars', 'daily_analysis']))
    expect(labels('{{ sy')).toEqual(['symbol'])
    expect(completionsAt('{{ sy', '{{ sy', vars)!.replace).toBe(2)
    expect(labels('{{ d.rsi | ro')).toEqual(['round'])
    expect(labels('plain text')).toBeNull()
    expect(labels('{{ symbol }} then ')).toBeNull()
  })

  it('offers the children of an object, with type and description', () => {
    expect(labels('{{ price.')).toEqual([
      'last_close',
      'day_low',
      'day_high',
      'range20_low',
      'range20_high',
      'change_pct',
    ])
    expect(labels('{{ d.at')).toEqual(['atr', 'atr_pct'])
    const rsi = completionsAt('{{ d.rs', '{{ d.rs', vars)!.items[0]!
    expect(rsi).toMatchObject({ label: 'rsi', detail: 'number | null', documentation: 'RSI 14' })
  })

  it('knows lists: first/last/size, element fields, and loop variables', () => {
    expect(labels('{{ bars.')).toEqual(['first', 'last', 'size'])
    expect(labels('{{ bars.first.')).toEqual(['date', 'o', 'h', 'l', 'c', 'v'])
    const text = '{% for b in bars %}{{ b.'
    expect(loopAliases(text)).toEqual(new Map([['b', 'bars[]']]))
    expect(labels(text)).toEqual(['date', 'o', 'h', 'l', 'c', 'v'])
    expect(labels('{% for p in previous_analyses %}{{ ')).toContain('p')
    expect(labels('{% if position.')).toContain('side')
  })

  it('finds the path under the cursor for hover', () => {
    const line = 'RSI {{ d.rsi | round: 1 }}'
    expect(pathAt(line, line, 10)).toEqual({ path: 'd.rsi', start: 8, end: 13 })
    expect(pathAt(line, line, 17)).toEqual({ path: 'round', start: 16, end: 21 })
    expect(pathAt(line, line, 2)).toBeNull()
    const loop = '{% for b in bars %}{{ b.c }}'
    expect(pathAt(loop, loop, 25)!.path).toBe('bars[].c')
  })
})
