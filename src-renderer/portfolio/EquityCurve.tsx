import { AreaSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import type { PortfolioSnapshot } from '../../src-main/contract/portfolio-api'

// Net liquidation over time from the portfolio snapshots (start of day, intraday, close), drawn
// with lightweight-charts as an area; one point per second at most (the chart's time unit).

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const THEME = {
  bg: '#151a21',
  text: '#8a96a6',
  grid: '#1a2029',
  line: '#4c8dff',
  top: 'rgba(76,141,255,0.28)',
  bottom: 'rgba(76,141,255,0.02)',
}

export function equityPoints(snapshots: readonly PortfolioSnapshot[]): { time: UTCTimestamp; value: number }[] {
  const bySecond = new Map<number, number>()
  for (const s of [...snapshots].sort((a, b) => a.at - b.at)) bySecond.set(Math.floor(s.at / 1000), s.netLiquidation)
  return [...bySecond].map(([time, value]) => ({ time: time as UTCTimestamp, value }))
}

export function EquityCurve({ snapshots }: { snapshots: readonly PortfolioSnapshot[] }) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<{ api: IChartApi; series: ISeriesApi<'Area'> } | null>(null)

  useEffect(() => {
    if (!box.current) return
    const api = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: THEME.bg }, textColor: THEME.text, fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: THEME.grid }, horzLines: { color: THEME.grid } },
      rightPriceScale: { borderColor: THEME.grid },
      timeScale: { borderColor: THEME.grid, timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
      localization: { priceFormatter: (p: number) => money.format(p) },
    })
    const series = api.addSeries(AreaSeries, {
      lineColor: THEME.line,
      topColor: THEME.top,
      bottomColor: THEME.bottom,
      lineWidth: 2,
      priceLineVisible: false,
    })
    chart.current = { api, series }
    return () => {
      chart.current = null
      api.remove()
    }
  }, [])

  useEffect(() => {
    const c = chart.current
    if (!c) return
    c.series.setData(equityPoints(snapshots))
    c.api.timeScale().fitContent()
  }, [snapshots])

  return (
    <div className="pf-chart" data-testid="equity-curve" data-points={snapshots.length}>
      <div ref={box} style={{ position: 'absolute', inset: 0 }} />
      {snapshots.length === 0 && (
        <div className="pf-chart-empty">
          No snapshots yet: the first is taken at the start of the trading day, then every 15 min in market hours and at
          the close.
        </div>
      )}
    </div>
  )
}
