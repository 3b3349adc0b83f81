import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { Bar, IndicatorResult, PriceLevels, RunStep } from '../../src-main/contract/models'
import type {
  CheckSessionOutput,
  ComputeIndicatorsOutput,
  CompleteOutput,
  FetchMarketDataOutput,
  LlmAnalysisOutput,
  LoadStrategyOutput,
  PlaceOrderOutput,
  RenderChartsOutput,
  RiskCheckOutput,
  ValidateSignalOutput,
  Vote,
} from '../../src-main/contract/steps'
import { PriceChart } from '../chart/price-chart'
import { Markdown } from '../components/Markdown'
import { fmtPrice } from '../components/format'
import type { LineageSource } from './source'
import { fmtCost, fmtDateTime, fmtDuration, fmtInt, fmtNum } from './format'
import { DiffTable } from './Replay'
import type { Difference } from '../../src-main/contract/steps'

// One rich view per step type (F17). Outputs are read defensively: an old run may lack a field.

export interface RunContext {
  steps: RunStep[]
  source: LineageSource
}

function outputOf<T>(ctx: RunContext, step: RunStep['step']): Partial<T> | null {
  const s = [...ctx.steps].reverse().find((x) => x.step === step && x.status === 'succeeded')
  return (s?.output as Partial<T> | undefined) ?? null
}

/** The signal's levels, for drawing on charts. */
export function levelsOf(ctx: RunContext): PriceLevels | null {
  const v = outputOf<ValidateSignalOutput>(ctx, 'validate_signal')
  const d = v?.draft
  if (!d || (d.entry === null && d.stop_loss === null)) return null
  return { entry: d.entry, stop: d.stop_loss, targets: d.targets.map((t) => t.price) }
}

export function StepBody({ step, ctx }: { step: RunStep; ctx: RunContext }) {
  if (step.status === 'skipped')
    return <p className="muted">{String((step.output as { reason?: string } | null)?.reason ?? 'Skipped')}</p>
  const body = step.status === 'succeeded' ? richView(step, ctx) : null
  return (
    <>
      {step.error && <StepErrorView error={step.error} />}
      {body}
    </>
  )
}

function richView(step: RunStep, ctx: RunContext): ReactNode {
  const o = step.output as never
  switch (step.step) {
    case 'check_session':
      return <SessionView o={o} />
    case 'load_strategy':
      return <StrategyView o={o} />
    case 'fetch_market_data':
      return <MarketDataView o={o} ctx={ctx} />
    case 'compute_indicators':
      return <IndicatorsView o={o} />
    case 'render_charts':
      return <ChartsView o={o} ctx={ctx} />
    case 'llm_analysis':
      return <LlmView o={o} ctx={ctx} />
    case 'validate_signal':
      return <SignalView o={o} />
    case 'risk_check':
      return <RiskView o={o} />
    case 'place_order':
      return <OrderView o={o} />
    case 'complete':
      return <CompleteView o={o} ctx={ctx} />
    default:
      return null
  }
}

function StepErrorView({ error }: { error: NonNullable<RunStep['error']> }) {
  return (
    <div className="step-error" role="alert">
      <div className="strong tone-bad">{error.message}</div>
      {error.stack && (
        <details>
          <summary className="muted">Stack trace</summary>
          <pre className="mono small-pre">{error.stack}</pre>
        </details>
      )}
      {error.partialOutput !== undefined && (
        <details>
          <summary className="muted">Partial output</summary>
          <pre className="mono small-pre">{JSON.stringify(error.partialOutput, null, 2)}</pre>
        </details>
      )}
    </div>
  )
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts compact">
      {rows.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

function SessionView({ o }: { o: Partial<CheckSessionOutput> }) {
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

function StrategyView({ o }: { o: Partial<LoadStrategyOutput> }) {
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
            ? `${(c.risk.riskPct * 100).toFixed(2)} % per trade · min R ${c.risk.minR} · min confidence ${c.risk.minConfidence} · ${c.risk.allowShort ? 'long/short' : 'long only'} · ${c.risk.combination}`
            : '—',
        ],
      ]}
    />
  )
}

