// One warm chart capture (LLM.md §11 daily layout: 252 bars, SMA/BB/SuperTrend/MACD/RSI, 1024×640)
// in Debian's Chromium through the app's own chart component.
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startChromiumCapture } from '../src-main/charts/chromium-capture'
import { IndicatorSpecs } from '../src-main/contract/indicators'
import { computeIndicators } from '../src-main/domain/indicators'
import { randomWalkBars } from '../src-main/domain/indicators/fixtures'
import { stats, writeResult } from './harness'

async function main() {
  const t0 = performance.now()
  const capture = await startChromiumCapture({
    executablePath: process.env.IBKR_WS_CHROMIUM ?? '/usr/bin/chromium',
    rendererDir: resolve(__dirname, '../out/renderer'),
  })
  const coldStartMs = performance.now() - t0
  const bars = randomWalkBars(452, 3)
  const specs = IndicatorSpecs.parse([
    { id: 'sma20', type: 'sma', params: { period: 20 } },
    { id: 'sma50', type: 'sma', params: { period: 50 } },
    { id: 'sma200', type: 'sma', params: { period: 200 } },
    { id: 'bb', type: 'bb' },
    { id: 'st', type: 'supertrend' },
    { id: 'macd', type: 'macd' },
    { id: 'rsi', type: 'rsi' },
  ])
  const all = computeIndicators(bars, specs)
  const shown = bars.slice(-252)
  const indicators = all.map((r) => ({
    ...r,
    series: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, v.slice(-252)])),
  }))
  const spec = {
    title: 'AAPL · 1D · 2026-11-20',
    width: 1024,
    height: 640,
    bars: shown,
    indicators,
    levels: { entry: 101, stop: 96, targets: [110, 115] },
  }
  for (let i = 0; i < 3; i++) await capture.capture(spec)
  const d: number[] = []
  let bytes = 0
  for (let i = 0; i < 20; i++) {
    const t = performance.now()
    bytes = (await capture.capture(spec)).length
    d.push(performance.now() - t)
  }
  await capture.close()
  const s = stats(d)
  const r = writeResult(
    'charts',
    'Warm chart capture in Chromium: 252 daily bars with 7 indicators, 1024×640 PNG',
    { coldStartMs, warmP50Ms: s.p50, warmP99Ms: s.p99, pngBytes: bytes },
    [{ metric: 'warmP50Ms', op: '<=', value: 150 }],
  )
  console.log(JSON.stringify(r.metrics))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
