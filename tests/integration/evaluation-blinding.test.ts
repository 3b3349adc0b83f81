import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import type { ChartCapture } from '../../src-main/charts/capture'
import type { ChartImageSpec } from '../../src-main/contract/charts'
import type { Bar } from '../../src-main/contract/models'
import { viewOf, type InputView } from '../../src-main/domain/evaluation/blinding'
import { asOfInputs, decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { nyDate } from '../../src-main/domain/indicators/ny-time'
import { askRules, type AnalystChoice } from '../../src-main/engine/analyst'
import {
  createAsOfPipeline,
  WARMUP_BARS,
  type AnalystCall,
  type ArmSpec,
} from '../../src-main/engine/evaluation/asof-pipeline'
import { startTestApp } from '../fixtures/test-app'

// Blinding levels, the mirror probe and the no-chart baseline (EVALUATION.md §6, §7) go through the
// as-of pipeline's own steps: what reaches the model (the rendered prompt, the images and the chart
// inputs the capture page draws) is checked here, on the demo strategy's real bars, for every view.
// A template that prints every field of the context stands for any template a user could write.

let app: App | null = null
afterEach(async () => {
  await app?.stop()
  app = null
})

const DUMP = {
  versionId: null,
  name: 'Everything',
  version: 1,
  system: 'You read charts for {{ strategy.name }}.',
  body:
    '{{ symbol }} {{ conid }} {{ as_of }} {{ now }} {{ exchange }} {{ price | json }} {{ d | json }} ' +
    '{{ w | json }} {{ levels | json }} {{ bars | json }} {{ position | json }} {{ previous_analyses | json }}' +
    ' last close {{ price.last_close | round }} sma20 {{ d.sma20 | money }}',
}

const model: AnalystChoice = {
  provider: 'openai',
  model: 'gpt-4o',
  label: 'OpenAI gpt-4o',
  endpoint: { baseURL: null, apiKey: 'not-used', model: 'gpt-4o', isOpenAI: true },
}

describe('what the model sees under each arm view', () => {
  it('blinds the prompt text and chart inputs, drops images without charts, keys every view apart', async () => {
    const started = await startTestApp()
    app = started.app
    const client = started.client
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const cfg = strategy.config
    const store: Bar[] = (await client.call('marketData.history', { conid: cfg.conid, bar: '1d', period: '3y' })).bars
    const t = nyDate(store.at(-30)!.t)

    const specs: ChartImageSpec[] = []
    const capture: ChartCapture = {
      // The same spec draws the same image (as the capture page does).
      capture: async (spec) => (specs.push(spec), Buffer.from(JSON.stringify(spec))),
      close: async () => {},
    }
    const calls: AnalystCall[] = []
    const pipeline = createAsOfPipeline({
      db: app.store.db,
      lineageDb: app.store.lineageDb,
      bus: app.bus,
      now: Date.now,
      perfNow: () => performance.now(),
      dataDir: app.dataDir,
      appVersion: 'test',
      capture: async () => capture,
      analystConfig: () => Promise.reject(new Error('not used')),
      capabilities: {} as never,
      // A "model" that answers from what it was shown, like the rules analyst on the shown bars.
      analyst: async (_arm, call) => (calls.push(call), askRules(call.rules)),
      cache: { get: () => null, put: () => {} },
    })
    const decide = async (view: InputView) => {
      const arm: ArmSpec = { label: 'x', choice: model, prompt: DUMP, view }
      const before = specs.length
      const dec = await pipeline.decide({
        evaluationId: 'e',
        strategy,
        arm,
        t,
        store,
        capital: 100_000,
        record: false,
        reserve: () => {},
      })
      const call = calls.at(-1)!
      return { dec, text: `${call.system}\n${call.user}`, call, charts: specs.slice(before) }
    }

    const real = asOfInputs(store, t, WARMUP_BARS).daily
    const last = real.at(-1)!
    const recent = real.slice(-60)
    const rawPrices = recent.flatMap((b) => [b.o, b.h, b.l, b.c])
    const DATE = /\d{4}-\d{2}-\d{2}/
    const hasRawPrice = (text: string) => rawPrices.some((p) => text.includes(String(p)) || text.includes(p.toFixed(2)))

    const bright = await decide(viewOf({}))
    expect(bright.text).toContain(cfg.symbol)
    expect(bright.text).toMatch(DATE)
    expect(hasRawPrice(bright.text)).toBe(true)
    expect(bright.call.images).toHaveLength(bright.charts.length)
    expect(bright.charts[0]!.title).toContain(cfg.symbol)
    expect(bright.charts[0]!.bareTime).toBeUndefined()

    const symbolBlind = await decide(viewOf({ blinding: 'symbol' }))
    expect(symbolBlind.text).not.toContain(cfg.symbol)
    expect(symbolBlind.text).not.toContain(String(cfg.conid))
    expect(symbolBlind.text).toContain('STOCK A')
    expect(symbolBlind.text).toMatch(DATE)
    expect(symbolBlind.charts.every((c) => !c.title.includes(cfg.symbol))).toBe(true)

    const dateBlind = await decide(viewOf({ blinding: 'date' }))
    expect(dateBlind.text).not.toContain(cfg.symbol)
    expect(dateBlind.text).not.toMatch(DATE)
    expect(dateBlind.text).toContain('day -19')
    expect(dateBlind.text).toContain(String(last.c))
    expect(dateBlind.charts.every((c) => c.bareTime === true && !DATE.test(c.title))).toBe(true)

    const blinded = await decide(viewOf({ blinding: 'blinded' }))
    expect(blinded.text).not.toContain(cfg.symbol)
    expect(blinded.text).not.toContain(String(cfg.conid))
    expect(blinded.text).not.toMatch(DATE)
    expect(hasRawPrice(blinded.text)).toBe(false)
    // The charts draw the same bars rescaled so the window's first close is 100, with no dates shown.
    const scale = 100 / real[0]!.c
    for (const chart of blinded.charts) {
      expect(chart.bareTime).toBe(true)
      expect(chart.title).not.toContain(cfg.symbol)
      expect(chart.title).not.toMatch(DATE)
      expect(hasRawPrice(chart.title)).toBe(false)
    }
    const daily = blinded.charts.find((c) => c.title.includes('1D'))!
    const shown = real.slice(-daily.bars.length)
    daily.bars.forEach((b, k) => expect(b.c).toBeCloseTo(shown[k]!.c * scale, 9))
    // No date reaches the capture page either: the bars are re-timed to consecutive days from 1970.
    for (const chart of blinded.charts) expect(chart.bars.every((b, k) => b.t === (k + 1) * 86_400_000)).toBe(true)
    expect(daily.bars.some((b, k) => b.c === shown[k]!.c)).toBe(false)
    for (const line of daily.indicators.flatMap((r) => Object.values(r.series)).flat())
      if (line !== null && line > 1) expect(rawPrices).not.toContain(line)
    // The answer, given in the blinded prices, is mapped back to real prices before risk and fills.
    if (blinded.dec.verdict.draft?.entry) {
      const draft = blinded.dec.verdict.draft
      expect(Math.abs(draft.entry! / last.c - 1)).toBeLessThan(0.1)
      expect(draft.entry).toBeCloseTo(bright.dec.verdict.draft!.entry!, 0)
    }

    // Mirror probe: the high and low swap, so every drawn bar is still a bar.
    const mirrored = await decide(viewOf({ mirror: true }))
    const m = mirrored.charts.find((c) => c.title.includes('1D'))!
    for (const b of m.bars) expect(b.h).toBeGreaterThanOrEqual(Math.max(b.o, b.c))
    for (const b of m.bars) expect(b.l).toBeLessThanOrEqual(Math.min(b.o, b.c))
    if (bright.dec.verdict.finalAction === 'BUY' || bright.dec.verdict.finalAction === 'SELL')
      expect(mirrored.call.rules.bars.at(-1)!.c).not.toBe(last.c)

    // The no-chart baseline: the same prompt, no image, no chart drawn.
    const noChart = await decide(viewOf({ charts: false }))
    expect(noChart.call.images).toEqual([])
    expect(noChart.charts).toEqual([])
    expect(noChart.call.user).toBe(bright.call.user)

    // The answer cache key hashes everything that reaches the model: every view has its own.
    const keys = [bright, symbolBlind, dateBlind, blinded, mirrored, noChart].map((x) => x.dec.cacheKey)
    expect(new Set(keys).size).toBe(keys.length)
    // ...and the same view on the same date keys the same answer.
    expect((await decide(viewOf({ blinding: 'blinded' }))).dec.cacheKey).toBe(blinded.dec.cacheKey)
  }, 120_000)

  it('reports the mirror probe and bright minus blinded for the rules analyst, from the decisions', async () => {
    const started = await startTestApp()
    app = started.app
    const client = started.client
    const demo = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const strategy = await client.call('strategies.create', {
      ...demo.config,
      name: 'Demo long and short (mirror test)',
      risk: { ...demo.config.risk, allowShort: true },
    })
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const { evaluationId } = await client.call('evaluations.start', {
      strategyId: strategy.id,
      from: all[all.length - 90]!,
      to: all[all.length - 31]!,
      arms: [{ analyst: 'rules' }, { analyst: 'rules', mirror: true }, { analyst: 'rules', blinding: 'blinded' }],
    })
    await app.evaluations.drain()
    const ev = await client.call('evaluations.get', { evaluationId })
    expect(ev.error).toBeNull()
    const report = await client.call('evaluations.report', { evaluationId })
    expect(report.arms.map((a) => a.label)).toEqual([
      expect.not.stringContaining('·'),
      expect.stringContaining('mirrored'),
      expect.stringContaining('blinded'),
    ])
    expect(report.arms[1]!.view).toEqual({ blinding: 'bright', mirror: true, charts: true })
    const arm = async (a: number) => client.call('evaluations.decisions', { evaluationId, arm: a, limit: 5000 })
    const [base, mirror, blind] = [await arm(0), await arm(1), await arm(2)]
    const probes = report.probes!
    expect(probes.map((p) => [p.kind, p.arm, p.base])).toEqual([
      ['mirror', 1, 0],
      ['blinding', 2, 0],
    ])

    // Mirror: the stored actions are real sides, so the model flipped where the mirrored arm's real
    // side equals the base's; the rules analyst never answers the same side on the mirror.
    const mirrorOn = new Map(mirror.map((d) => [d.date, d.action]))
    const directional = base.filter((d) => d.action === 'BUY' || d.action === 'SELL')
    expect(directional.length).toBeGreaterThan(3)
    const flipped = directional.filter((d) => mirrorOn.get(d.date) === d.action).length
    const opposite = (x: string) => (x === 'BUY' ? 'SELL' : 'BUY')
    expect(directional.filter((d) => mirrorOn.get(d.date) === opposite(d.action))).toEqual([])
    expect(probes[0]!.flips).toEqual({
      directional: directional.length,
      flipped,
      share: flipped / directional.length,
    })
    expect(probes[0]!.flips!.share).toBeGreaterThan(0.5)

    // Blinded: percent rules on rescaled prices, mapped back: (nearly) the same trades, and the
    // reported delta is bright minus blinded from the arms' own metrics.
    expect(probes[1]!.pairs).toBe(base.length)
    expect(probes[1]!.agreement!).toBeGreaterThan(0.9)
    expect(probes[1]!.deltaExpectancyR).toBeCloseTo(
      report.arms[0]!.metrics.expectancyR! - report.arms[2]!.metrics.expectancyR!,
      12,
    )
    const blindTrade = blind.find((d) => d.fill !== null)!
    const same = base.find((d) => d.date === blindTrade.date)!
    expect(Math.abs(blindTrade.entry! / same.entry! - 1)).toBeLessThan(0.01)
  }, 240_000)
})
