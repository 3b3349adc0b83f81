import { describe, expect, it } from 'vitest'
import type { RunStep } from '../../src-main/contract/models'
import { connectRpc, startWebHost, tempDataDir } from '../fixtures/web-host'

// F8 / ARCHITECTURE "One run, as data": the engine is killed (SIGKILL, no clean-up) in the middle of a
// run; at the next start the run is `aborted`, and every step recorded before the kill is still there.

describe('crash mid-run', () => {
  it('kill -9 during a run: at restart the run is aborted and its recorded steps are intact', async () => {
    const dataDir = tempDataDir()
    const first = await startWebHost({ dataDir })
    const { client, ws } = await connectRpc(first.port, first.token)
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const recorded: string[] = []
    const killed = new Promise<void>((ok, fail) => {
      client.on('lineage.stepRecorded', (s) => {
        recorded.push(s.step)
        if (s.step === 'compute_indicators') {
          first.proc.kill('SIGKILL')
          ok()
        }
        // A run that ends before the kill point says why, instead of leaving the test to time out.
        if (s.step === 'complete')
          fail(new Error(`The run ended before compute_indicators: ${JSON.stringify(s.output)}`))
      })
    })
    const authenticated = new Promise<void>((ok) =>
      client.on('gateway.status', (g) => g.state === 'authenticated' && ok()),
    )
    if ((await client.call('gateway.status', {})).state !== 'authenticated') await authenticated
    const { runId } = await client.call('runs.start', { strategyId: strategy.id })
    await killed
    expect(await first.stop()).toBeNull()
    ws.terminate()

    const second = await startWebHost({ dataDir })
    try {
      const again = await connectRpc(second.port, second.token)
      const run = await again.client.call('lineage.getRun', { runId })
      expect(run.status).toBe('aborted')
      expect(run.error).toContain('stopped while this run was in progress')
      const steps = run.steps.map((s: RunStep) => s.step)
      expect(steps.slice(0, 4)).toEqual(['check_session', 'load_strategy', 'fetch_market_data', 'compute_indicators'])
      expect(steps).toEqual(recorded.slice(0, steps.length))
      expect(run.steps.every((s) => s.status === 'succeeded')).toBe(true)
      // The strategy is free to run again.
      const { runId: next } = await again.client.call('runs.start', { strategyId: strategy.id })
      expect(next).not.toBe(runId)
      again.ws.terminate()
    } finally {
      await second.stop()
    }
  }, 90_000)
})
