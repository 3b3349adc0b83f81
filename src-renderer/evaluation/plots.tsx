import { createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import type { EvaluationReport } from '../../src-main/contract/evaluations-api'

// The report's figures: equity curves (lightweight-charts, a time series), the R histogram and the
// reliability diagram (plain SVG: not time series).

type Arm = EvaluationReport['arms'][number]
const THEME = { bg: '#151a21', text: '#8a96a6', grid: '#1a2029' }
const COLORS = ['#4c8dff', '#e0a526', '#2fbf71', '#c77dff']
const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

const toTime = (d: string) => (Date.parse(`${d}T00:00:00Z`) / 1000) as UTCTimestamp

/** Equity of each arm, with (solid) and without (dashed: after LLM cost) the model's spend. */
export function EquityChart({ sessions, arms }: { sessions: string[]; arms: Arm[] }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!box.current) return
    const api = createChart(box.current, {
      autoSize: true,
      layout: { background: { color: THEME.bg }, textColor: THEME.text, fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: THEME.grid }, horzLines: { color: THEME.grid } },
      rightPriceScale: { borderColor: THEME.grid },
      timeScale: { borderColor: THEME.grid },
      localization: { priceFormatter: (p: number) => money.format(p) },
    })
    arms.forEach((arm, i) => {
      const color = COLORS[i % COLORS.length]!
      const gross = api.addSeries(LineSeries, { color, lineWidth: 2, priceLineVisible: false, title: arm.label })
      gross.setData(sessions.map((d, k) => ({ time: toTime(d), value: arm.equity[k]! })))
      if (arm.llmUsd > 0) {
        const net = api.addSeries(LineSeries, { color, lineWidth: 1, lineStyle: 2, priceLineVisible: false })
        net.setData(sessions.map((d, k) => ({ time: toTime(d), value: arm.equityAfterLlm[k]! })))
      }
    })
    api.timeScale().fitContent()
    return () => api.remove()
  }, [sessions, arms])
  return (
    <div className="lab-chart" data-testid="lab-equity">
      <div ref={box} style={{ position: 'absolute', inset: 0 }} />
    </div>
  )
}

const W = 360
const H = 180
const PAD = 28

/** Histogram of realised R (net of costs), 0.5 R buckets; a click selects the trades of a bucket. */
export function RHistogram({ values, onPick }: { values: number[]; onPick(lo: number, hi: number): void }) {
  if (values.length === 0) return <div className="muted">No closed trades.</div>
  const lo = Math.floor(Math.min(...values) * 2) / 2
  const hi = Math.max(lo + 0.5, Math.ceil(Math.max(...values) * 2) / 2)
  const n = Math.round((hi - lo) / 0.5)
  const counts = new Array<number>(n).fill(0)
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / 0.5))]!++
  const max = Math.max(...counts)
  const bw = (W - 2 * PAD) / n
  return (
    <svg width={W} height={H} className="lab-svg" data-testid="lab-r-histogram" role="img" aria-label="R histogram">
      {counts.map((c, i) => {
        const h = ((H - 2 * PAD) * c) / max
        const from = lo + i * 0.5
        return (
          <rect
            key={i}
            x={PAD + i * bw + 1}
            y={H - PAD - h}
            width={bw - 2}
            height={h}
            className={from >= 0 ? 'bar-up' : 'bar-down'}
            onClick={() => onPick(from, from + 0.5)}
          >
            <title>{`${from.toFixed(1)} R to ${(from + 0.5).toFixed(1)} R: ${c} trades`}</title>
          </rect>
        )
      })}
      <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} className="axis" />
      <text x={PAD} y={H - 8} className="tick">{`${lo.toFixed(1)} R`}</text>
      <text x={W - PAD} y={H - 8} className="tick" textAnchor="end">{`${hi.toFixed(1)} R`}</text>
      {lo < 0 && hi > 0 && (
        <line
          x1={PAD + ((0 - lo) / 0.5) * bw}
          x2={PAD + ((0 - lo) / 0.5) * bw}
          y1={PAD}
          y2={H - PAD}
          className="zero"
        />
      )}
      <text x={PAD} y={PAD - 10} className="tick">{`${max} trades`}</text>
    </svg>
  )
}

const binTitle = (b: Arm['calibration']['bins'][number]) =>
  `confidence ${b.lo.toFixed(2)}–${b.hi.toFixed(2)}: ${b.n} signals, hit ${(b.hitRate * 100).toFixed(0)} %`

/** Hit rate (target before stop) against stated confidence per quantile bin, with Wilson intervals. */
export function ReliabilityDiagram({ bins }: { bins: Arm['calibration']['bins'] }) {
  const S = 200
  const x = (p: number) => PAD + p * (S - PAD - 8)
  const y = (p: number) => S - PAD - p * (S - PAD - 8)
  return (
    <svg width={S} height={S} className="lab-svg" data-testid="lab-reliability" role="img" aria-label="Reliability">
      <rect x={x(0)} y={y(1)} width={x(1) - x(0)} height={y(0) - y(1)} className="frame" />
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="diag" />
      {bins.map((b, i) => (
        <g key={i}>
          {b.interval && (
            <line x1={x(b.meanP)} x2={x(b.meanP)} y1={y(b.interval.low)} y2={y(b.interval.high)} className="ci" />
          )}
          <circle cx={x(b.meanP)} cy={y(b.hitRate)} r={3 + Math.min(5, Math.sqrt(b.n) / 2)} className="pt">
            <title>{binTitle(b)}</title>
          </circle>
        </g>
      ))}
      <text x={x(0)} y={S - 8} className="tick">
        0
      </text>
      <text x={x(1)} y={S - 8} className="tick" textAnchor="end">
        confidence 1
      </text>
      <text x={4} y={y(1) + 4} className="tick">
        1
      </text>
      {bins.length === 0 && (
        <text x={S / 2} y={S / 2} className="tick" textAnchor="middle">
          no resolved signals
        </text>
      )}
    </svg>
  )
}