export function AnalystBadge({ label, provider }: { label: string; provider: string }) {
  return <span className={`badge ${provider === 'rules' ? 'tone-neutral' : 'tone-ok'}`}>{label}</span>
}

function MarketDataView({ o, ctx }: { o: Partial<FetchMarketDataOutput>; ctx: RunContext }) {
  const bars = (b: FetchMarketDataOutput['daily'] | null | undefined) =>
    b ? `${fmtInt(b.count)} bars, ${b.first} → ${b.last}, last close ${fmtPrice(b.lastClose)}` : '—'
  return (
    <Facts
      rows={[
        [
          'Instrument',
          o.instrument
            ? `${o.instrument.symbol} · ${o.instrument.exchange} · ${o.instrument.currency}${o.instrument.source === 'cache' ? ' (cached details)' : ''}`
            : '—',
        ],
        ['As of', <span className="strong">{o.asOf}</span>],
        ['Daily', bars(o.daily)],
        ['Weekly', bars(o.weekly)],
        [
          'Quote',
          o.quote
            ? `last ${fmtPrice(o.quote.last)} · bid ${fmtPrice(o.quote.bid)} · ask ${fmtPrice(o.quote.ask)} at ${fmtDateTime(o.quote.at)}`
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

const VOTE_LABEL: Record<Vote, string> = { bull: 'bull', bear: 'bear', none: '—' }
const D_ROWS: [string, string][] = [
  ['sma20', 'SMA 20'],
  ['sma50', 'SMA 50'],
  ['sma200', 'SMA 200'],
  ['bb_lower', 'BB lower'],
  ['bb_mid', 'BB mid'],
  ['bb_upper', 'BB upper'],
  ['supertrend', 'SuperTrend'],
  ['supertrend_dir', 'ST direction'],
  ['rsi', 'RSI 14'],
  ['macd', 'MACD'],
  ['macd_signal', 'MACD signal'],
  ['macd_hist', 'MACD hist'],
  ['atr', 'ATR 14'],
  ['atr_pct', 'ATR %'],
  ['stoch_k', 'Stoch %K'],
  ['stoch_d', 'Stoch %D'],
  ['adx', 'ADX 14'],
  ['obv_slope20', 'OBV slope 20'],
  ['volume', 'Volume'],
  ['volume_avg20', 'Avg volume 20'],
]

function IndicatorsView({ o }: { o: Partial<ComputeIndicatorsOutput> }) {
  const c = o.confirmation
  return (
    <div className="two-col">
      <table className="grid" data-testid="indicator-table">
        <thead>
          <tr>
            <th>Daily</th>
            <th className="num">Value</th>
            <th>Weekly</th>
            <th className="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {D_ROWS.map(([k, label], i) => {
            const wk = Object.keys(o.w ?? {})[i]
            return (
              <tr key={k}>
                <td className="muted">{label}</td>
                <td className="num">{fmtNum(o.d?.[k] ?? null)}</td>
                <td className="muted">{wk ?? ''}</td>
                <td className="num">{wk ? fmtNum(o.w?.[wk] ?? null) : ''}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <div>
        {c && (
          <table className="grid" data-testid="confirmation">
            <thead>
              <tr>
                <th>3-of-4 confirmation</th>
                <th>Vote</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['SuperTrend direction', c.supertrend],
                  ['Close vs SMA 20', c.price_vs_sma20],
                  ['MACD vs signal', c.macd],
                  ['RSI 14 vs 50', c.rsi],
                ] as const
              ).map(([k, v]) => (
                <tr key={k}>
                  <td>{k}</td>
                  <td className={v === 'bull' ? 'up' : v === 'bear' ? 'down' : 'muted'}>{VOTE_LABEL[v]}</td>
                </tr>
              ))}
              <tr>
                <td className="strong">Result</td>
                <td className="strong">
                  {c.bull_count} bull · {c.bear_count} bear → {c.direction}
                </td>
              </tr>
            </tbody>
          </table>
        )}
        {o.levels && (
          <p className="muted">
            Support {o.levels.support.map((p) => fmtPrice(p)).join(', ') || '—'} · Resistance{' '}
            {o.levels.resistance.map((p) => fmtPrice(p)).join(', ') || '—'}
          </p>
        )}
        {o.strategy && o.strategy.length > 0 && (
          <p className="muted">
            Strategy indicators:{' '}
            {o.strategy
              .map(
                (s) =>
                  `${s.label} ${Object.values(s.values)
                    .map((v) => fmtNum(v))
                    .join('/')}`,
              )
              .join(' · ')}
          </p>
        )}
      </div>
    </div>
  )
}

function ChartsView({ o, ctx }: { o: Partial<RenderChartsOutput>; ctx: RunContext }) {
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

export function Lightbox({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', esc)
    return () => window.removeEventListener('keydown', esc)
  }, [onClose])
  return (
    <div className="lightbox" role="dialog" aria-label={title} onClick={onClose} data-testid="lightbox">
      <div className="lightbox-inner" onClick={(e) => e.stopPropagation()}>
        <div className="row spread">
          <span className="strong">{title}</span>
          <button className="btn small" onClick={onClose}>
            Close (Esc)
          </button>
        </div>
        {children}
      </div>
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

function LlmView({ o, ctx }: { o: Partial<LlmAnalysisOutput>; ctx: RunContext }) {
  const parsed = (() => {
    try {
      return JSON.parse(o.rawText ?? '') as { reasoning?: string }
    } catch {
      return null
    }
  })()
  const u = o.usage
  return (
    <div>
      <div className="row">
        {o.label && o.provider && <AnalystBadge label={o.label} provider={o.provider} />}
        <span className="muted">model {o.model}</span>
        {u && (
          <span className="muted num">
            {fmtInt(u.promptTokens)} in / {fmtInt(u.completionTokens)} out tokens · {fmtCost(u.costMicros, u.priced)} ·{' '}
            {fmtDuration(u.latencyMs)}
          </span>
        )}
        {o.outcome === 'review' && <span className="badge tone-warn">REVIEW: {o.reviewReason}</span>}
        {o.promptSha256 && (
          <a href={ctx.source.artifactUrl(o.promptSha256)} target="_blank" rel="noreferrer">
            Rendered prompt
          </a>
        )}
      </div>
      {o.detail && <div className="notice tone-warn">{o.detail}</div>}
      {parsed?.reasoning && (
        <div className="answer-block">
          <h4>Reasoning</h4>
          <Markdown text={parsed.reasoning} />
        </div>
      )}
      <div className="answer-block">
        <h4>Answer, as received</h4>
        <Markdown text={parsed ? '```\n' + o.rawText + '\n```' : (o.rawText ?? '')} testId="llm-text" />
      </div>
      {o.attempts && o.attempts.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Attempt</th>
              <th>Mode</th>
              <th className="num">Images</th>
              <th className="num">HTTP</th>
              <th>Finish</th>
              <th className="num">Tokens in/out</th>
              <th className="num">Latency</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {o.attempts.map((a, i) => (
              <tr key={i}>
                <td>{a.purpose}</td>
                <td>{a.mode}</td>
                <td className="num">{a.images}</td>
                <td className="num">{a.httpStatus ?? '—'}</td>
                <td>{a.finishReason ?? '—'}</td>
                <td className="num">
                  {a.promptTokens ?? '—'}/{a.completionTokens ?? '—'}
                </td>
                <td className="num">{fmtDuration(a.latencyMs)}</td>
                <td className="tone-bad">{a.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

const ACTION_TONE: Record<string, string> = {
  BUY: 'action-buy',
  SELL: 'action-sell',
  EXIT: 'action-sell',
  HOLD: 'action-hold',
  REVIEW: 'action-review',
}

export function SignalBadge({ action, status }: { action: string; status: string }) {
  return (
    <span className={`signal-badge ${ACTION_TONE[action] ?? 'action-hold'}`} data-testid="signal-badge">
      <span className="signal-action">{action}</span>
      <span className="signal-status">{status}</span>
    </span>
  )
}

function SignalView({ o }: { o: Partial<ValidateSignalOutput> }) {
  const d = o.draft
  return (
    <div className="signal-view">
      <div className="row">
        <SignalBadge action={o.finalAction ?? '—'} status={o.status ?? '—'} />
        {d && (
          <dl className="levels">
            <div>
              <dt>Entry</dt>
              <dd className="num">{fmtPrice(d.entry)}</dd>
            </div>
            <div>
              <dt>Stop</dt>
              <dd className="num down">{fmtPrice(d.stop_loss)}</dd>
            </div>
            {d.targets.map((t, i) => (
              <div key={i} title={t.basis}>
                <dt>T{i + 1}</dt>
                <dd className="num up">{fmtPrice(t.price)}</dd>
              </div>
            ))}
            <div>
              <dt>R:R</dt>
              <dd className="num">{o.numbers ? o.numbers.rMultiples.map((r) => r.toFixed(2)).join(' / ') : '—'}</dd>
            </div>
            <div>
              <dt>Confidence</dt>
              <dd className="num">
                {fmtNum(d.confidence)} {o.confidenceLevel && <span className="muted">{o.confidenceLevel}</span>}
              </dd>
            </div>
          </dl>
        )}
      </div>
      {o.reviewReason && <div className="notice tone-warn">Review: {o.reviewReason}</div>}
      <table className="grid" data-testid="violations">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Verdict</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {(o.violations ?? []).length === 0 && (
            <tr>
              <td colSpan={3} className="up">
                Every validation rule passed.
              </td>
            </tr>
          )}
          {(o.violations ?? []).map((v, i) => (
            <tr key={i}>
              <td className="mono">{v.rule}</td>
              <td className={v.severity === 'review' ? 'tone-bad' : v.severity === 'downgrade' ? 'tone-warn' : 'muted'}>
                {v.severity}
              </td>
              <td>{v.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {o.flags && o.flags.length > 0 && <p className="muted">Flags: {o.flags.join(', ')}</p>}
    </div>
  )
}

function RiskView({ o }: { o: Partial<RiskCheckOutput> }) {
  return (
    <div>
      <p>
        {o.kind === 'none' ? (
          <span className="tone-warn">No order: {o.reason}</span>
        ) : (
          <span className="up">
            {o.kind === 'exit' ? 'Exit' : 'Open'} {o.side} {o.qty} @ {fmtPrice(o.entry)}
            {o.stop !== null && o.stop !== undefined && ` · stop ${fmtPrice(o.stop)} · target ${fmtPrice(o.target)}`}
          </span>
        )}
      </p>
      {o.checks && o.checks.length > 0 && (
        <table className="grid" data-testid="risk-checks">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Result</th>
              <th className="num">Value</th>
              <th className="num">Limit</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {o.checks.map((c) => (
              <tr key={c.rule}>
                <td className="mono">{c.rule}</td>
                <td className={c.passed ? 'up' : 'down'}>{c.passed ? 'pass' : 'fail'}</td>
                <td className="num">{c.value}</td>
                <td className="num">{c.limit}</td>
                <td className="muted">{c.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {o.account && (
        <p className="muted num">
          Net liquidation {fmtPrice(o.account.netLiquidation)} · available {fmtPrice(o.account.availableFunds)} · gross
          exposure {fmtPrice(o.account.grossExposure)} · {o.account.openPositions} open positions
        </p>
      )}
    </div>
  )
}

function OrderView({
  o,
}: {
  o: Partial<PlaceOrderOutput> & { approval?: string; by?: string; reason?: string | null }
}) {
  if (o.approval) {
    // A later attempt of this step: the person's decision on the approval, and what was sent.
    return (
      <div data-testid="approval-decision">
        <p className={o.approval === 'approved' ? 'up' : 'tone-warn'}>
          Approval {o.approval}
          {o.by ? ` by ${o.by}` : ''}
          {o.reason ? ` (${o.reason})` : ''}: {o.sent ? 'the orders were sent.' : 'nothing was sent.'}
        </p>
        {o.gate && !o.gate.allowed && <div className="notice tone-bad">Risk gate: {o.gate.reason}</div>}
        {(o as { orders?: { clientOrderId: string; leg: string; status: string }[] }).orders?.map((x) => (
          <div key={x.clientOrderId} className="mono muted">
            {x.leg} {x.clientOrderId} → {x.status}
          </div>
        ))}
      </div>
    )
  }
  return (
    <div>
      {o.dryRun && (
        <div className="notice tone-neutral">
          Dry run ({o.mode} strategy): the exact orders below were recorded; nothing was sent to the broker.
        </div>
      )}
      {o.awaitingApproval && (
        <div className="notice tone-warn" data-testid="awaiting-approval">
          Waiting for a person to approve or reject it, until {fmtDateTime(o.awaitingApproval.expiresAt)}.{' '}
          <a href="#/orders">Open Orders</a>
        </div>
      )}
      {o.gate && !o.gate.allowed && <div className="notice tone-bad">Risk gate: {o.gate.reason}</div>}
      {(o.orders ?? []).length === 0 ? (
        <p className="muted">No order: {o.noOrder}</p>
      ) : (
        <div className="order-cards">
          {o.orders!.map((t) => {
            const sent = o.submitted?.find((x) => x.clientOrderId === t.clientOrderId)
            return (
              <div key={t.clientOrderId} className={`order-card leg-${t.leg}`} data-testid={`order-${t.leg}`}>
                <div className="row spread">
                  <span className="strong">{t.leg}</span>
                  <span className={t.side === 'BUY' ? 'up' : 'down'}>{t.side}</span>
                </div>
                <div className="num strong">
                  {t.qty} × {t.orderType} {fmtPrice(t.price)}
                </div>
                <div className="muted">
                  {t.tif}
                  {t.parentClientOrderId ? ` · child of ${t.parentClientOrderId}` : ''}
                </div>
                <div className="mono muted">{t.clientOrderId}</div>
                {sent && (
                  <div className={sent.status === 'REJECTED' || sent.status === 'UNKNOWN' ? 'tone-warn' : 'tone-ok'}>
                    {sent.status}
                    {sent.brokerOrderId ? ` · #${sent.brokerOrderId}` : ''}
                    {sent.lastError ? ` · ${sent.lastError}` : ''}
                  </div>
                )}
              </div>
            )
          })}
        </div>
      )}
      {o.note && !o.dryRun && !o.awaitingApproval && <p className="muted">{o.note}</p>}
    </div>
  )
}

function CompleteView({
  o,
  ctx,
}: {
  ctx: RunContext
  o: Partial<CompleteOutput> & {
    replay?: {
      of: string
      step: string
      mode: string
      model: string | null
      identical: boolean
      differences: Difference[]
    }
  }
}) {
  if (o.replay) {
    const r = o.replay
    return (
      <div>
        <p>
          Replay of <span className="mono">{r.step}</span> from{' '}
          <a href={ctx.source.link(r.of, r.step)}>the original run</a> ({r.mode}
          {r.model ? `, model ${r.model}` : ''}):{' '}
          {r.identical ? 'byte-identical output.' : `${r.differences.length} difference(s).`}
        </p>
        <DiffTable differences={r.differences} />
      </div>
    )
  }
  return (
    <Facts
      rows={[
        ['Outcome', <span className={o.status === 'succeeded' ? 'up' : 'down'}>{o.status}</span>],
        ['Signal', o.signal ? `${o.signal.action} (${o.signal.status})` : '—'],
        ['Order', o.risk ? (o.risk.kind === 'none' ? `none — ${o.risk.reason}` : `${o.risk.kind} ${o.risk.qty}`) : '—'],
        [
          'LLM usage',
          o.usage
            ? `${fmtInt(o.usage.promptTokens + o.usage.completionTokens)} tokens · ${fmtCost(o.usage.costMicros, o.usage.priced)}`
            : '—',
        ],
        ['Duration', fmtDuration(o.durationMs)],
        ...(o.error ? [['Error', <span className="tone-bad">{o.error}</span>] as [string, ReactNode]] : []),
      ]}
    />
  )
}
