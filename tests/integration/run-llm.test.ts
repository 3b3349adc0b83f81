import { describe, expect, it } from 'vitest'
import { askedAbout, holdDraft } from '../fixtures/buy-signal'
import type { LlmAnalysisOutput, PlaceOrderOutput, ValidateSignalOutput } from '../../src-main/contract/steps'
import { readArtifact } from '../../src-main/store/artifacts'
import { readSettings } from '../../src-main/store/settings-repo'
import { llmUsage } from '../../src-main/store/schema'
import { apiError, completion } from '../fixtures/fake-openai'
import { useAppWithFakeModel } from '../fixtures/model-app'

// A run asking an OpenAI-compatible model: the real openai SDK against the local test server,
// two chart PNGs as data URLs, the answer's verdict, the ledger rows, and the step-down remembered.

const t = useAppWithFakeModel({ model: 'llava-test' })

async function runAapl() {
  const strategy = (await t.client.call('strategies.list', {})).find((s) => s.config.symbol === 'AAPL')!
  const { runId } = await t.client.call('runs.start', { strategyId: strategy.id })
  await t.app.executor.drain()
  const run = await t.client.call('lineage.getRun', { runId })
  if (!run.steps.some((s) => s.step === 'llm_analysis'))
    throw new Error(`The run stopped before asking the model: ${run.error}`)
  const step = <T>(id: string) => run.steps.find((s) => s.step === id)!.output as T
  return { run, step }
}

describe('a run with an OpenAI-compatible model (real SDK, local test server)', () => {
  it(
    'sends both charts and the rendered prompt; a fenced, ' + 'think-prefixed HOLD is ACCEPTED; usage is in the ledger',
    async () => {
      t.llm.reply((body) => {
        const { symbol, asOf } = askedAbout(body)
        return {
          body: completion(
            `<think>weighing it</think>\n\`\`\`json\n${JSON.stringify(holdDraft(symbol, asOf))}\n\`\`\``,
          ),
        }
      })
      const { run, step } = await runAapl()
      expect(run.status).toBe('succeeded')
      const req = t.llm.requests.at(-1)!
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
          (sha) =>
            `data:image/png;base64,${readArtifact(t.app.store.db, t.app.dataDir, sha)!.content.toString('base64')}`,
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
      const rows = t.app.store.db
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
      const signals = await t.client.call('signals.list', { limit: 1 })
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
    t.llm.reply({ body: completion(null, { refusal: 'I cannot help with trading.' }) })
    const { run, step } = await runAapl()
    expect(run.status).toBe('succeeded')
    expect(step<LlmAnalysisOutput>('llm_analysis')).toMatchObject({ outcome: 'review', reviewReason: 'refused' })
    expect(step<ValidateSignalOutput>('validate_signal')).toMatchObject({ status: 'REVIEW', finalAction: 'REVIEW' })
    expect(step<PlaceOrderOutput>('place_order').orders).toEqual([])
    expect((await t.client.call('signals.list', { limit: 1 }))[0]).toMatchObject({ action: 'REVIEW', status: 'REVIEW' })
  }, 60_000)

  it('a server that refuses json_schema steps down, and the capability is remembered for the next run', async () => {
    t.llm.reply(apiError(400, "'response_format.type' must be 'json_schema' or 'text'"))
    t.llm.reply(apiError(400, 'json_schema is not supported by this server'))
    t.llm.reply((body) => {
      const { symbol, asOf } = askedAbout(body)
      return { body: completion(`Here you go: ${JSON.stringify(holdDraft(symbol, asOf))}`) }
    })
    const before = t.llm.requests.length
    const { step } = await runAapl()
    expect(
      t.llm.requests
        .slice(before)
        .map((r) => (r.body.response_format as { type?: string } | undefined)?.type ?? 'text'),
    ).toEqual(['json_schema', 'json_object', 'text'])
    expect(step<ValidateSignalOutput>('validate_signal').status).toBe('ACCEPTED')
    const caps = readSettings(t.app.store.db).get('llm.capabilities') as Record<string, { structured: string }>
    expect(Object.values(caps)).toEqual([{ structured: 'text', vision: true }])

    t.llm.reply((body) => ({
      body: completion(JSON.stringify(holdDraft(askedAbout(body).symbol, askedAbout(body).asOf))),
    }))
    const next = t.llm.requests.length
    await runAapl()
    expect(
      t.llm.requests.slice(next).map((r) => (r.body.response_format as { type?: string } | undefined)?.type ?? 'text'),
    ).toEqual(['text'])
  }, 60_000)
})
