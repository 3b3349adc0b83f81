import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  createTextWatermark,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type LineData,
  type MouseEventParams,
  type SeriesType,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts'
import type { Bar, IndicatorResult, PriceLevels } from '../../src-main/contract/models'
import { fillBarTime, type ChartFill } from './fill-markers'

// The one chart for the UI and for the LLM's chart images (ARCHITECTURE.md "Chart capture"): it
// draws exactly the bars and indicator arrays it is given and never fetches anything itself.

export type ChartTheme = 'dark' | 'light'

export interface PriceChartOptions {
  theme: ChartTheme
  /** Fixed size for captures; omitted, the chart follows its container. */
  size?: { width: number; height: number }
  watermark?: string
  showVolume?: boolean
  /** Volume in its own pane (chart images for the model); otherwise an overlay under the candles. */
  volumePane?: boolean
}

export type { ChartFill } from './fill-markers'

export interface CrosshairInfo {
  bar: Bar | null
  values: { label: string; value: number | null; color: string }[]
}

const PALETTE = ['#f5b84c', '#4c8dff', '#c678dd', '#56b6c2', '#e06c75', '#98c379', '#d19a66', '#61afef']
const THEMES = {
  dark: {
    bg: '#0e1116',
    text: '#8a96a6',
    grid: '#1a2029',
    up: '#2fbf71',
    down: '#f0524f',
    volUp: 'rgba(47,191,113,0.35)',
    volDown: 'rgba(240,82,79,0.35)',
  },
  light: {
    bg: '#ffffff',
    text: '#333333',
    grid: '#eeeeee',
    up: '#089981',
    down: '#f23645',
    volUp: 'rgba(8,153,129,0.45)',
    volDown: 'rgba(242,54,69,0.45)',
  },
}

const toTime = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp

interface DrawnIndicator {
  result: IndicatorResult
  lines: { name: string; series: ISeriesApi<SeriesType>; color: string }[]
}

export class PriceChart {
  readonly chart: IChartApi
  private readonly candles: ISeriesApi<'Candlestick'>
  private readonly volume: ISeriesApi<'Histogram'> | null
  private readonly theme: (typeof THEMES)[ChartTheme]
  private bars: Bar[] = []
  private drawn: DrawnIndicator[] = []
  private levelLines: IPriceLine[] = []
  private avgCostLine: IPriceLine | null = null
  private fillMarkers: ISeriesMarkersPluginApi<Time> | null = null
  private crosshairListeners = new Set<(info: CrosshairInfo) => void>()

