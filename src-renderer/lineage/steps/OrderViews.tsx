import type { ReactNode } from 'react'
import type { CompleteOutput, Difference, PlaceOrderOutput } from '../../../src-main/contract/steps'
import { fmtPrice } from '../../components/format'
import { fmtCost, fmtDateTime, fmtDuration, fmtInt } from '../format'
import { DiffTable } from '../Replay'
import { Facts, type RunContext } from './common'

// place_order and complete: the orders (dry run, awaiting approval, sent) and the run's outcome.

export function OrderView({
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

export function CompleteView({
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
      /** A run of an imported bundle, replayed from that bundle. */
      imported?: { library: string; runId: string }
    }
  }
}) {
  if (o.replay) {
    const r = o.replay
    const original = r.imported
      ? `#/lineage/review/${r.imported.library}/${r.imported.runId}/${r.step}`
      : ctx.source.link(r.of, r.step)
    return (
      <div>
        <p data-testid="replay-of">
          Replay of <span className="mono">{r.step}</span> from{' '}
          <a href={original}>{r.imported ? 'the original run in its imported bundle' : 'the original run'}</a> ({r.mode}
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
            ? `${fmtInt(o.usage.promptTokens + o.usage.completionTokens)} tokens · ` +
              `${fmtCost(o.usage.costMicros, o.usage.priced)}`
            : '—',
        ],
        ['Duration', fmtDuration(o.durationMs)],
        ...(o.error ? [['Error', <span className="tone-bad">{o.error}</span>] as [string, ReactNode]] : []),
      ]}
    />
  )
}
