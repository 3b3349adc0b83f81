import { describe, expect, it } from 'vitest'
import {
  DEFAULT_COMBINED,
  DEFAULT_CONSOLIDATION,
  DEFAULT_DAILY,
  DEFAULT_SYSTEM,
  DEFAULT_TEXT_SYSTEM,
  DEFAULT_WEEKLY,
} from './defaults'
import { checkTemplate, createPromptEngine, renderTemplate, templateVariables } from './engine'
import { sampleConsolidationContext, sampleContext } from './fixtures'

const engine = createPromptEngine()
const ALL = {
  DEFAULT_SYSTEM,
  DEFAULT_TEXT_SYSTEM,
  DEFAULT_COMBINED,
  DEFAULT_DAILY,
  DEFAULT_WEEKLY,
  DEFAULT_CONSOLIDATION,
}

describe('shipped prompt defaults (LLM.md §7–§8)', () => {
  it.each(Object.entries(ALL))(
    '%s passes checkTemplate with zero problems and renders on the sample',
    async (_name, text) => {
      expect(await checkTemplate(engine, text)).toEqual([])
      const rendered = await renderTemplate(engine, text, sampleConsolidationContext())
      expect(rendered).not.toMatch(/{{|{%/)
    },
  )

  it('daily and weekly steps ask for short plain text with a closing bias line, never JSON', async () => {
    const daily = await renderTemplate(engine, DEFAULT_DAILY, sampleContext())
    expect(daily).toContain('Daily chart of AAPL (NASDAQ, USD), 252 bars up to 2026-11-20')
    expect(daily).toContain('RSI14 57.3')
    expect(daily).toContain('Daily bias: bullish')
    expect(daily.split('\n').filter((l) => /^2026-10-\d\d /.test(l))).toHaveLength(20)
    const weekly = await renderTemplate(engine, DEFAULT_WEEKLY, sampleContext())
    expect(weekly).toContain('104 weekly bars')
    expect(weekly).toContain('SMA10 186.20, SMA20 181.40, SMA50 172.80')
    expect(weekly).toContain('30–180 days')
    const system = await renderTemplate(engine, DEFAULT_TEXT_SYSTEM, sampleContext())
    expect(system).toContain('at most 1,500 characters')
    expect(system).toContain('No JSON')
  })

  it('consolidation carries both texts and every number, and says HOLD when an analysis is missing', async () => {
    const text = await renderTemplate(engine, DEFAULT_CONSOLIDATION, sampleConsolidationContext())
    expect(text).toContain('Daily bias: bullish')
    expect(text).toContain('Weekly bias: bullish')
    expect(text).toContain('Last close 190.40')
    expect(text).toContain('first target at least 1.5 R')
    expect(text).not.toContain('(missing)')
    const missing = await renderTemplate(engine, DEFAULT_CONSOLIDATION, sampleContext())
    expect(missing.match(/\(missing\)/g)).toHaveLength(2)
    expect(await templateVariables(engine, DEFAULT_CONSOLIDATION)).toEqual(
      expect.arrayContaining(['daily_analysis', 'weekly_analysis', 'risk.min_r']),
    )
  })

  it('only the consolidation step reads the analyses', async () => {
    for (const t of [DEFAULT_COMBINED, DEFAULT_DAILY, DEFAULT_WEEKLY]) {
      const vars = await templateVariables(engine, t)
      expect(vars.filter((v) => v.endsWith('_analysis'))).toEqual([])
    }
  })
})
