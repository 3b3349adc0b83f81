import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import { askedAbout, holdDraft } from '../fixtures/buy-signal'
import { startTestApp } from '../fixtures/test-app'
import type { RpcClient } from '../../src-main/contract/client'
import type { LlmAnalysisOutput, PlaceOrderOutput, ValidateSignalOutput } from '../../src-main/contract/steps'
import { readArtifact } from '../../src-main/store/artifacts'
import { readSettings } from '../../src-main/store/settings-repo'
import { llmUsage } from '../../src-main/store/schema'
import { apiError, completion, startFakeOpenAI } from '../fixtures/fake-openai'

// A run asking an OpenAI-compatible model: the real openai SDK against the local test server,
// two chart PNGs as data URLs, the answer's verdict, the ledger rows, and the step-down remembered.

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

async function runAapl() {
  const strategy = (await client.call('strategies.list', {})).find((s) => s.config.symbol === 'AAPL')!
  const { runId } = await client.call('runs.start', { strategyId: strategy.id })
  await app.executor.drain()
  const run = await client.call('lineage.getRun', { runId })
  if (!run.steps.some((s) => s.step === 'llm_analysis'))
    throw new Error(`The run stopped before asking the model: ${run.error}`)
  const step = <T>(id: string) => run.steps.find((s) => s.step === id)!.output as T
  return { run, step }
}

describe('a run with an OpenAI-compatible model (real SDK, local test server)', () => {
  it(
    'sends both charts and the rendered prompt; a fenced, ' + 'think-prefixed HOLD is ACCEPTED; usage is in the ledger',
    async () => {
      llm.reply((body) => {
        const { symbol, asOf } = askedAbout(body)
        return {
          body: completion(
            `<think>weighing it</think>\n\`\`\`json\n${JSON.stringify(holdDraft(symbol, asOf))}\n\`\`\``,
          ),
        }
      })
      const { run, step } = await runAapl()
      expect(run.status).toBe('succeeded')
      const req = llm.requests.at(-1)!
      expect(req.authorization).toBe('Bearer sk-test-key')
      expect(req.body.model).toBe('llava-test')
      expect((req.body.response_format as { type: string }).type).toBe('json_schema')
      const user = (
        req.body.messages as { role: string; content: { type: string; image_url?: { url: string } }[] }[]
      ).find((m) => m.role === 'user')!
      const images = user.content.filter((p) => p.type === 'image_url').map((p) => p.image_url!.url)
      expect(images).toHaveLength(2)
      const charts = run.steps.find((s) => s.step === 'render_charts')!.artifacts
      expect(images).toEqual(
        charts.map(
          (sha) => `data:image/png;base64,${readArtifact(app.store.db, app.dataDir, sha)!.content.toString('base64')}`,
        ),
      )

      const analysis = step<LlmAnalysisOutput>('llm_analysis')
      expect(analysis).toMatchObject({
        provider: 'openai',
        model: 'llava-test',
        outcome: 'draft',
        usage: { promptTokens: 1200, completionTokens: 300, costMicros: 0, priced: true },
      })
      expect(step<ValidateSignalOutput>('validate_signal')).toMatchObject({ status: 'ACCEPTED', finalAction: 'HOLD' })
      expect(step<PlaceOrderOutput>('place_order').orders).toEqual([])
      const rows = app.store.db
        .select()
        .from(llmUsage)
        .all()
        .filter((r) => r.runId === run.id)
      expect(rows).toMatchObject([
        {
          provider: 'openai',
          model: 'llava-test',
          purpose: 'signal',
          promptTokens: 1200,
          completionTokens: 300,
          ok: true,
          step: 'llm_analysis',
        },
      ])
      const signals = await client.call('signals.list', { limit: 1 })
      expect(signals[0]).toMatchObject({
        runId: run.id,
        action: 'HOLD',
        status: 'ACCEPTED',
        provider: 'openai',
        model: 'llava-test',
      })
    },
    60_000,
  )

  it('a refusal becomes REVIEW with no order, never a default trade', async () => {
    llm.reply({ body: completion(null, { refusal: 'I cannot help with trading.' }) })
    const { run, step } = await runAapl()
    expect(run.status).toBe('succeeded')
    expect(step<LlmAnalysisOutput>('llm_analysis')).toMatchObject({ outcome: 'review', reviewReason: 'refused' })
    expect(step<ValidateSignalOutput>('validate_signal')).toMatchObject({ status: 'REVIEW', finalAction: 'REVIEW' })
    expect(step<PlaceOrderOutput>('place_order').orders).toEqual([])
    expect((await client.call('signals.list', { limit: 1 }))[0]).toMatchObject({ action: 'REVIEW', status: 'REVIEW' })
  }, 60_000)

  it('a server that refuses json_schema steps down, and the capability is remembered for the next run', async () => {
    llm.reply(apiError(400, "'response_format.type' must be 'json_schema' or 'text'"))
    llm.reply(apiError(400, 'json_schema is not supported by this server'))
    llm.reply((body) => {
      const { symbol, asOf } = askedAbout(body)
      return { body: completion(`Here you go: ${JSON.stringify(holdDraft(symbol, asOf))}`) }
    })
    const before = llm.requests.length
    const { step } = await runAapl()
    expect(
      llm.requests.slice(before).map((r) => (r.body.response_format as { type?: string } | undefined)?.type ?? 'text'),
    ).toEqual(['json_schema', 'json_object', 'text'])
    expect(step<ValidateSignalOutput>('validate_signal').status).toBe('ACCEPTED')
    const caps = readSettings(app.store.db).get('llm.capabilities') as Record<string, { structured: string }>
    expect(Object.values(caps)).toEqual([{ structured: 'text', vision: true }])

    llm.reply((body) => ({
      body: completion(JSON.stringify(holdDraft(askedAbout(body).symbol, askedAbout(body).asOf))),
    }))
    const next = llm.requests.length
    await runAapl()
    expect(
      llm.requests.slice(next).map((r) => (r.body.response_format as { type?: string } | undefined)?.type ?? 'text'),
    ).toEqual(['text'])
  }, 60_000)
})
