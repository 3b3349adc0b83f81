import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import { startTestApp } from '../fixtures/test-app'
import { createRpcClient, RpcCallError, type RpcClient } from '../../src-main/contract/client'
import type { LlmAnalysisOutput, RiskCheckOutput } from '../../src-main/contract/steps'
import { readArtifact } from '../../src-main/store/artifacts'
import { inProcessTransport } from '../../src-main/rpc/in-process'
import { REVIEW_MODE_MESSAGE } from '../../src-main/review-mode'
import { buySignalReply } from '../fixtures/buy-signal'
import { completion, startFakeOpenAI } from '../fixtures/fake-openai'
import { startTestEngine } from '../fixtures/test-engine'

// F19: replays from cache are byte-identical; code-only steps recompute to the recorded result;
// a fresh replay asks another model on the recorded prompt and images and shows the diff.
// Replays are runs marked `replay` that never reach the order path.

let app: App
let client: RpcClient
let llm: Awaited<ReturnType<typeof startFakeOpenAI>>
let original: string

beforeAll(async () => {
  llm = await startFakeOpenAI()
  // An endpoint is configured, but the demo strategy asks the rules analyst by name.
  ;({ app, client } = await startTestApp({
    overrides: { llmBaseUrl: { value: llm.baseURL, source: 'flag', by: '--llm-base-url' } },
    envApiKey: 'sk-test',
  }))
  const s = (await client.call('strategies.list', {})).find((x) => x.mode === 'dry-run')!
  await client.call('strategies.update', { id: s.id, strategy: { ...s.config, provider: 'rules' } })
  original = (await client.call('runs.start', { strategyId: s.id })).runId
  await app.executor.drain()
}, 60_000)
afterAll(async () => {
  await app?.stop()
  await llm?.close()
})

