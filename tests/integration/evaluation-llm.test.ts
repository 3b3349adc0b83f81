import { describe, expect, it } from 'vitest'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { llmUsage } from '../../src-main/store/schema'
import { completion } from '../fixtures/fake-openai'
import { askedAbout, holdDraft } from '../fixtures/buy-signal'
import { useAppWithFakeModel } from '../fixtures/model-app'

// An evaluation arm asking an OpenAI-compatible model (real SDK, local test server): each date's
// prompt is as of that date with both chart images; the usage goes to the ledger under the eval run
// (no strategy, so no live budget is spent); a re-run is answered from the cache with no request.

const t = useAppWithFakeModel({ model: 'llava-test' })

const hold = (symbol: string, asOf: string) => JSON.stringify(holdDraft(symbol, asOf, 'Mixed evidence: hold.'))

describe('an evaluation arm with a language model', () => {
  it('asks once per date as of that date, books usage under the eval runs, and re-runs from the cache', async () => {
    const asked: { asOf: string; images: number }[] = []
    const answer = (body: Record<string, unknown>) => {
      const a = askedAbout(body)
      asked.push(a)
      return { body: completion(hold(a.symbol, a.asOf)) }
    }
    for (let k = 0; k < 10; k++) t.llm.reply(answer)
    const strategy = (await t.client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const req = {
      strategyId: strategy.id,
      from: all[all.length - 40]!,
      to: all[all.length - 36]!,
      arms: [{ analyst: 'llm' as const }],
      // The repeat-call noise floor has its own test (evaluation-noise); here one call per date.
      noiseFloor: false,
    }
    const est = await t.client.call('evaluations.estimate', req)
    expect(est).toMatchObject({ decisions: 5, calls: 5, cachedCalls: 0 })
    const first = (await t.client.call('evaluations.start', req)).evaluationId
    await t.app.evaluations.drain()
    const ev = await t.client.call('evaluations.get', { evaluationId: first })
    expect(ev.error).toBeNull()
    expect(ev.status).toBe('succeeded')
    expect(asked.map((a) => a.asOf)).toEqual(decisionDates(req.from, req.to))
    expect(asked.every((a) => a.images === 2)).toBe(true)
    const decisions = await t.client.call('evaluations.decisions', { evaluationId: first })
    expect(decisions.map((d) => d.action)).toEqual(['HOLD', 'HOLD', 'HOLD', 'HOLD', 'HOLD'])
    const runIds = new Set(decisions.map((d) => d.runId))
    const usage = t.app.store.db
      .select()
      .from(llmUsage)
      .all()
      .filter((u) => runIds.has(u.runId))
    expect(usage).toHaveLength(5)
    expect(usage.every((u) => u.strategyId === null && u.purpose.startsWith('eval:'))).toBe(true)

    expect((await t.client.call('evaluations.estimate', req)).cachedCalls).toBe(5)
    const requestsBefore = t.llm.requests.length
    const second = (await t.client.call('evaluations.start', req)).evaluationId
    await t.app.evaluations.drain()
    expect(t.llm.requests.length).toBe(requestsBefore)
    const again = await t.client.call('evaluations.decisions', { evaluationId: second })
    const strip = (ds: typeof decisions) => JSON.stringify(ds.map(({ runId: _r, ...d }) => d))
    expect(strip(again)).toBe(strip(decisions))
    expect((await t.client.call('evaluations.get', { evaluationId: second })).status).toBe('succeeded')
  }, 180_000)

  it('asks the no-chart baseline the same prompt without images and reports it beside the model', async () => {
    // Every request from here on (replies queued earlier answer first, so read the recorded requests).
    const mark = t.llm.requests.length
    const answer = (body: Record<string, unknown>) => {
      const a = askedAbout(body)
      return { body: completion(hold(a.symbol, a.asOf)) }
    }
    for (let k = 0; k < 6; k++) t.llm.reply(answer)
    const strategy = (await t.client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const req = {
      strategyId: strategy.id,
      from: all[all.length - 60]!,
      to: all[all.length - 58]!,
      arms: [{ analyst: 'llm' as const }, { analyst: 'llm' as const, charts: false }],
      // One call per date and arm here; the repeat-call noise floor has its own test.
      noiseFloor: false,
    }
    const est = await t.client.call('evaluations.estimate', req)
    const alone = await t.client.call('evaluations.estimate', { ...req, arms: [req.arms[0]!] })
    expect(est.calls).toBe(6)
    // No chart drawn for the baseline (the test model has no price, so only the time differs).
    expect(est.seconds).toBeLessThan(2 * alone.seconds)
    const { evaluationId } = await t.client.call('evaluations.start', req)
    await t.app.evaluations.drain()
    expect((await t.client.call('evaluations.get', { evaluationId })).status).toBe('succeeded')
    const asked = t.llm.requests.slice(mark).map((r) => askedAbout(r.body as Record<string, unknown>))
    expect(asked).toHaveLength(6)
    const withCharts = asked.filter((a) => a.images === 2)
    const without = asked.filter((a) => a.images === 0)
    expect(withCharts).toHaveLength(3)
    expect(without).toHaveLength(3)
    // The same prompt text, only the images removed.
    // (askedAbout joins the message parts with newlines, so the image parts leave blank lines at the end.)
    const texts = (xs: typeof asked) => new Set(xs.map((a) => a.text.trimEnd()))
    expect(texts(without)).toEqual(texts(withCharts))
    const report = await t.client.call('evaluations.report', { evaluationId })
    expect(report.arms[1]!.label).toContain('no charts')
    expect(report.probes).toEqual([
      expect.objectContaining({ kind: 'noChart', arm: 1, base: 0, pairs: 3, agreement: 1, flips: null }),
    ])
    const run = await t.client.call('lineage.getRun', {
      runId: (await t.client.call('evaluations.decisions', { evaluationId, arm: 1 }))[0]!.runId!,
    })
    expect(run.steps.find((s) => s.step === 'render_charts')!.status).toBe('skipped')
    // Re-estimated: the charted arm's dates are cached; the baseline's answers are never counted as the model's.
    expect(await t.client.call('evaluations.estimate', req)).toMatchObject({ calls: 6, cachedCalls: 3 })
  }, 180_000)
})
