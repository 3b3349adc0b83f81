import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { llmUsage } from '../../src-main/store/schema'
import { completion, startFakeOpenAI } from '../fixtures/fake-openai'
import { askedAbout, holdDraft } from '../fixtures/buy-signal'
import { startTestApp } from '../fixtures/test-app'

// An evaluation arm asking an OpenAI-compatible model (real SDK, local test server): each date's
// prompt is as of that date with both chart images; the usage goes to the ledger under the eval run
// (no strategy, so no live budget is spent); a re-run is answered from the cache with no request.

let app: App
let client: RpcClient
let llm: Awaited<ReturnType<typeof startFakeOpenAI>>

beforeAll(async () => {
  llm = await startFakeOpenAI()
  ;({ app, client } = await startTestApp({
    overrides: {
      llmBaseUrl: { value: llm.baseURL, source: 'flag', by: '--llm-base-url' },
      llmModel: { value: 'llava-test', source: 'flag', by: '--llm-model' },
    },
    envApiKey: 'sk-test-key',
  }))
}, 60_000)
afterAll(async () => {
  await app?.stop()
  await llm?.close()
})

const hold = (symbol: string, asOf: string) => JSON.stringify(holdDraft(symbol, asOf, 'Mixed evidence: hold.'))

describe('an evaluation arm with a language model', () => {
  it('asks once per date as of that date, books usage under the eval runs, and re-runs from the cache', async () => {
    const asked: { asOf: string; images: number }[] = []
    const answer = (body: Record<string, unknown>) => {
      const a = askedAbout(body)
      asked.push(a)
      return { body: completion(hold(a.symbol, a.asOf)) }
    }
    for (let k = 0; k < 10; k++) llm.reply(answer)
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const req = {
      strategyId: strategy.id,
      from: all[all.length - 40]!,
      to: all[all.length - 36]!,
      arms: [{ analyst: 'llm' as const }],
      // The repeat-call noise floor has its own test (evaluation-noise); here one call per date.
      noiseFloor: false,
    }
    const est = await client.call('evaluations.estimate', req)
    expect(est).toMatchObject({ decisions: 5, calls: 5, cachedCalls: 0 })
    const first = (await client.call('evaluations.start', req)).evaluationId
    await app.evaluations.drain()
    const ev = await client.call('evaluations.get', { evaluationId: first })
    expect(ev.error).toBeNull()
    expect(ev.status).toBe('succeeded')
    expect(asked.map((a) => a.asOf)).toEqual(decisionDates(req.from, req.to))
    expect(asked.every((a) => a.images === 2)).toBe(true)
    const decisions = await client.call('evaluations.decisions', { evaluationId: first })
    expect(decisions.map((d) => d.action)).toEqual(['HOLD', 'HOLD', 'HOLD', 'HOLD', 'HOLD'])
    const runIds = new Set(decisions.map((d) => d.runId))
    const usage = app.store.db
      .select()
      .from(llmUsage)
      .all()
      .filter((u) => runIds.has(u.runId))
    expect(usage).toHaveLength(5)
    expect(usage.every((u) => u.strategyId === null && u.purpose.startsWith('eval:'))).toBe(true)

    expect((await client.call('evaluations.estimate', req)).cachedCalls).toBe(5)
    const requestsBefore = llm.requests.length
    const second = (await client.call('evaluations.start', req)).evaluationId
    await app.evaluations.drain()
    expect(llm.requests.length).toBe(requestsBefore)
    const again = await client.call('evaluations.decisions', { evaluationId: second })
    const strip = (ds: typeof decisions) => JSON.stringify(ds.map(({ runId: _r, ...d }) => d))
    expect(strip(again)).toBe(strip(decisions))
    expect((await client.call('evaluations.get', { evaluationId: second })).status).toBe('succeeded')
  }, 180_000)
})
