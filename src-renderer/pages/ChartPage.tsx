import { useEffect, useRef, useState } from 'react'
import type { Bar, IndicatorResult, InstrumentDetails } from '../../src-main/contract/models'
import { computeForChart, defaultIndicator, indicatorCatalog, type ActiveIndicator } from '../chart/indicators'
import { PriceChart, type CrosshairInfo } from '../chart/price-chart'
import { applyTick, TIMEFRAMES, type Timeframe } from '../chart/timeframes'
import { useTradeOverlay } from '../chart/trade-overlay'
import { ExportImageButtons } from '../components/ExportImage'
import { fmtPrice, fmtVolume } from '../components/format'
import { call, errorMessage, onEvent } from '../state/app'
import { holdWatch } from '../state/market'

const INDICATORS_KEY = 'ibkr-ws.chart.indicators'

function loadIndicators(): ActiveIndicator[] {
  try {
    const saved = JSON.parse(localStorage.getItem(INDICATORS_KEY) ?? 'null') as ActiveIndicator[] | null
    if (Array.isArray(saved)) return saved
  } catch {
    // a corrupt saved layout falls back to the default below
  }
  return [defaultIndicator('sma', { period: 20 }), defaultIndicator('bb', {}), defaultIndicator('rsi', {})]
}

/** F3: history plus live updates for one instrument, with indicator overlays and panes. */
export function ChartPage({ conid }: { conid: number }) {
  const host = useRef<HTMLDivElement>(null)
  const chart = useRef<PriceChart | null>(null)
  const panel = useRef<HTMLDivElement>(null)
  const bars = useRef<Bar[]>([])
  const [tf, setTf] = useState<Timeframe>(TIMEFRAMES.find((t) => t.id === '1d')!)
  const [indicators, setIndicators] = useState<ActiveIndicator[]>(loadIndicators)
  const [details, setDetails] = useState<InstrumentDetails | null>(null)
  /** Which history is on screen (`conid/timeframe`), and how many bars and which last bar it has. */
  const [loaded, setLoaded] = useState<{ key: string; count: number; last: Bar | null } | null>(null)
  const [error, setError] = useState<{ key: string; message: string } | null>(null)
  const [legend, setLegend] = useState<CrosshairInfo | null>(null)
  const [ticks, setTicks] = useState(0)
  const historyKey = `${conid}/${tf.id}`
  const loading = loaded?.key !== historyKey && error?.key !== historyKey
  const latestResults = useRef<IndicatorResult[]>([])

  useEffect(() => {
    localStorage.setItem(INDICATORS_KEY, JSON.stringify(indicators))
  }, [indicators])

  useEffect(() => {
    call('instruments.details', { conid }).then(setDetails, (e: unknown) =>
      setError({ key: `${conid}/details`, message: errorMessage(e) }),
    )
    return holdWatch([conid])
  }, [conid])

  useEffect(() => {
    const c = new PriceChart(host.current!, { theme: 'dark' })
    chart.current = c
    const off = c.onCrosshair(setLegend)
    return () => {
      off()
      c.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    let cancelled = false
    const key = `${conid}/${tf.id}`
    call('marketData.history', { conid, bar: tf.bar, period: tf.period }).then(
      (r) => {
        if (cancelled) return
        bars.current = r.bars
        setLoaded({ key, count: r.bars.length, last: r.bars.at(-1) ?? null })
      },
      (e: unknown) => !cancelled && setError({ key, message: errorMessage(e) }),
    )
    return () => {
      cancelled = true
    }
  }, [conid, tf])

  // Full redraw only on new history or a changed indicator set; ticks use update().
  useEffect(() => {
    if (!chart.current || !loaded) return
    latestResults.current = computeForChart(bars.current, indicators)
    chart.current.setData(bars.current, latestResults.current)
  }, [loaded, indicators])

  // The trade on the chart: the active signal's levels, the fills, the position's average cost.
  const overlay = useTradeOverlay(conid)
  useEffect(() => {
    if (!chart.current || !loaded) return
    chart.current.setLevels(overlay.levels)
    chart.current.setAvgCost(overlay.position?.avgCost ?? null, overlay.position?.qty ?? 0)
    chart.current.setFills(overlay.fills, bars.current)
  }, [overlay, loaded])

  useEffect(
    () =>
      onEvent('market.tick', (q) => {
        if (q.conid !== conid || !chart.current || bars.current.length === 0) return
        const last = bars.current.at(-1)
        const next = applyTick(tf, last, q)
        if (!next) return
        if (last && next.t === last.t) bars.current[bars.current.length - 1] = next
        else bars.current.push(next)
        chart.current.updateBar(next)
        latestResults.current = computeForChart(bars.current, indicators)
        chart.current.updateIndicators(latestResults.current)
        setTicks((n) => n + 1)
        setLoaded((l) => (l ? { ...l, count: bars.current.length, last: next } : l))
      }),
    [conid, tf, indicators],
  )

  const shown = legend?.bar ?? loaded?.last ?? null
  const catalog = indicatorCatalog()

  return (
    <div className="page wide chart-page" data-testid="chart-page">
      <header className="chart-toolbar">
        <div className="chart-title">
          <span className="strong" data-testid="chart-symbol">
            {details?.symbol ?? conid}
          </span>
          <span className="muted">{details ? `${details.name} · ${details.exchange} · ${details.currency}` : ''}</span>
        </div>
        <div className="segmented" role="group" aria-label="Timeframe">
          {TIMEFRAMES.map((t) => (
            <button
              key={t.id}
              className={t.id === tf.id ? 'on' : ''}
              onClick={() => setTf(t)}
              data-testid={`tf-${t.id}`}
            >
              {t.label}
            </button>
          ))}
        </div>
        <select
          className="indicator-picker"
          value=""
          data-testid="add-indicator"
          onChange={(e) => e.target.value && setIndicators([...indicators, defaultIndicator(e.target.value, {})])}
        >
          <option value="">+ Indicator</option>
          {catalog.map((c) => (
            <option key={c.type} value={c.type}>
              {c.label}
            </option>
          ))}
        </select>
        <div className="chips">
          {indicators.map((i) => (
            <span key={i.id} className="chip" data-testid={`indicator-${i.type}`}>
              {catalog.find((c) => c.type === i.type)?.label ?? i.type}
              {Object.keys(i.params).length > 0 && <span className="muted"> {Object.values(i.params).join(', ')}</span>}
              <button title="Remove" onClick={() => setIndicators(indicators.filter((x) => x.id !== i.id))}>
                ×
              </button>
            </span>
          ))}
        </div>
        <ExportImageButtons
          target={panel}
          fileName={`chart-${details?.symbol ?? conid}-${tf.id}.png`}
          testId="chart-export"
        />
        <span className="muted live-state" data-testid="live-ticks" data-ticks={ticks}>
          {loading ? 'Loading history…' : ticks > 0 ? 'Live' : 'Waiting for quotes…'}
        </span>
      </header>
      {error && (error.key === historyKey || error.key === `${conid}/details`) && (
        <div className="banner tone-bad" role="alert">
          {error.message}. Check the connection badge; the chart reloads when you switch timeframe.
        </div>
      )}
      <div className="chart-area" ref={panel}>
        <div className="legend" data-testid="chart-legend">
          {shown && (
            <>
              <span>
                O <b className="num">{fmtPrice(shown.o)}</b>
              </span>
              <span>
                H <b className="num">{fmtPrice(shown.h)}</b>
              </span>
              <span>
                L <b className="num">{fmtPrice(shown.l)}</b>
              </span>
              <span>
                C <b className="num">{fmtPrice(shown.c)}</b>
              </span>
              <span>
                V <b className="num">{fmtVolume(shown.v)}</b>
              </span>
            </>
          )}
          {legend?.values.map((v) => (
            <span key={v.label} style={{ color: v.color }}>
              {v.label} <b className="num">{fmtPrice(v.value)}</b>
            </span>
          ))}
        </div>
        {(overlay.levels || overlay.position) && (
          <div className="legend trade-legend" data-testid="chart-trade">
            {overlay.signal && overlay.levels && (
              <span data-testid="chart-signal">
                {overlay.signal.action} · entry <b className="num">{fmtPrice(overlay.levels.entry)}</b> · stop{' '}
                <b className="num">{fmtPrice(overlay.levels.stop)}</b>
                {overlay.levels.targets.map((t, i) => (
                  <span key={i}>
                    {' '}
                    · T{i + 1} <b className="num">{fmtPrice(t)}</b>
                  </span>
                ))}
              </span>
            )}
            {overlay.position && (
              <span data-testid="chart-position">
                Position <b className="num">{overlay.position.qty}</b> @{' '}
                <b className="num">{fmtPrice(overlay.position.avgCost)}</b>
              </span>
            )}
          </div>
        )}
        <div
          ref={host}
          className="chart-host"
          data-testid="chart-canvas"
          data-bars={loaded?.count ?? 0}
          data-levels={overlay.levels ? 2 + overlay.levels.targets.length : 0}
          data-fills={overlay.fills.length}
          data-avg-cost={overlay.position?.avgCost ?? ''}
        />
      </div>
    </div>
  )
}
