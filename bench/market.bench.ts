// Market data figures: 5 years of daily history fetched through the CPAPI client from the
// simulator over HTTPS and parsed; and ticks fanned out from the simulator through the engine to
// a browser page with a live chart.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium } from 'playwright-core'
import { createApp } from '../src-main/app'
import { CpapiHttp } from '../src-main/broker/ibkr/http'
import { CPAPI_LIMITS, Pacer } from '../src-main/broker/ibkr/pacer'
import { HistoryResponse } from '../src-main/broker/ibkr/parse'
import { startWebServer } from '../src-main/hosts/web/server'
import { REFERENCE_INSTRUMENTS, startSimGateway } from '../src-main/sim'
import { stats, writeResult } from './harness'

async function historyFetch() {
  const sim = await startSimGateway({
    seed: 2,
    clock: 'real',
    calendar: 'nyse',
    rateLimit: { enabled: false },
    auth: { initial: 'authenticated', idleTimeoutMs: 86_400_000 },
  })
  const clock = { now: Date.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) }
  const http = new CpapiHttp({
    baseUrl: sim.origin,
    ca: sim.cert,
    pacer: new Pacer(clock, { ...CPAPI_LIMITS, global: { max: 10_000, windowMs: 1000 } }),
    clock,
  })
  await http.get('/iserver/accounts')
  const conids = REFERENCE_INSTRUMENTS.slice(0, 20).map((i) => i.conid)
  const fetchOne = async (conid: number) =>
    HistoryResponse.parse(await http.get('/iserver/marketdata/history', { query: { conid, period: '5y', bar: '1d' } }))
      .data.length
  const cold: number[] = []
  for (const conid of conids) {
    const t = performance.now()
    await fetchOne(conid)
    cold.push(performance.now() - t)
  }
  const warm: number[] = []
  let bars = 0
  for (let i = 0; i < 40; i++) {
    const t = performance.now()
    bars = await fetchOne(conids[i % conids.length]!)
    warm.push(performance.now() - t)
  }
  await http.close()
  await sim.close()
  return { bars, cold: stats(cold), warm: stats(warm) }
}

async function tickFanOut() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-bench-'))
  const app = await createApp({
    host: 'test',
    dataDir: { value: dir, source: 'flag' },
    migrationsDir: resolve(__dirname, '../migrations'),
    overrides: { gateway: { value: 'sim', source: 'flag', by: '--gateway' } },
    envApiKey: null,
    secrets: null,
    tuning: { simTickMs: 5, conflateMs: 10 },
  })
  const server = await startWebServer({ app, staticDir: resolve(__dirname, '../out/renderer'), port: 0 })
  for (const i of REFERENCE_INSTRUMENTS) await app.market.addToWatchlist(i.conid)
  const browser = await chromium.launch({
    executablePath: process.env.IBKR_WS_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  let ticks = 0
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => typeof f.payload === 'string' && f.payload.includes('"ev":"market.tick"') && ticks++),
  )
  await page.goto(server.url.replace('/?', '/?') + '#/chart/265598')
  await page.waitForSelector('[data-testid="live-ticks"][data-ticks]:not([data-ticks="0"])', { timeout: 30_000 })
  const start = ticks
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, 5000))
  const perSec = ((ticks - start) / (performance.now() - t0)) * 1000
  const chartTicks = Number(await page.getByTestId('live-ticks').getAttribute('data-ticks'))
  await browser.close()
  await server.close()
  await app.stop()
  return { perSec, instruments: REFERENCE_INSTRUMENTS.length, chartTicks }
}

async function main() {
  const h = await historyFetch()
  const f = await tickFanOut()
  const r = writeResult(
    'market',
    `5 years of daily bars (${h.bars}) fetched and parsed through the CPAPI client from the ` +
      `simulator over HTTPS (20 instruments cold, then 40 warm); market.tick frames per second ` +
      `received by a browser page with the AAPL chart live, ${f.instruments} instruments ` +
      `streaming (sim tick 5 ms, conflation 10 ms)`,
    {
      historyBars: h.bars,
      historyColdP50Ms: h.cold.p50,
      historyWarmP50Ms: h.warm.p50,
      historyWarmP99Ms: h.warm.p99,
      ticksPerSecToRenderer: f.perSec,
      chartUpdates: f.chartTicks,
    },
    [{ metric: 'ticksPerSecToRenderer', op: '>=', value: 1000 }],
  )
  console.log(JSON.stringify(r.metrics))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
