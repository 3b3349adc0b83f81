import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import { startTestApp } from '../fixtures/test-app'
import { pngSize } from '../../src-main/charts/capture'
import { RpcCallError, type RpcClient } from '../../src-main/contract/client'
import type { RunStep } from '../../src-main/contract/models'
import { StepId } from '../../src-main/contract/models'
import { readArtifact } from '../../src-main/store/artifacts'

// One whole run on the simulator with the rules analyst and real chart capture in Chromium: every
// canonical step recorded in order with its input and output, the dry-run order intent, the events.

let app: App
let client: RpcClient

beforeAll(async () => {
  ;({ app, client } = await startTestApp())
}, 60_000)
afterAll(async () => app?.stop())

const byStep = (steps: RunStep[]) => Object.fromEntries(steps.map((s) => [s.step, s])) as Record<string, RunStep>

describe('a manual run of the demo dry-run strategy', () => {
  it('records every canonical step in order, with charts, the answer, the verdicts and the order intent', async () => {
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const recorded: string[] = []
    const off = client.on('lineage.stepRecorded', (e) => void recorded.push(e.step))
    const { runId } = await client.call('runs.start', { strategyId: strategy.id })
    await expect(client.call('runs.start', { strategyId: strategy.id })).rejects.toMatchObject({ code: 'CONFLICT' })
    await app.executor.drain()
    off()
    const run = await client.call('lineage.getRun', { runId })
    expect(run.error).toBeNull()
    expect(run.status).toBe('succeeded')
    expect(run.steps.map((s) => s.step)).toEqual(StepId.options)
    expect(recorded).toEqual(StepId.options)
    const s = byStep(run.steps)
    expect(s.check_session!.output).toMatchObject({ state: 'authenticated', paper: true })
    expect(s.fetch_market_data!.output).toMatchObject({
      instrument: { symbol: 'AAPL' },
      daily: { count: expect.any(Number) },
      weekly: { count: expect.any(Number) },
    })
    const fetched = s.fetch_market_data!.output as { daily: { count: number }; barsSha256: string; asOf: string }
    expect(fetched.daily.count).toBeGreaterThanOrEqual(252)
    expect(s.fetch_market_data!.artifacts).toEqual([fetched.barsSha256])
    expect(s.fetch_market_data!.output).not.toHaveProperty('_daily')

    const charts = (s.render_charts!.output as { images: { timeframe: string; sha256: string }[] }).images
    expect(charts.map((c) => c.timeframe)).toEqual(['1D', '1W'])
    for (const c of charts) {
      const png = readArtifact(app.store.db, app.dataDir, c.sha256)!
      expect(png.mime).toBe('image/png')
      expect(pngSize(png.content)).toEqual({ width: 1024, height: 640 })
    }
    const llm = s.llm_analysis!.output as { provider: string; label: string; rawText: string; outcome: string }
    expect(llm).toMatchObject({ provider: 'rules', label: 'Rules-based (no language model)', outcome: 'draft' })
    expect(JSON.parse(llm.rawText)).toMatchObject({ symbol: 'AAPL', as_of: fetched.asOf })
    expect(s.llm_analysis!.artifacts).toHaveLength(2)
    const prompt = readArtifact(app.store.db, app.dataDir, s.llm_analysis!.artifacts[0]!)!.content.toString()
    expect(prompt).toContain(`AAPL`)
    expect(prompt).toContain(fetched.asOf)

    const verdict = s.validate_signal!.output as { status: string; finalAction: string; signalId: string }
    const prompt_ = (s.load_strategy!.output as { prompt: { versionId: string; version: number } }).prompt
    expect(prompt_.versionId).toBeTruthy()
    const signals = await client.call('signals.list', {})
    expect(signals[0]).toMatchObject({
      id: verdict.signalId,
      runId,
      status: verdict.status,
      provider: 'rules',
      model: 'rules-v1',
      promptVersionId: prompt_.versionId,
    })
    const decision = s.risk_check!.output as { kind: string; checks: { rule: string; passed: boolean }[] }
    const order = s.place_order!.output as {
      dryRun: boolean
      sent: boolean
      orders: { clientOrderId: string; leg: string }[]
      noOrder?: string
    }
    expect(order).toMatchObject({ dryRun: true, sent: false })
    if (verdict.status === 'ACCEPTED' && verdict.finalAction === 'BUY' && decision.kind === 'open') {
      expect(order.orders.map((o) => o.leg)).toEqual(['parent', 'stop', 'target'])
      expect(order.orders[0]!.clientOrderId).toMatch(new RegExp(`^${strategy.key}-\\d{8}-1-P$`))
    } else {
      expect(order.orders).toEqual([])
      expect(order.noOrder).toBeTruthy()
    }
    expect(s.track_order!.status).toBe('skipped')
    expect(s.update_portfolio!.status).toBe('skipped')
    expect(s.complete!.output).toMatchObject({ status: 'succeeded', signal: { id: verdict.signalId } })
    expect((await client.call('runs.list', { limit: 5 }))[0]).toMatchObject({
      id: runId,
      status: 'succeeded',
      trigger: 'manual',
    })
  }, 60_000)

  it('refuses an unknown strategy and a malformed request, and records nothing', async () => {
    const before = (await client.call('runs.list', { limit: 500 })).length
    expect(
      await client.call('runs.start', { strategyId: 'nope' }).catch((e: unknown) => (e as RpcCallError).code),
    ).toBe('NOT_FOUND')
    expect(await client.call('runs.start', { strategyId: '' }).catch((e: unknown) => (e as RpcCallError).code)).toBe(
      'BAD_INPUT',
    )
    expect(await client.call('runs.list', { limit: 500 })).toHaveLength(before)
  })
})
