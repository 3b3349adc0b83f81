import dns from 'node:dns'
import { inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { evaluations, llmUsage } from '../../src-main/store/schema'
import { askedAbout, holdDraft } from '../fixtures/buy-signal'
import { completion, startFakeOpenAI } from '../fixtures/fake-openai'
import { startTestApp } from '../fixtures/test-app'

// The per-evaluation budget fails closed (EVALUATION.md §8), with the real openai SDK against the
// local fake server. Local endpoints cost nothing, so the server is reached as api.openai.com (name
// resolution for that one host points at loopback in this test process) and the calls are priced
// from the price table as gpt-4o-mini. Each call holds its high estimate while in flight; when the
// next reservation would pass the budget the model is not called, the evaluation stops as failed with
// a clear error, and a resume with a higher budget asks only the dates not yet finished.

let app: App
let client: RpcClient
let llm: Awaited<ReturnType<typeof startFakeOpenAI>>
const realLookup = dns.lookup

beforeAll(async () => {
  dns.lookup = ((host: string, opts: unknown, cb?: unknown) => {
    if (host !== 'api.openai.com') return (realLookup as (...a: unknown[]) => void)(host, opts, cb)
    const done = (typeof opts === 'function' ? opts : cb) as (...a: unknown[]) => void
    const all = typeof opts === 'object' && opts !== null && (opts as { all?: boolean }).all
    done(null, all ? [{ address: '127.0.0.1', family: 4 }] : '127.0.0.1', 4)
  }) as typeof dns.lookup
  llm = await startFakeOpenAI()
  const port = new URL(llm.baseURL).port
  ;({ app, client } = await startTestApp({
    overrides: {
      llmBaseUrl: { value: `http://api.openai.com:${port}/v1`, source: 'flag', by: '--llm-base-url' },
      llmModel: { value: 'gpt-4o-mini', source: 'flag', by: '--llm-model' },
    },
    envApiKey: 'sk-test-key',
  }))
}, 60_000)
afterAll(async () => {
  await app?.stop()
  await llm?.close()
  dns.lookup = realLookup
})

describe('the per-evaluation budget', () => {
  it('refuses the call that would pass it, stops as failed, and resumes without paying twice', async () => {
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const dates = all.slice(all.length - 40, all.length - 35)
    const arms = [{ analyst: 'llm' as const }]
    const req = { strategyId: strategy.id, from: dates[0]!, to: dates[4]!, arms, noiseFloor: false }
    // The reservation per call is the estimate's high figure for one date.
    const perCall = (await client.call('evaluations.estimate', { ...req, to: req.from })).usdHigh
    expect(perCall).toBeGreaterThan(0)
    // Each answer really costs 0.9 of the reservation: 0.15 $/M prompt + 0.6 $/M completion tokens.
    const completionTokens = 100
    const promptTokens = Math.round((0.9 * perCall * 1e6 - completionTokens * 0.6) / 0.15)
    const costMicros = promptTokens * 0.15 + completionTokens * 0.6
    const asked: string[] = []
    const answer = (body: Record<string, unknown>) => {
      const a = askedAbout(body)
      asked.push(a.asOf)
      const reply = completion(JSON.stringify(holdDraft(a.symbol, a.asOf, 'Mixed evidence: hold.')))
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      }
      return { body: { ...reply, usage } }
    }
    for (let k = 0; k < 10; k++) llm.reply(answer)

    // 2.5 reservations: two calls fit (held together), a third would need 0.9 + 0.9 + 1 > 2.5.
    const budgetUsd = 2.5 * perCall
    const { evaluationId } = await client.call('evaluations.start', { ...req, budgetUsd })
    await app.evaluations.drain()
    const failed = await client.call('evaluations.get', { evaluationId })
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(
      /^Budget of \$0\.\d{4} would be exceeded .*the model was not called\. Raise the budget/,
    )
    expect(failed.progress.done).toBe(2)
    expect(llm.requests).toHaveLength(2)
    expect([...asked].sort()).toEqual(dates.slice(0, 2))
    const row = () =>
      app.store.db
        .select()
        .from(evaluations)
        .all()
        .find((e) => e.id === evaluationId)!
    expect(row().spentMicros).toBeCloseTo(2 * costMicros, 0)
    expect(row().spentMicros).toBeLessThanOrEqual(row().budgetMicros!)
    const first = await client.call('evaluations.decisions', { evaluationId })
    expect(first.map((d) => d.date)).toEqual(dates.slice(0, 2))

    // A budget below what is already spent is refused and changes nothing.
    await expect(client.call('evaluations.resume', { evaluationId, budgetUsd: perCall })).rejects.toThrow(
      /below the \$0\.\d{4} already spent/,
    )
    expect(row().status).toBe('failed')
    expect(row().budgetMicros).toBe(Math.ceil(budgetUsd * 1e6))

    // Resume with room for everything: only the three dates not finished are asked.
    const resumed = await client.call('evaluations.resume', { evaluationId, budgetUsd: 1 })
    expect(resumed.status).toBe('running')
    await app.evaluations.drain()
    const done = await client.call('evaluations.get', { evaluationId })
    expect(done.error).toBeNull()
    expect(done.status).toBe('succeeded')
    expect(done.progress).toEqual({ done: 5, total: 5 })
    expect(llm.requests).toHaveLength(5)
    expect([...asked].sort()).toEqual(dates)
    const decisions = await client.call('evaluations.decisions', { evaluationId })
    expect(decisions.map((d) => d.date)).toEqual(dates)
    const runIds = decisions.map((d) => d.runId!)
    const usage = app.store.db.select().from(llmUsage).where(inArray(llmUsage.runId, runIds)).all()
    expect(usage).toHaveLength(5)
    expect(usage.reduce((s, u) => s + u.costMicros, 0)).toBeCloseTo(5 * costMicros, 0)
    expect(row().spentMicros).toBeCloseTo(5 * costMicros, 0)
    await expect(client.call('evaluations.resume', { evaluationId })).rejects.toThrow(/succeeded; nothing to resume/)
  }, 180_000)
})
