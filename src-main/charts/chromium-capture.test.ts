import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndicatorSpecs } from '../contract/indicators'
import { computeIndicators } from '../domain/indicators'
import { randomWalkBars } from '../domain/indicators/fixtures'
import { openStore } from '../store/db'
import { putArtifact, readArtifact } from '../store/artifacts'
import { pngSize, type ChartCapture } from './capture'
import { startChromiumCapture } from './chromium-capture'

// Real Chromium, the real chart component, the real artifact store (LLM.md §11).

const CHROMIUM = process.env.IBKR_WS_CHROMIUM ?? '/usr/bin/chromium'
let capture: ChartCapture
beforeAll(async () => {
  capture = await startChromiumCapture({
    executablePath: CHROMIUM,
    rendererDir: resolve(__dirname, '../../out/renderer'),
  })
}, 30_000)
afterAll(() => capture?.close())

const bars = randomWalkBars(300, 21)
const specs = IndicatorSpecs.parse([
  { id: 'sma20', type: 'sma', params: { period: 20 } },
  { id: 'bb', type: 'bb' },
  { id: 'st', type: 'supertrend' },
  { id: 'macd', type: 'macd' },
  { id: 'rsi', type: 'rsi' },
])
const spec = {
  title: 'AAPL · 1D · 2026-11-20',
  width: 1024,
  height: 640,
  bars,
  indicators: computeIndicators(bars, specs),
  levels: { entry: 101, stop: 96, targets: [110, 115] },
}

describe('chart capture in Chromium', () => {
  it('draws a 1024×640 PNG from exactly the given bars, identical every time', async () => {
    const a = await capture.capture(spec)
    expect(pngSize(a)).toEqual({ width: 1024, height: 640 })
    const b = await capture.capture(spec)
    expect(b.equals(a)).toBe(true)
    const other = await capture.capture({
      ...spec,
      bars: bars.slice(0, 250),
      indicators: computeIndicators(bars.slice(0, 250), specs),
    })
    expect(other.equals(a)).toBe(false)
  })

  it('draws a bare time axis for date-blind charts: re-timed bars give the very same pixels', async () => {
    const bare = { ...spec, bareTime: true }
    const a = await capture.capture(bare)
    expect(pngSize(a)).toEqual({ width: 1024, height: 640 })
    expect(a.equals(await capture.capture(spec))).toBe(false)
    // With no dates drawn, the real timestamps and consecutive days from 1970 are indistinguishable.
    const retimed = await capture.capture({ ...bare, bars: bars.map((b, k) => ({ ...b, t: (k + 1) * 86_400_000 })) })
    expect(retimed.equals(a)).toBe(true)
  })

  it('stores images content-addressed: the same pixels share one file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-artifacts-'))
    const store = await openStore({
      file: join(dir, 'db.sqlite'),
      migrationsDir: resolve(__dirname, '../../migrations'),
      backupDir: join(dir, 'b'),
    })
    const png = await capture.capture(spec)
    const first = putArtifact(store.db, dir, png, 'chart', 'image/png', 1)
    const again = putArtifact(store.db, dir, await capture.capture(spec), 'chart', 'image/png', 2)
    expect(again).toEqual(first)
    expect(first.path).toBe(join('artifacts', first.sha256.slice(0, 2), `${first.sha256}.png`))
    expect(readFileSync(join(dir, first.path)).equals(png)).toBe(true)
    expect(readArtifact(store.db, dir, first.sha256)).toEqual({ mime: 'image/png', content: png })
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM artifacts').get()).toEqual({ n: 1 })
    store.close()
  })

  it('rejects a spec outside the chart contract', async () => {
    await expect(capture.capture({ ...spec, width: 10 })).rejects.toThrow()
  })

  it('relaunches Chromium after it died and after recycleAfter charts, drawing the very same pixels', async () => {
    const browsers = () =>
      execFileSync('pgrep', ['-P', String(process.pid), '-f', 'remote-debugging-pipe'])
        .toString()
        .trim()
        .split('\n')
        .map(Number)
    const others = new Set(browsers()) // the shared capture's Chromium stays alive
    const own = await startChromiumCapture({
      executablePath: CHROMIUM,
      rendererDir: resolve(__dirname, '../../out/renderer'),
      recycleAfter: 2,
    })
    const ownBrowser = () => browsers().filter((p) => !others.has(p))
    try {
      const first = await own.capture(spec)
      const killed = ownBrowser()
      expect(killed).toHaveLength(1)
      process.kill(killed[0]!, 'SIGKILL')
      expect((await own.capture(spec)).equals(first)).toBe(true) // relaunched after the kill
      const relaunched = ownBrowser()
      expect(relaunched).toHaveLength(1)
      expect(relaunched[0]).not.toBe(killed[0])
      expect((await own.capture(spec)).equals(first)).toBe(true)
      expect((await own.capture(spec)).equals(first)).toBe(true) // the third on it: recycled after two
      expect(ownBrowser()).toHaveLength(1)
      expect(ownBrowser()[0]).not.toBe(relaunched[0])
    } finally {
      await own.close()
    }
  }, 60_000)
})
