import type { CheckSessionOutput, FetchMarketDataOutput, LoadStrategyOutput } from '../../../src-main/contract/steps'
import { fmtPrice } from '../../components/format'
import { fmtDateTime, fmtInt } from '../format'
import { AnalystBadge, Facts, type RunContext } from './common'

// The run's inputs: the gateway session, the strategy as loaded, the market data fetched.

export function SessionView({ o }: { o: Partial<CheckSessionOutput> }) {
  return (
    <Facts
      rows={[
        ['State', o.state],
        ['Account', <span className="mono">{o.account}</span>],
        [
          'Trading',
          o.paper ? <span className="badge tone-paper">PAPER</span> : <span className="badge tone-live">LIVE</span>,
        ],
        ['Gateway', <span className="mono">{o.url}</span>],
      ]}
    />
  )
}

export function StrategyView({ o }: { o: Partial<LoadStrategyOutput> }) {
  const c = o.strategy?.config
  return (
    <Facts
      rows={[
        ['Strategy', `${o.strategy?.name ?? '—'} (revision ${o.strategy?.revision ?? '—'})`],
        ['Instrument', c ? `${c.symbol} · ${c.conid}` : '—'],
        ['Mode / approval', c ? `${c.mode} · ${c.approval}` : '—'],
        ['Prompt', o.prompt ? `${o.prompt.name}${o.prompt.version !== null ? ` v${o.prompt.version}` : ''}` : '—'],
        ['Analyst', o.analyst ? <AnalystBadge label={o.analyst.label} provider={o.analyst.provider} /> : '—'],
        [
          'Risk',
          c
            ? `${(c.risk.riskPct * 100).toFixed(2)} % per trade · min R ${c.risk.minR} · min confidence ` +
              `${c.risk.minConfidence} · ${c.risk.allowShort ? 'long/short' : 'long only'} · ` +
              `${c.risk.combination}`
            : '—',
        ],
      ]}
    />
  )
}

export function MarketDataView({ o, ctx }: { o: Partial<FetchMarketDataOutput>; ctx: RunContext }) {
  const bars = (b: FetchMarketDataOutput['daily'] | null | undefined) =>
    b ? `${fmtInt(b.count)} bars, ${b.first} → ${b.last}, last close ${fmtPrice(b.lastClose)}` : '—'
  return (
    <Facts
      rows={[
        [
          'Instrument',
          o.instrument
            ? `${o.instrument.symbol} · ${o.instrument.exchange} · ` +
              `${o.instrument.currency}${o.instrument.source === 'cache' ? ' (cached details)' : ''}`
            : '—',
        ],
        ['As of', <span className="strong">{o.asOf}</span>],
        ['Daily', bars(o.daily)],
        ['Weekly', bars(o.weekly)],
        [
          'Quote',
          o.quote
            ? `last ${fmtPrice(o.quote.last)} · bid ${fmtPrice(o.quote.bid)} · ask ` +
              `${fmtPrice(o.quote.ask)} at ${fmtDateTime(o.quote.at)}`
            : '—',
        ],
        [
          'Position',
          o.position ? (o.position.qty === 0 ? 'flat' : `${o.position.qty} @ ${fmtPrice(o.position.avgCost)}`) : '—',
        ],
        ['Forming bar', o.droppedFormingBar ? 'today’s forming bar left out' : 'none'],
        [
          'Bars artifact',
          o.barsSha256 ? (
            <a href={ctx.source.artifactUrl(o.barsSha256)} target="_blank" rel="noreferrer" className="mono">
              {o.barsSha256.slice(0, 12)}…
            </a>
          ) : (
            '—'
          ),
        ],
      ]}
    />
  )
}
