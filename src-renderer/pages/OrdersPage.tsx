import { useState } from 'react'
import type { OrderStatus } from '../../src-main/contract/models'
import type { ApprovalView, OrderView } from '../../src-main/contract/trading-api'
import { fmtPrice } from '../components/format'
import { wallClock } from '../components/navigate'
import { fmtDateTime, fmtShortDateTime } from '../lineage/format'
import { OrderTicket } from '../orders/Ticket'
import { RiskBar } from '../orders/RiskBar'
import { artifactUrl } from '../rpc'
import { call, errorMessage } from '../state/app'
import { GateRefusal, failedChecks } from '../risk/GateRefusal'
import { useLoad } from '../state/useLoad'

// F13/F15: approvals waiting for a person, questions from the broker, the live blotter (filters,
// cancel, modify, order events), the order ticket, and the kill switch.

const OPEN: OrderStatus[] = [
  'PENDING_SUBMIT',
  'AWAITING_REPLY',
  'SUBMITTED',
  'PARTIALLY_FILLED',
  'PENDING_CANCEL',
  'UNKNOWN',
]
const TONE: Partial<Record<OrderStatus, string>> = {
  FILLED: 'tone-ok',
  REJECTED: 'tone-bad',
  UNKNOWN: 'tone-warn',
  NOT_PLACED: 'muted',
  CANCELED: 'muted',
  AWAITING_REPLY: 'tone-warn',
  PENDING_CANCEL: 'tone-warn',
}

export function OrdersPage(_props: { params: string[] }) {
  const [filter, setFilter] = useState<'open' | 'all'>('open')
  const orders = useLoad(
    () => call('orders.list', filter === 'open' ? { status: OPEN, limit: 500 } : { limit: 500 }),
    filter,
    ['orders', 'order_events'],
  )
  const approvals = useLoad(
    async () => ({ list: await call('approvals.list', { status: 'pending' }), at: wallClock() }),
    'pending',
    ['approvals'],
  )
  const [selected, setSelected] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [refusal, setRefusal] = useState<ReturnType<typeof failedChecks>>([])
  const list = orders.data ?? []
  const questions = list.filter((o) => o.question)

  async function act(fn: () => Promise<unknown>) {
    setError(null)
    setRefusal([])
    try {
      await fn()
      orders.reload()
      approvals.reload()
    } catch (e) {
      setError(errorMessage(e))
      setRefusal(failedChecks(e))
    }
  }

  return (
    <div className="page wide orders-page" data-testid="orders-page">
      <header className="page-header">
        <h1>Orders</h1>
        <RiskBar />
      </header>
      {error && (
        <div className="notice tone-bad" role="alert" data-testid="orders-error">
          {error}
          <GateRefusal checks={refusal} />
        </div>
      )}
      {(approvals.data?.list.length ?? 0) > 0 && (
        <section className="panel approvals" data-testid="approvals">
          <h2>Waiting for your approval</h2>
          {approvals.data!.list.map((a) => (
            <ApprovalCard
              key={a.id}
              a={a}
              now={approvals.data!.at}
              onDecide={(approve) => void act(() => call('approvals.decide', { id: a.id, approve }))}
            />
          ))}
        </section>
      )}
      {questions.length > 0 && (
        <section className="panel" data-testid="questions">
          <h2>The broker asks</h2>
          {questions.map((o) => (
            <div key={o.id} className="question row spread">
              <span>
                <span className="strong">{o.clientOrderId}</span> {o.question!.messages.join(' ')}{' '}
                <span className="muted">(until {fmtDateTime(o.question!.expiresAt)})</span>
              </span>
              <span className="page-actions">
                <button
                  className="btn small"
                  onClick={() => void act(() => call('orders.answerReply', { orderId: o.id, confirm: false }))}
                >
                  Do not place
                </button>
                <button
                  className="btn small primary"
                  onClick={() => void act(() => call('orders.answerReply', { orderId: o.id, confirm: true }))}
                >
                  Confirm
                </button>
              </span>
            </div>
          ))}
        </section>
      )}
      <div className="split">
        <section className="panel split-main">
          <div className="row spread">
            <h2>Blotter</h2>
            <div className="segmented">
              <button
                className={filter === 'open' ? 'on' : ''}
                onClick={() => setFilter('open')}
                data-testid="blotter-open"
              >
                Working
              </button>
              <button
                className={filter === 'all' ? 'on' : ''}
                onClick={() => setFilter('all')}
                data-testid="blotter-all"
              >
                All
              </button>
            </div>
          </div>
          {orders.error && <div className="field-error">Could not load orders: {orders.error}</div>}
          <Blotter orders={list} selected={selected} onSelect={setSelected} onAct={act} />
          {list.length === 0 && !orders.loading && (
            <p className="muted">{filter === 'open' ? 'No working orders.' : 'No orders yet.'}</p>
          )}
          {selected && <OrderEvents orderId={selected} />}
        </section>
        <aside className="split-side">
          <OrderTicket onPlaced={() => orders.reload()} />
        </aside>
      </div>
    </div>
  )
}

