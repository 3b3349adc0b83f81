import type { ChartImageSpec } from '../src-main/contract/charts'
import { PriceChart } from './chart/price-chart'

// The warm capture page (ARCHITECTURE.md "Chart capture"): the app's own chart component draws the
// recorded bars and indicator arrays it is handed and returns a PNG. It fetches nothing.

declare global {
  interface Window {
    captureChart?: (spec: ChartImageSpec) => Promise<string>
  }
}

const host = document.getElementById('chart')!
const frames = (n: number) =>
  new Promise<void>((ok) => {
    const step = (left: number) => (left === 0 ? ok() : requestAnimationFrame(() => step(left - 1)))
    step(n)
  })

window.captureChart = async (spec) => {
  host.replaceChildren()
  host.style.width = `${spec.width}px`
  host.style.height = `${spec.height}px`
  const chart = new PriceChart(host, {
    theme: 'light',
    size: { width: spec.width, height: spec.height },
    watermark: spec.title,
    volumePane: true,
  })
  try {
    chart.setData(spec.bars, spec.indicators)
    chart.setLevels(spec.levels)
    // Date-blind: no time axis, and no vertical grid lines (they sit on month and year boundaries).
    if (spec.bareTime) {
      chart.chart.timeScale().applyOptions({ visible: false })
      chart.chart.applyOptions({ grid: { vertLines: { visible: false } } })
    }
    await frames(2)
    return chart.toPngDataUrl()
  } finally {
    chart.dispose()
  }
}
host.setAttribute('data-capture-state', 'ready')
