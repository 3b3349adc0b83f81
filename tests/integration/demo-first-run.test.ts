import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import type { PlaceOrderOutput } from '../../src-main/contract/steps'
import { isOnIncrement } from '../../src-main/domain/prices'
import { startTestApp } from '../fixtures/test-app'

// Demo mode end to end (issue 10): a fresh data folder, the simulator, no API key, no fake model.
// The paper demo strategy runs once by itself as soon as orders may be sent; the offline rules
// analyst proposes levels that clear the strategy's own rules; the bracket reaches the simulator,
// its entry fills and becomes a position and an open trade linked to the run. Every price in the
// recorded answer and in the orders is an exact decimal of the increment.

let app: App
let client: RpcClient

beforeAll(async () => {
  ;({ app, client } = await startTestApp({ demoFirstRun: true }))
}, 60_000)
afterAll(async () => {
  await app?.stop()
})

describe('the demo on a fresh data folder', () => {
  it('runs the paper demo within a minute to an accepted signal, a filled bracket, a position, a trade', async () => {
    const paper = (await client.call('strategies.list', {})).find((s) => s.mode === 'paper')!
    await vi.waitFor(async () => expect(await client.call('runs.list', { strategyId: paper.id })).toHaveLength(1), {
      timeout: 30_000,
      interval: 100,
    })
    await app.executor.drain()
    const [summary] = await client.call('runs.list', { strategyId: paper.id })
    expect(summary).toMatchObject({ trigger: 'manual', status: 'succeeded' })
    const run = await client.call('lineage.getRun', { runId: summary!.id })
    const step = (id: string) => run.steps.find((s) => s.step === id)!
    expect((step('llm_analysis').output as { provider: string }).provider).toBe('rules')
    const verdict = step('validate_signal').output as {
      status: string
      finalAction: string
      numbers: { rMultiples: number[] }
      draft: { entry: number; stop_loss: number; targets: { price: number }[] }
    }
    expect(verdict).toMatchObject({ status: 'ACCEPTED', finalAction: 'BUY' })
    const strategy = (await client.call('strategies.list', {})).find((s) => s.id === paper.id)!
    expect(verdict.numbers.rMultiples[0]).toBeGreaterThan(strategy.config.risk.minR)
    const increment = (step('fetch_market_data').output as { instrument: { increment: number } }).instrument.increment
    const prices = [verdict.draft.entry, verdict.draft.stop_loss, ...verdict.draft.targets.map((t) => t.price)]
    for (const p of prices) {
      expect(isOnIncrement(p, increment)).toBe(true)
      expect(String(p)).toMatch(/^\d+(\.\d{1,2})?$/)
    }
    const placed = step('place_order').output as PlaceOrderOutput
    expect(placed).toMatchObject({ mode: 'paper', sent: true })
    expect(placed.orders.map((o) => o.leg)).toEqual(['parent', 'stop', 'target'])
    for (const o of placed.orders) expect(String(o.price)).toMatch(/^\d+(\.\d{1,2})?$/)

    const parentId = (await client.call('orders.list', { runId: run.id })).find((o) => o.leg === 'parent')!.id
    await vi.waitFor(
      async () => {
        await app.trading.orders.refresh()
        const parent = (await client.call('orders.list', { runId: run.id })).find((o) => o.id === parentId)!
        expect(parent.status).toBe('FILLED')
      },
      { timeout: 20_000, interval: 250 },
    )
    const parent = (await client.call('orders.list', { runId: run.id })).find((o) => o.id === parentId)!
    await vi.waitFor(
      async () => {
        expect(await client.call('portfolio.trades', { strategyId: paper.id, status: 'open' })).toMatchObject([
          { runId: run.id, symbol: strategy.config.symbol, direction: 'long', qty: parent.qty },
        ])
        expect(
          (await client.call('portfolio.get', {})).positions.filter((p) => p.strategyId === paper.id),
        ).toMatchObject([{ qty: parent.qty }])
      },
      { timeout: 20_000, interval: 250 },
    )
  }, 90_000)
})