  constructor(
    container: HTMLElement,
    private readonly opts: PriceChartOptions,
  ) {
    this.theme = THEMES[opts.theme]
    this.chart = createChart(container, {
      autoSize: !opts.size,
      ...(opts.size ?? {}),
      layout: {
        background: { color: this.theme.bg },
        textColor: this.theme.text,
        fontSize: 11,
        attributionLogo: false,
        panes: { separatorColor: this.theme.grid },
      },
      grid: { vertLines: { color: this.theme.grid }, horzLines: { color: this.theme.grid } },
      rightPriceScale: { borderColor: this.theme.grid },
      timeScale: { borderColor: this.theme.grid, timeVisible: false, rightOffset: 3 },
      crosshair: { mode: 0 },
    })
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: this.theme.up,
      downColor: this.theme.down,
      borderVisible: false,
      wickUpColor: this.theme.up,
      wickDownColor: this.theme.down,
    })
    this.volume =
      opts.showVolume === false
        ? null
        : this.chart.addSeries(
            HistogramSeries,
            {
              priceFormat: { type: 'volume' },
              priceScaleId: 'volume',
              lastValueVisible: false,
              priceLineVisible: false,
            },
            opts.volumePane ? 1 : 0,
          )
    if (this.volume && !opts.volumePane)
      this.volume.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } })
    if (opts.watermark) {
      createTextWatermark(this.chart.panes()[0]!, {
        horzAlign: 'left',
        vertAlign: 'top',
        lines: [{ text: opts.watermark, color: this.theme.text, fontSize: 13 }],
      })
    }
    this.chart.subscribeCrosshairMove((p) => this.emitCrosshair(p))
  }

  /** Replace everything: bars and indicators (load, resync, symbol or timeframe switch). */
  setData(bars: Bar[], indicators: IndicatorResult[]): void {
    this.bars = bars
    this.candles.setData(bars.map((b) => ({ time: toTime(b.t), open: b.o, high: b.h, low: b.l, close: b.c })))
    this.volume?.setData(
      bars.map((b) => ({ time: toTime(b.t), value: b.v, color: b.c >= b.o ? this.theme.volUp : this.theme.volDown })),
    )
    for (const d of this.drawn) for (const l of d.lines) this.chart.removeSeries(l.series)
    this.drawn = []
    let colorIndex = 0
    let nextPane = this.volume && this.opts.volumePane ? 2 : 1
    for (const result of indicators) {
      const pane = result.placement === 'overlay' ? 0 : nextPane++
      const lines = Object.entries(result.series).map(([name, values]) => {
        const color = PALETTE[colorIndex++ % PALETTE.length]!
        const series = this.addIndicatorSeries(result, name, values, color, pane)
        return { name, series, color }
      })
      if (result.type === 'rsi') this.addRsiGuides(lines[0]?.series)
      this.drawn.push({ result, lines })
    }
    // Candles get most of the height (LLM.md §11: ~360 of 640 px; volume ~80; each oscillator ~100).
    this.chart
      .panes()
      .forEach((pane, i) => pane.setStretchFactor(i === 0 ? 3.6 : i === 1 && this.opts.volumePane ? 0.8 : 1))
    this.chart.timeScale().fitContent()
  }

  /** The forming bar changed, or a new bar opened: `series.update` only, never `setData`. */
  updateBar(bar: Bar): void {
    const last = this.bars.at(-1)
    if (last && bar.t < last.t) return
    if (last && bar.t === last.t) this.bars[this.bars.length - 1] = bar
    else this.bars.push(bar)
    this.candles.update({ time: toTime(bar.t), open: bar.o, high: bar.h, low: bar.l, close: bar.c })
    this.volume?.update({
      time: toTime(bar.t),
      value: bar.v,
      color: bar.c >= bar.o ? this.theme.volUp : this.theme.volDown,
    })
  }

  /** Move each indicator line to its newest value (after `updateBar`), without a full redraw. */
  updateIndicators(results: IndicatorResult[]): void {
    const last = this.bars.at(-1)
    if (!last) return
    const time = toTime(last.t)
    for (const d of this.drawn) {
      const r = results.find((x) => x.id === d.result.id)
      if (!r) continue
      d.result = r
      const i = this.bars.length - 1
      for (const l of d.lines) {
        const v = r.series[l.name]?.[i]
        if (v === null || v === undefined) continue
        if (l.name === 'histogram')
          l.series.update({ time, value: v, color: v >= 0 ? this.theme.volUp : this.theme.volDown })
        else {
          const dir = r.series.direction?.[i]
          l.series.update(
            dir === null || dir === undefined || l.name === 'direction'
              ? { time, value: v }
              : { time, value: v, color: dir > 0 ? this.theme.up : this.theme.down },
          )
        }
      }
    }
  }

  /** Entry, stop and targets as labelled price lines on the candles. */
  setLevels(levels: PriceLevels | null): void {
    for (const l of this.levelLines) this.candles.removePriceLine(l)
    this.levelLines = []
    if (!levels) return
    const add = (price: number | null, title: string, color: string) => {
      if (price !== null)
        this.levelLines.push(
          this.candles.createPriceLine({
            price,
            title,
            color,
            lineWidth: 1,
            lineStyle: LineStyle.Dashed,
            axisLabelVisible: true,
          }),
        )
    }
    add(levels.entry, 'Entry', '#4c8dff')
    add(levels.stop, 'Stop', this.theme.down)
    levels.targets.forEach((t, i) => add(t, `T${i + 1}`, this.theme.up))
  }

  /** The position's average cost as a solid price line (null: no position). */
  setAvgCost(price: number | null, qty = 0): void {
    if (this.avgCostLine) this.candles.removePriceLine(this.avgCostLine)
    this.avgCostLine = null
    if (price === null) return
    this.avgCostLine = this.candles.createPriceLine({
      price,
      title: `Avg ${qty > 0 ? '+' : ''}${qty}`,
      color: '#d19a66',
      lineWidth: 1,
      lineStyle: LineStyle.Solid,
      axisLabelVisible: true,
    })
  }

  /** Fills as arrows on the bar they happened in (buys below, sells above). */
  setFills(fills: readonly ChartFill[], bars: readonly Bar[]): void {
    const markers = fills.flatMap((f) => {
      const t = fillBarTime(f.at, bars)
      if (t === null) return []
      const buy = f.side === 'BUY'
      return [
        {
          time: toTime(t),
          position: buy ? ('belowBar' as const) : ('aboveBar' as const),
          shape: buy ? ('arrowUp' as const) : ('arrowDown' as const),
          color: buy ? this.theme.up : this.theme.down,
          text: `${buy ? 'B' : 'S'} ${f.qty} @ ${f.price}`,
        },
      ]
    })
    markers.sort((a, b) => a.time - b.time)
    if (!this.fillMarkers) this.fillMarkers = createSeriesMarkers(this.candles, markers)
    else this.fillMarkers.setMarkers(markers)
  }

  /** PNG of the chart as a data URL (captures). */
  toPngDataUrl(): string {
    return this.chart.takeScreenshot().toDataURL('image/png')
  }

  onCrosshair(cb: (info: CrosshairInfo) => void): () => void {
    this.crosshairListeners.add(cb)
    return () => this.crosshairListeners.delete(cb)
  }

  dispose(): void {
    this.crosshairListeners.clear()
    this.chart.remove()
  }

  private addIndicatorSeries(
    result: IndicatorResult,
    name: string,
    values: (number | null)[],
    color: string,
    pane: number,
  ): ISeriesApi<SeriesType> {
    const common = { lastValueVisible: false, priceLineVisible: false, title: '' }
    if (name === 'histogram') {
      const s = this.chart.addSeries(HistogramSeries, { ...common, color }, pane)
      s.setData(this.align(values, (v) => ({ value: v, color: v >= 0 ? this.theme.volUp : this.theme.volDown })))
      return s
    }
    if (name === 'direction') {
      // SuperTrend's direction colours its line; the direction itself is not drawn.
      const s = this.chart.addSeries(LineSeries, { ...common, visible: false }, pane)
      s.setData(this.align(values, (v) => ({ value: v })))
      return s
    }
    const direction = result.series.direction
    const s = this.chart.addSeries(
      LineSeries,
      { ...common, color, lineWidth: result.type === 'supertrend' ? 2 : 1 },
      pane,
    )
    s.setData(
      this.align(values, (v, i): Omit<LineData, 'time'> => {
        const d = direction?.[i]
        return d === undefined || d === null
          ? { value: v }
          : { value: v, color: d > 0 ? this.theme.up : this.theme.down }
      }),
    )
    return s
  }

  private addRsiGuides(series: ISeriesApi<SeriesType> | undefined): void {
    if (!series) return
    for (const [price, style] of [
      [70, LineStyle.Dashed],
      [50, LineStyle.Dotted],
      [30, LineStyle.Dashed],
    ] as const) {
      series.createPriceLine({
        price,
        color: this.theme.text,
        lineWidth: 1,
        lineStyle: style,
        axisLabelVisible: false,
        title: '',
      })
    }
  }

  /** Values aligned to bars; warm-up `null`s become whitespace so the time axis stays shared. */
  private align<T extends object>(
    values: (number | null)[],
    make: (v: number, i: number) => T,
  ): (T & { time: UTCTimestamp })[] | { time: UTCTimestamp }[] {
    return this.bars.map((b, i) => {
      const v = values[i]
      return v === null || v === undefined ? { time: toTime(b.t) } : { time: toTime(b.t), ...make(v, i) }
    }) as (T & { time: UTCTimestamp })[]
  }

  private emitCrosshair(p: MouseEventParams): void {
    if (this.crosshairListeners.size === 0) return
    const index = p.time === undefined ? this.bars.length - 1 : this.bars.findIndex((b) => toTime(b.t) === p.time)
    const bar = index >= 0 ? (this.bars[index] ?? null) : null
    const values = this.drawn.flatMap((d) =>
      d.lines
        .filter((l) => l.name !== 'direction')
        .map((l) => ({
          label: l.name === 'value' ? d.result.label : `${d.result.label} ${l.name}`,
          value: index >= 0 ? (d.result.series[l.name]?.[index] ?? null) : null,
          color: l.color,
        })),
    )
    for (const cb of this.crosshairListeners) cb({ bar, values })
  }
}
