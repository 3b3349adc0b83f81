// RPC figures: round trip over the WebSocket to the real web host (a child process) and
// in-process, and event fan-out over WebSockets from one engine to several clients.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { createApp } from '../src-main/app'
import { createRpcClient, type RpcClient } from '../src-main/contract/client'
import { startWebServer } from '../src-main/hosts/web/server'
import { inProcessTransport } from '../src-main/rpc/in-process'
import { connectRpc, startWebHost } from '../tests/fixtures/web-host'
import { stats, writeResult } from './harness'

const CALLS = 5000
const WARMUP = 500

async function roundTrips(client: RpcClient): Promise<{ p50: number; p99: number; callsPerSec: number }> {
  for (let i = 0; i < WARMUP; i++) await client.call('gateway.status', {})
  const durations: number[] = []
  const started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now()
    await client.call('gateway.status', {})
    durations.push(performance.now() - t)
  }
  const elapsed = performance.now() - started
  const s = stats(durations)
  return { p50: s.p50, p99: s.p99, callsPerSec: (CALLS / elapsed) * 1000 }
}

async function inProcessApp() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-bench-'))
  return createApp({
    host: 'test',
    dataDir: { value: dir, source: 'flag' },
    migrationsDir: resolve(__dirname, '../migrations'),
    overrides: {},
    envApiKey: null,
    secrets: null,
  })
}

async function fanOut(): Promise<{ eventsPerSec: number; clients: number }> {
  const app = await inProcessApp()
  const server = await startWebServer({ app, staticDir: resolve(__dirname, '../out/renderer'), port: 0 })
  const CLIENTS = 4
  const EVENTS = 20_000
  const sockets: WebSocket[] = []
  let received = 0
  let done!: () => void
  const allDone = new Promise<void>((ok) => (done = ok))
  for (let c = 0; c < CLIENTS; c++) {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`)
    await new Promise((ok) => ws.once('open', ok))
    ws.on('message', () => {
      if (++received === CLIENTS * EVENTS + CLIENTS) done()
    })
    ws.send(JSON.stringify({ t: 'sub', ev: 'alerts.raised' }))
    ws.send(JSON.stringify({ t: 'call', id: 1, m: 'gateway.status', p: {} })) // answered after the sub is in place
    sockets.push(ws)
  }
  while (received < CLIENTS) await new Promise((r) => setTimeout(r, 5))
  const started = performance.now()
  for (let i = 0; i < EVENTS; i++) {
    app.bus.emit('alerts.raised', { id: `a${i}`, level: 'info', title: 'tick', message: 'bench', at: i })
    if (i % 500 === 0) await new Promise((r) => setImmediate(r))
  }
  await allDone
  const elapsed = performance.now() - started
  for (const ws of sockets) ws.close()
  await server.close()
  await app.stop()
  return { eventsPerSec: ((CLIENTS * EVENTS) / elapsed) * 1000, clients: CLIENTS }
}

async function main() {
  const host = await startWebHost()
  const { client, ws } = await connectRpc(host.port, host.token)
  const overWs = await roundTrips(client)
  ws.close()
  await host.stop()

  const app = await inProcessApp()
  const local = createRpcClient(inProcessTransport(app.rpc))
  const inProc = await roundTrips(local)
  await app.stop()

  const fan = await fanOut()
  const r = writeResult(
    'rpc',
    `RPC round trip (${CALLS} sequential gateway.status calls) over the WebSocket to the web ` +
      `host child process and in-process; event fan-out to ${fan.clients} WebSocket clients`,
    {
      wsRoundTripP50Ms: overWs.p50,
      wsRoundTripP99Ms: overWs.p99,
      wsCallsPerSec: overWs.callsPerSec,
      inProcessRoundTripP50Ms: inProc.p50,
      inProcessRoundTripP99Ms: inProc.p99,
      inProcessCallsPerSec: inProc.callsPerSec,
      fanOutEventsPerSec: fan.eventsPerSec,
    },
    [{ metric: 'wsRoundTripP50Ms', op: '<=', value: 1 }],
  )
  console.log(JSON.stringify(r.metrics))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