function ApprovalCard({ a, now, onDecide }: { a: ApprovalView; now: number; onDecide(approve: boolean): void }) {
  const s = a.summary
  return (
    <div className="approval" data-testid={`approval-${a.id}`}>
      {s.chartSha256 && <img src={artifactUrl(s.chartSha256)} alt={`${s.symbol} chart`} width={192} height={120} />}
      <div className="approval-body">
        <div className="strong">
          {s.strategyName} · <span className={s.side === 'BUY' ? 'up' : 'down'}>{s.side}</span> {s.qty} {s.symbol}{' '}
          <span className={`badge ${s.mode === 'live' ? 'tone-live' : 'tone-paper'}`}>{s.mode}</span>
        </div>
        <div className="num">
          Entry {fmtPrice(s.entry)} · stop {fmtPrice(s.stop)} · target {fmtPrice(s.target)} · R{' '}
          {s.rewardRisk?.toFixed(2) ?? '—'}
        </div>
        <div className="muted">
          Expires {fmtDateTime(a.expiresAt)} ({Math.max(0, Math.round((a.expiresAt - now) / 60_000))} min) ·{' '}
          <a href={`#/lineage/${a.runId}/place_order`}>run</a>
        </div>
      </div>
      <div className="page-actions">
        <button className="btn" onClick={() => onDecide(false)} data-testid="approval-reject">
          Reject
        </button>
        <button className="btn primary" onClick={() => onDecide(true)} data-testid="approval-approve">
          Approve
        </button>
      </div>
    </div>
  )
}

function Blotter({
  orders,
  selected,
  onSelect,
  onAct,
}: {
  orders: OrderView[]
  selected: string | null
  onSelect(id: string): void
  onAct(fn: () => Promise<unknown>): Promise<void>
}) {
  const [editing, setEditing] = useState<{ id: string; price: string } | null>(null)
  if (orders.length === 0) return null
  return (
    <div className="table-scroll">
      <table className="grid blotter" data-testid="blotter">
        <thead>
          <tr>
            <th>Time</th>
            <th>Symbol</th>
            <th>Leg</th>
            <th>Side</th>
            <th>Type</th>
            <th className="num">Qty</th>
            <th className="num">Filled</th>
            <th className="num">Price</th>
            <th className="num">Avg fill</th>
            <th>Status</th>
            <th>Origin</th>
            <th>Client id</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => {
            const price = o.orderType === 'STP' ? o.auxPrice : o.limitPrice
            const working = o.status === 'SUBMITTED' || o.status === 'PARTIALLY_FILLED'
            return (
              <tr
                key={o.id}
                className={o.id === selected ? 'active' : ''}
                onClick={() => onSelect(o.id)}
                data-testid={`order-row-${o.clientOrderId}`}
                data-status={o.status}
              >
                <td className="mono">{fmtShortDateTime(o.createdAt)}</td>
                <td className="strong">{o.symbol ?? o.conid}</td>
                <td>{o.leg}</td>
                <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
                <td>{o.orderType}</td>
                <td className="num">{o.qty}</td>
                <td className="num">{o.filledQty}</td>
                <td className="num">
                  {editing?.id === o.id ? (
                    <input
                      className="num narrow"
                      value={editing.price}
                      onChange={(e) => setEditing({ id: o.id, price: e.target.value })}
                      onClick={(e) => e.stopPropagation()}
                      aria-label="New price"
                    />
                  ) : (
                    fmtPrice(price)
                  )}
                </td>
                <td className="num">{fmtPrice(o.avgFillPrice)}</td>
                <td className={TONE[o.status] ?? ''} title={o.lastError ?? ''}>
                  {o.status}
                </td>
                <td className="muted">
                  {o.origin}
                  {o.runId && (
                    <>
                      {' '}
                      <a href={`#/lineage/${o.runId}/place_order`} onClick={(e) => e.stopPropagation()}>
                        run
                      </a>
                    </>
                  )}
                </td>
                <td className="mono muted">{o.clientOrderId}</td>
                <td className="actions" onClick={(e) => e.stopPropagation()}>
                  {working && editing?.id !== o.id && (
                    <button className="btn small" onClick={() => setEditing({ id: o.id, price: String(price ?? '') })}>
                      Modify
                    </button>
                  )}
                  {editing?.id === o.id && (
                    <>
                      <button
                        className="btn small primary"
                        onClick={() =>
                          void onAct(() => call('orders.modify', { orderId: o.id, price: Number(editing.price) })).then(
                            () => setEditing(null),
                          )
                        }
                      >
                        Save
                      </button>{' '}
                      <button className="btn small" onClick={() => setEditing(null)}>
                        Cancel edit
                      </button>
                    </>
                  )}{' '}
                  {working && (
                    <button
                      className="btn small"
                      onClick={() => void onAct(() => call('orders.cancel', { orderId: o.id }))}
                      data-testid={`cancel-${o.clientOrderId}`}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

function OrderEvents({ orderId }: { orderId: string }) {
  const events = useLoad(() => call('orders.events', { orderId }), orderId, ['order_events'])
  return (
    <div className="order-events" data-testid="order-events">
      <h2>Events</h2>
      <table className="grid">
        <tbody>
          {(events.data ?? []).map((e, i) => (
            <tr key={i}>
              <td className="mono">{fmtDateTime(e.at)}</td>
              <td>{e.kind}</td>
              <td className="muted">
                {e.fromStatus ?? ''} → {e.toStatus ?? ''}
              </td>
              <td className="muted wrap mono">{JSON.stringify(e.payload).slice(0, 200)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
