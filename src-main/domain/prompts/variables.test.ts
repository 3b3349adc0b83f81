import { describe, expect, it } from 'vitest'
import { isContractPath } from './engine'
import { closestVariable, promptVariables } from './variables'

describe('prompt variable list (derived from PromptContext)', () => {
  const vars = promptVariables()
  const byPath = new Map(vars.map((v) => [v.path, v]))

  it('lists every path with its type and description, parents before children', () => {
    expect(byPath.get('symbol')).toEqual({
      path: 'symbol',
      type: 'string',
      description: 'Ticker, e.g. AAPL',
      hasChildren: false,
    })
    expect(byPath.get('d')).toMatchObject({
      type: 'object',
      description: 'Daily indicators on the last bar',
      hasChildren: true,
    })
    expect(byPath.get('d.rsi')).toEqual({
      path: 'd.rsi',
      type: 'number | null',
      description: 'RSI 14',
      hasChildren: false,
    })
    expect(byPath.get('timeframe')!.type).toBe('"1D" | "1W" | "1D+1W"')
    expect(byPath.get('position.side')).toMatchObject({
      type: '"flat" | "long" | "short"',
      description: 'Part of: Current position in this instrument',
    })
    expect(byPath.get('bars')).toMatchObject({ type: 'array of object', hasChildren: true })
    expect(byPath.get('bars[].c')).toMatchObject({ type: 'number' })
    expect(byPath.get('levels.support')).toMatchObject({ type: 'array of number', hasChildren: false })
    expect(byPath.get('daily_analysis')).toMatchObject({ type: 'string | null' })
    expect(byPath.get('strategy.parameters')).toMatchObject({
      type: 'map of string | number | boolean',
      hasChildren: true,
    })
    expect(vars.findIndex((v) => v.path === 'd')).toBeLessThan(vars.findIndex((v) => v.path === 'd.rsi'))
    expect(vars.every((v) => v.description.length > 0)).toBe(true)
  })

  it('offers only paths the save-time check accepts', () => {
    for (const v of vars) expect(isContractPath(v.path.replace(/\[\]/g, '.first').split('.')), v.path).toBe(true)
    expect(vars.length).toBeGreaterThan(60)
  })

  it('suggests the nearest path for a typo, and nothing for a stranger', () => {
    expect(closestVariable('d.rsi_14', vars)).toBe('d.rsi')
    expect(closestVariable('price.lastclose', vars)).toBe('price.last_close')
    expect(closestVariable('api_key', vars)).toBeNull()
  })
})
