import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { exportBundle } from '../../src-main/store/bundles'
import { createRpcClient, type RpcClient } from '../../src-main/contract/client'
import { inProcessTransport } from '../../src-main/rpc/in-process'
import { REVIEW_MODE_MESSAGE, type Engine } from '../../src-main/review-mode'
import { closeStores, DAY, png, seedRun, tempStore } from '../fixtures/bundles-fixture'
import { startTestEngine } from '../fixtures/test-engine'

// A first launch from a bundle starts the review shell only: the store and the review library, and
// none of the trading engine (gateway session and its keeper, scheduler, order path) until asked.

const T0 = Date.UTC(2026, 10, 2)

async function bundleFile(): Promise<string> {
  const ts = await tempStore('ibkr-ws-review-src-')
  seedRun(ts, { id: 'r1', startedAt: T0, steps: [[png(1)]] })
  const file = join(ts.dataDir, 'runs.wsbundle')
  await exportBundle(ts.store, ts.dataDir, { runIds: ['r1'] }, file, T0 + DAY)
  closeStores()
  return file
}

let engine: Engine | null = null
afterEach(async () => {
  await engine?.stop()
  engine = null
})

const start = (mode: 'review' | 'trading') => startTestEngine(mode, 'review')

describe('review mode (first launch from a bundle)', () => {
  it('runs no trading engine, imports and reads the bundle, refuses trading calls', async () => {
    const file = await bundleFile()
    engine = await start('review')
    const client: RpcClient = createRpcClient(inProcessTransport(engine.rpc))

    expect(engine.mode()).toBe('review')
    expect(engine.app()).toBeNull() // no gateway hub (session keeper), scheduler, executor or order manager exist
    expect(await client.call('system.mode', {})).toEqual({ mode: 'review' })
    expect((await client.call('system.health', {})).gateway.state).toBe('offline')

    const lib = await client.call('lineage.import', { file })
    expect((await client.call('review.listRuns', { id: lib.id, limit: 10 })).map((r) => r.id)).toEqual(['r1'])

    for (const [method, input] of [
      ['orders.list', {}],
      ['strategies.list', {}],
      ['schedules.list', {}],
      ['gateway.status', {}],
    ] as const)
      await expect(client.call(method, input as never), method).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: REVIEW_MODE_MESSAGE,
      })
  })

  it('starts the trading engine on request; the same client then reaches it', async () => {
    const file = await bundleFile()
    engine = await start('review')
    const client = createRpcClient(inProcessTransport(engine.rpc))
    const lib = await client.call('lineage.import', { file })
    let announced = 0
    engine.onTrading(() => announced++)

    expect(await client.call('system.startTrading', {})).toEqual({ mode: 'trading' })
    expect(engine.mode()).toBe('trading')
    expect(engine.app()).not.toBeNull()
    expect(announced).toBe(1)
    expect(await client.call('system.mode', {})).toEqual({ mode: 'trading' })
    expect(Array.isArray(await client.call('strategies.list', {}))).toBe(true)
    expect((await client.call('gateway.status', {})).url).toBe('sim')
    // The imported library is still there for the trading engine.
    expect((await client.call('review.list', {})).map((l) => l.id)).toContain(lib.id)
    expect(await client.call('system.startTrading', {})).toEqual({ mode: 'trading' })
  })

  it('starts straight into trading without the review shell by default', async () => {
    engine = await start('trading')
    expect(engine.mode()).toBe('trading')
    expect(engine.app()).not.toBeNull()
    const client = createRpcClient(inProcessTransport(engine.rpc))
    expect(await client.call('system.mode', {})).toEqual({ mode: 'trading' })
  })
})
