import type { Bar, IndicatorResult } from '../../contract/models'
import type { ChartImage, RenderChartsOutput } from '../../contract/steps'
import type { ChartCapture } from '../../charts/capture'
import { CHART_IDS, tail, type Analysis } from '../../domain/runs/analysis'
import { CHART_BARS } from '../../domain/runs/market-data'
import type { StepIo } from './types'

// Step 5, render_charts: the daily (and weekly) chart images the model reads, drawn by the app's
// own chart component in the warm capture page; each PNG becomes an artifact.

export const CHART_SIZE = { width: 1024, height: 640 } as const
export const CHART_SPEC_VERSION = 1

export interface RenderChartsInput {
  symbol: string
  asOf: string
  daily: readonly Bar[]
  weekly: readonly Bar[] | null
  analysis: Analysis
  /** Draw no dates (the evaluation lab's date-blind charts): a bare time axis and re-timed bars. */
  bareTime?: boolean
}

export type RenderChartsResult = RenderChartsOutput & { _png: Buffer[] }

/** One image to draw: the bars shown and the indicator arrays cut to them. */
export interface ChartDraw {
  timeframe: '1D' | '1W'
  title: string
  width: number
  height: number
  bars: Bar[]
  indicators: IndicatorResult[]
  bareTime?: boolean
}

export function renderChartsInput(barsSha256: string, indicatorsSha256: string, withWeekly: boolean) {
  return {
    barsSha256,
    indicatorsSha256,
    specVersion: CHART_SPEC_VERSION,
    size: CHART_SIZE,
    bars: { daily: CHART_BARS.daily, weekly: withWeekly ? CHART_BARS.weekly : null },
  }
}

/** Draw one image and store it (replay redraws recorded images through this too). */
export async function drawChart(
  capture: ChartCapture,
  c: ChartDraw,
  io: StepIo,
): Promise<ChartImage & { png: Buffer }> {
  const png = await capture.capture({
    title: c.title,
    width: c.width,
    height: c.height,
    bars: c.bars,
    indicators: c.indicators,
    levels: null,
    ...(c.bareTime ? { bareTime: true } : {}),
  })
  const sha256 = io.artifact(png, 'chart', 'image/png')
  return { timeframe: c.timeframe, sha256, width: c.width, height: c.height, bars: c.bars.length, title: c.title, png }
}

export async function renderCharts(
  i: RenderChartsInput,
  capture: () => Promise<ChartCapture>,
  io: StepIo,
): Promise<RenderChartsResult> {
  const page = await capture()
  const images: (ChartImage & { png: Buffer })[] = []
  const draw = async (
    timeframe: '1D' | '1W',
    bars: readonly Bar[],
    results: IndicatorResult[],
    ids: readonly string[],
    n: number,
  ) => {
    // Bare time axis: the bars are also re-timed to consecutive days from 1970, so no date reaches the page.
    const shown = i.bareTime ? bars.slice(-n).map((b, k) => ({ ...b, t: (k + 1) * 86_400_000 })) : bars.slice(-n)
    const b = shown.at(-1)!
    const ohlc = `O ${b.o.toFixed(2)} H ${b.h.toFixed(2)} L ${b.l.toFixed(2)} C ${b.c.toFixed(2)}`
    const title = `${i.symbol} · ${timeframe} · ${i.asOf} · ${ohlc}`
    images.push(
      await drawChart(
        page,
        { timeframe, title, ...CHART_SIZE, bars: shown, indicators: tail(results, ids, n), bareTime: i.bareTime },
        io,
      ),
    )
  }
  const a = i.analysis
  await draw('1D', i.daily, a.daily, CHART_IDS.daily, CHART_BARS.daily)
  if (i.weekly && a.weekly) await draw('1W', i.weekly, a.weekly, CHART_IDS.weekly, CHART_BARS.weekly)
  return { images: images.map(({ png: _png, ...img }) => img), _png: images.map((img) => img.png) }
}
