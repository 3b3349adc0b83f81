// First start: the web host as shipped (`node out/main/web.js`) on a fresh data folder, timed from
// spawn to its JSON ready line (migrations, seeding, the simulator, the session, the server), and a
// second start on the same folder. The demo's first run is left on, as a newcomer gets it.
import { performance } from 'node:perf_hooks'
import { startWebHost, tempDataDir } from '../tests/fixtures/web-host'
import { stats, writeResult } from './harness'

const ROUNDS = 3

async function timeToReady(dataDir: string): Promise<number> {
  const t = performance.now()
  const host = await startWebHost({ dataDir, env: { IBKR_WS_DEMO_FIRST_RUN: '1' } })
  const ms = performance.now() - t
  await host.stop()
  return ms
}

async function main() {
  const first: number[] = []
  const second: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const dir = tempDataDir()
    first.push(await timeToReady(dir))
    second.push(await timeToReady(dir))
  }
  const f = stats(first)
  const s = stats(second)
  writeResult(
    'startup',
    `web host spawn → ready line, fresh data folder and second start (${ROUNDS} rounds, median and worst)`,
    { firstStartMs: f.p50, firstStartMaxMs: f.max, secondStartMs: s.p50 },
    [
      { metric: 'firstStartMs', op: '<=', value: 3000 },
      { metric: 'secondStartMs', op: '<=', value: 3000 },
    ],
  )
}

void main()
