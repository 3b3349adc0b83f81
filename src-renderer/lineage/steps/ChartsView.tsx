import { useEffect, useRef, useState } from 'react'
import type { Bar, IndicatorResult, PriceLevels } from '../../../src-main/contract/models'
import type {
  ComputeIndicatorsOutput,
  FetchMarketDataOutput,
  RenderChartsOutput,
} from '../../../src-main/contract/steps'
import { PriceChart } from '../../chart/price-chart'
import { Lightbox, levelsOf, outputOf, type RunContext } from './common'

// render_charts: the images the model read, and the recorded bars redrawn with the signal's levels.

export function ChartsView({ o, ctx }: { o: Partial<RenderChartsOutput>; ctx: RunContext }) {
  const [open, setOpen] = useState<string | null>(null)
  const [withLevels, setWithLevels] = useState(false)
  const images = o.images ?? []
  const levels = levelsOf(ctx)
  const shown = images.find((i) => i.sha256 === open)
  return (
    <div>
      <div className="thumbs">
        {images.map((img) => (
          <figure key={img.sha256} className="thumb">
            <img
              src={ctx.source.artifactUrl(img.sha256)}
              alt={img.title}
              width={320}
              height={200}
              onClick={() => setOpen(img.sha256)}
              data-testid={`chart-image-${img.timeframe}`}
            />
            <figcaption className="muted">
              {img.timeframe} · {img.bars} bars · {img.width}×{img.height}
            </figcaption>
          </figure>
        ))}
      </div>
      {levels && (
        <button className="btn small" onClick={() => setWithLevels(true)} data-testid="chart-with-levels">
          Chart with the signal’s entry, stop and targets
        </button>
      )}
      {shown && (
        <Lightbox title={shown.title} onClose={() => setOpen(null)}>
          <img
            src={ctx.source.artifactUrl(shown.sha256)}
            alt={shown.title}
            className="lightbox-img"
            data-testid="lightbox-image"
          />
        </Lightbox>
      )}
      {withLevels && levels && (
        <Lightbox title="Recorded daily bars with the signal’s levels" onClose={() => setWithLevels(false)}>
          <LevelsChart ctx={ctx} levels={levels} />
        </Lightbox>
      )}
    </div>
  )
}

/** The recorded bars and indicator arrays drawn by the app's chart component, with the signal's levels. */
function LevelsChart({ ctx, levels }: { ctx: RunContext; levels: PriceLevels }) {
  const host = useRef<HTMLDivElement>(null)
  const [error, setError] = useState<string | null>(null)
  const md = outputOf<FetchMarketDataOutput>(ctx, 'fetch_market_data')
  const ind = outputOf<ComputeIndicatorsOutput>(ctx, 'compute_indicators')
  useEffect(() => {
    if (!md?.barsSha256 || !ind?.indicatorsSha256) return
    let chart: PriceChart | null = null
    let cancelled = false
    Promise.all([
      fetch(ctx.source.artifactUrl(md.barsSha256)).then((r) => r.json() as Promise<{ daily: Bar[] }>),
      fetch(ctx.source.artifactUrl(ind.indicatorsSha256)).then(
        (r) => r.json() as Promise<{ daily: IndicatorResult[] }>,
      ),
    ])
      .then(([bars, arrays]) => {
        if (cancelled || !host.current) return
        const n = 252
        const shown = bars.daily.slice(-n)
        const ids = ['sma20', 'sma50', 'sma200', 'bb', 'st']
        const series = arrays.daily
          .filter((r) => ids.includes(r.id))
          .map((r) => ({
            ...r,
            series: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, v.slice(-n)])),
          }))
        chart = new PriceChart(host.current, { theme: 'dark', volumePane: true })
        chart.setData(shown, series)
        chart.setLevels(levels)
      })
      .catch((e: unknown) =>
        setError(`Could not load the recorded bars: ${e instanceof Error ? e.message : String(e)}`),
      )
    return () => {
      cancelled = true
      chart?.dispose()
    }
  }, [md?.barsSha256, ind?.indicatorsSha256, levels, ctx.source])
  return error ? (
    <div className="field-error">{error}</div>
  ) : (
    <div ref={host} className="levels-chart" data-testid="levels-chart" />
  )
}