describe('replay (F19)', () => {
  it('cached replays of the analysis, the validation and the indicators are byte-identical', async () => {
    const run = await client.call('lineage.getRun', { runId: original })
    expect(run.status).toBe('succeeded')
    for (const step of ['llm_analysis', 'validate_signal', 'compute_indicators'] as const) {
      const r = await client.call('lineage.replayStep', { runId: original, step, mode: 'cached' })
      expect(r).toMatchObject({ identical: true, differences: [] })
      const replay = await client.call('lineage.getRun', { runId: r.runId })
      expect(replay).toMatchObject({ trigger: 'replay', replayOf: original, status: 'succeeded' })
      const a = run.steps.find((s) => s.step === step)!
      const b = replay.steps.find((s) => s.step === step)!
      expect(JSON.stringify(b.output)).toBe(JSON.stringify(a.output))
      expect(b.artifacts).toEqual(a.artifacts)
      expect(replay.steps.map((s) => s.step)).not.toContain('place_order')
    }
  }, 60_000)

  it('re-rendering the charts from the recorded bars gives the same PNG bytes', async () => {
    const r = await client.call('lineage.replayStep', { runId: original, step: 'render_charts', mode: 'cached' })
    expect(r.differences).toEqual([])
  }, 60_000)

  it('a fresh replay asks another model on the recorded prompt and images, and shows what changed', async () => {
    const run = await client.call('lineage.getRun', { runId: original })
    const rules = run.steps.find((s) => s.step === 'llm_analysis')!
    const draft = JSON.parse((rules.output as LlmAnalysisOutput).rawText) as Record<string, unknown>
    llm.reply({
      body: completion(
        JSON.stringify({
          ...draft,
          action: 'HOLD',
          entry: null,
          entry_zone: null,
          stop_loss: null,
          entry_type: null,
          targets: [],
          reasoning: 'Another view: wait.',
        }),
      ),
    })
    const before = llm.requests.length
    const r = await client.call('lineage.replayStep', {
      runId: original,
      step: 'llm_analysis',
      mode: 'fresh',
      model: 'other-model',
    })
    expect(llm.requests).toHaveLength(before + 1)
    const sent = llm.requests.at(-1)!.body
    expect(sent.model).toBe('other-model')
    const images = (sent.messages as { role: string; content: { type: string }[] }[])
      .find((m) => m.role === 'user')!
      .content.filter((p) => p.type === 'image_url')
    expect(images).toHaveLength(2)
    expect(r.identical).toBe(false)
    expect(r.differences.map((d) => d.path)).toEqual(expect.arrayContaining(['provider', 'model', 'rawText']))
    const replay = await client.call('lineage.getRun', { runId: r.runId })
    expect(replay.steps.map((s) => s.step)).toEqual(['llm_analysis', 'validate_signal', 'complete'])
    expect(replay.steps[1]!.output).toMatchObject({ finalAction: 'HOLD' })
    expect(replay.steps.at(-1)!.output).toMatchObject({
      replay: { of: original, mode: 'fresh', model: 'other-model', identical: false },
    })
  }, 60_000)

  it('a fresh replay with another prompt version renders that version on the recorded context (issue #9)', async () => {
    const combined = (await client.call('prompts.list', {})).find((t) => t.purpose === 'combined')!
    const { version } = await client.call('prompts.save', {
      templateId: combined.id,
      system: 'Reviewer v2: answer in JSON only.',
      body: 'Replay check for {{ symbol }} at {{ price.last_close }}.',
      note: 'replay test',
    })
    const run = await client.call('lineage.getRun', { runId: original })
    const draft = JSON.parse(
      (run.steps.find((s) => s.step === 'llm_analysis')!.output as LlmAnalysisOutput).rawText,
    ) as Record<string, unknown>
    llm.reply({ body: completion(JSON.stringify(draft)) })
    const before = llm.requests.length
    const r = await client.call('lineage.replayStep', {
      runId: original,
      step: 'llm_analysis',
      mode: 'fresh',
      model: 'other-model',
      promptVersionId: version.id,
    })
    expect(llm.requests).toHaveLength(before + 1)
    const messages = llm.requests.at(-1)!.body.messages as { role: string; content: unknown }[]
    expect(JSON.stringify(messages.find((m) => m.role === 'system')!.content)).toContain('Reviewer v2')
    const user = JSON.stringify(messages.find((m) => m.role === 'user')!.content)
    expect(user).toMatch(/Replay check for [A-Z]+ at \d+(\.\d+)?\./)
    const replay = await client.call('lineage.getRun', { runId: r.runId })
    expect(replay.steps.map((s) => s.step)).not.toContain('place_order')
    expect(replay.steps.at(-1)!.output).toMatchObject({
      replay: { of: original, mode: 'fresh', model: 'other-model', promptVersionId: version.id },
    })
    await expect(
      client.call('lineage.replayStep', {
        runId: original,
        step: 'llm_analysis',
        mode: 'fresh',
        model: 'other-model',
        promptVersionId: 'no-such-version',
      }),
    ).rejects.toThrow('No prompt version no-such-version')
  }, 60_000)

  it('refuses what cannot be replayed, with a clear message, and records nothing', async () => {
    const count = (await client.call('runs.list', { limit: 500 })).length
    const e1 = await client
      .call('lineage.replayStep', { runId: original, step: 'llm_analysis', mode: 'cached', model: 'x' })
      .catch((e: unknown) => e as RpcCallError)
    expect(e1).toMatchObject({ code: 'BAD_INPUT' })
    const e2 = await client
      .call('lineage.replayStep', { runId: 'nope', step: 'llm_analysis', mode: 'cached' })
      .catch((e: unknown) => e as RpcCallError)
    expect(e2).toMatchObject({ code: 'NOT_FOUND' })
    const e3 = await client
      .call('lineage.replayStep', { runId: original, step: 'place_order' as 'llm_analysis', mode: 'cached' })
      .catch((e: unknown) => e as RpcCallError)
    expect(e3).toMatchObject({ code: 'BAD_INPUT' })
    expect(await client.call('runs.list', { limit: 500 })).toHaveLength(count)
  })

  it('replays the risk check of a BUY from what it recorded: same sizing, no order, no broker call', async () => {
    const s = (await client.call('strategies.list', {})).find((x) => x.mode === 'dry-run')!
    // The prompt the original run used (an earlier test saved a new version of the combined template).
    const loaded = (await client.call('lineage.getRun', { runId: original })).steps.find(
      (x) => x.step === 'load_strategy',
    )!.output as { prompt: { versionId: string } }
    await client.call('strategies.update', {
      id: s.id,
      strategy: { ...s.config, provider: 'openai', promptVersionId: loaded.prompt.versionId },
    })
    llm.reply(buySignalReply)
    const { runId: buyRun } = await client.call('runs.start', { strategyId: s.id })
    await app.executor.drain()
    await client.call('strategies.update', { id: s.id, strategy: { ...s.config, provider: 'rules' } })
    const run = await client.call('lineage.getRun', { runId: buyRun })
    const recorded = run.steps.find((x) => x.step === 'risk_check')!.output as RiskCheckOutput
    expect(recorded).toMatchObject({ kind: 'open', side: 'BUY' })
    expect(recorded.account?.netLiquidation).toBeGreaterThan(0)

    const before = llm.requests.length
    const ordersBefore = (await client.call('orders.list', {})).length
    const r = await client.call('lineage.replayStep', { runId: buyRun, step: 'risk_check', mode: 'cached' })
    expect(r).toMatchObject({ identical: true, differences: [] })
    const replay = await client.call('lineage.getRun', { runId: r.runId })
    expect(replay).toMatchObject({ trigger: 'replay', replayOf: buyRun, status: 'succeeded' })
    expect(replay.steps.map((x) => x.step)).toEqual(['risk_check', 'complete'])
    expect(JSON.stringify(replay.steps[0]!.output)).toBe(JSON.stringify(recorded))
    expect(llm.requests).toHaveLength(before)
    expect(await client.call('orders.list', {})).toHaveLength(ordersBefore)

    // The HOLD of the rules run: decided without any account state, identical too.
    const hold = await client.call('lineage.replayStep', { runId: original, step: 'risk_check', mode: 'fresh' })
    expect(hold.identical).toBe(true)
  }, 60_000)

  it('replays a run of an imported bundle from the bundle, into this store, labelled as such', async () => {
    const { file } = await client.call('lineage.export', { selection: { runIds: [original] }, name: 'replay-src' })
    const lib = await client.call('lineage.import', { file })
    const run = await client.call('review.getRun', { id: lib.id, runId: original })
    for (const step of ['llm_analysis', 'compute_indicators', 'validate_signal', 'risk_check'] as const) {
      const r = await client.call('lineage.replayStep', { runId: original, step, mode: 'cached', review: lib.id })
      expect(r, step).toMatchObject({ identical: true, differences: [] })
      const replay = await client.call('lineage.getRun', { runId: r.runId })
      // Not linked by foreign key to a run of this store: the replay names the library and run instead.
      expect(replay).toMatchObject({ trigger: 'replay', replayOf: null, status: 'succeeded' })
      expect(replay.steps.at(-1)!.output).toMatchObject({
        replay: { of: original, imported: { library: lib.id, runId: original }, step, identical: true },
      })
      const a = run.steps.find((x) => x.step === step)!
      const b = replay.steps.find((x) => x.step === step)!
      expect(b.artifacts).toEqual(a.artifacts)
      // Every artifact the replay shows is readable from this store.
      for (const sha of b.artifacts) expect(readArtifact(app.store.db, app.dataDir, sha)).not.toBeNull()
      expect(replay.steps.map((x) => x.step)).not.toContain('place_order')
    }
    const missing = await client
      .call('lineage.replayStep', { runId: 'nope', step: 'risk_check', mode: 'cached', review: lib.id })
      .catch((e: unknown) => e as RpcCallError)
    expect(missing).toMatchObject({ code: 'NOT_FOUND' })
    expect(String(missing)).toContain(`review library ${lib.id}`)
  }, 60_000)

  it('replays an imported run in review mode: no trading engine, no gateway, recorded in the store', async () => {
    const { file } = await client.call('lineage.export', { selection: { runIds: [original] }, name: 'replay-review' })
    const review = await startTestEngine('review', 'replay-review')
    try {
      const rc = createRpcClient(inProcessTransport(review.rpc))
      const lib = await rc.call('lineage.import', { file })
      for (const step of ['compute_indicators', 'risk_check'] as const) {
        const r = await rc.call('lineage.replayStep', { runId: original, step, mode: 'cached', review: lib.id })
        expect(r, step).toMatchObject({ identical: true, differences: [] })
        const replay = await rc.call('lineage.getRun', { runId: r.runId })
        expect(replay).toMatchObject({ trigger: 'replay', replayOf: null, status: 'succeeded', strategyId: null })
        expect(replay.steps.map((x) => x.step)).toEqual([step, 'complete'])
      }
      expect(review.app()).toBeNull() // still no gateway session, scheduler or order path
      expect(review.mode()).toBe('review')
      // A run of this store is not replayed in review mode: that needs the trading engine.
      await expect(
        rc.call('lineage.replayStep', { runId: original, step: 'risk_check', mode: 'cached' }),
      ).rejects.toMatchObject({ code: 'UNAVAILABLE', message: REVIEW_MODE_MESSAGE })
    } finally {
      await review.stop()
    }
  }, 60_000)
})
