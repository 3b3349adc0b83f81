import { useState } from 'react'
import type { SearchResult } from '../../src-main/contract/models'
import type { ManualOrder } from '../../src-main/contract/trading-api'
import { fmtPrice } from '../components/format'
import { call, errorMessage, useApp } from '../state/app'
import { InstrumentPicker } from '../strategies/StrategyForm'

// F13 order ticket: a limit or stop order for the selected account, previewed (risk gate and the
// gateway's what-if) before it is placed; it goes through the same risk gate as strategy orders.

type Preview = Awaited<ReturnType<typeof previewOrder>>
const previewOrder = (o: ManualOrder) => call('orders.preview', o)

export function OrderTicket({ onPlaced }: { onPlaced(): void }) {
  const [instrument, setInstrument] = useState<SearchResult | null>(null)
  const [side, setSide] = useState<'BUY' | 'SELL'>('BUY')
  const [qty, setQty] = useState('10')
  const [orderType, setOrderType] = useState<'LMT' | 'STP'>('LMT')
  const [price, setPrice] = useState('')
  const [tif, setTif] = useState<'DAY' | 'GTC'>('DAY')
  const [preview, setPreview] = useState<Preview | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  const session = useApp((s) => s.gateway?.state ?? 'offline')
  const sessionOk = session === 'authenticated'

  const order = (): ManualOrder | null => (instrument ? { conid: instrument.conid, side, qty: Number(qty), orderType, price: Number(price), tif, outsideRth: false } : null)
  const reset = () => (setPreview(null), setMessage(null))

  async function doPreview() {
    const o = order()
    if (!o) return setMessage({ tone: 'bad', text: 'Pick an instrument first.' })
    setBusy(true)
    setMessage(null)
    try {
      setPreview(await previewOrder(o))
    } catch (e) {
      setMessage({ tone: 'bad', text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  async function place() {
    const o = order()
    if (!o) return
    setBusy(true)
    try {
      const r = await call('orders.place', o)
      setMessage({ tone: 'ok', text: `Sent: ${r.orders.map((x) => `${x.clientOrderId} ${x.status}`).join(', ')}` })
      setPreview(null)
      onPlaced()
    } catch (e) {
      setMessage({ tone: 'bad', text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel ticket" data-testid="order-ticket">
      <h2>Order ticket</h2>
      <div className="ticket-grid">
        <label className="num-input">
          <span className="muted">Instrument</span>
          <InstrumentPicker id="ticket-instrument" value={instrument?.symbol ?? ''} onPick={(r) => (setInstrument(r), reset())} />
        </label>
        <div className="segmented" role="group" aria-label="Side">
          {(['BUY', 'SELL'] as const).map((s) => (
            <button key={s} type="button" className={side === s ? `on ${s === 'BUY' ? 'up' : 'down'}` : ''} onClick={() => (setSide(s), reset())} data-testid={`ticket-${s}`}>
              {s}
            </button>
          ))}
        </div>
        <label className="num-input">
          <span className="muted">Quantity</span>
          <input className="num" type="number" min={1} step={1} value={qty} onChange={(e) => (setQty(e.target.value), reset())} data-testid="ticket-qty" />
        </label>
        <label className="num-input">
          <span className="muted">Type</span>
          <select value={orderType} onChange={(e) => (setOrderType(e.target.value as 'LMT' | 'STP'), reset())}>
            <option value="LMT">Limit</option>
            <option value="STP">Stop</option>
          </select>
        </label>
        <label className="num-input">
          <span className="muted">{orderType === 'LMT' ? 'Limit price' : 'Stop price'}</span>
          <input className="num" type="number" step={0.01} min={0} value={price} onChange={(e) => (setPrice(e.target.value), reset())} data-testid="ticket-price" />
        </label>
        <label className="num-input">
          <span className="muted">Time in force</span>
          <select value={tif} onChange={(e) => (setTif(e.target.value as 'DAY' | 'GTC'), reset())}>
            <option value="DAY">Day</option>
            <option value="GTC">Good till cancelled</option>
          </select>
        </label>
      </div>
      <div className="row">
        <button className="btn" disabled={busy} onClick={() => void doPreview()} data-testid="ticket-preview">
          {busy && !preview ? 'Checking…' : 'Preview'}
        </button>
        <button className="btn primary" disabled={busy || !sessionOk || !preview?.gate.allowed} onClick={() => void place()} data-testid="ticket-place" title={!sessionOk ? 'No orders while the gateway session is not authenticated' : preview ? '' : 'Preview first'}>
          {busy && preview ? 'Sending…' : `Place ${side} ${qty} ${instrument?.symbol ?? ''}`}
        </button>
      </div>
      {!sessionOk && (
        <div className="notice tone-warn" data-testid="ticket-session">
          The gateway session is {session}: orders are disabled until it is authenticated again (Connection page).
        </div>
      )}
      {preview && (
        <div className="ticket-preview" data-testid="ticket-preview-result">
          <div className={preview.gate.allowed ? 'tone-ok' : 'tone-bad'}>{preview.gate.allowed ? 'The risk gate allows this order.' : `The risk gate refuses it: ${preview.gate.reason}`}</div>
          {preview.whatIf && (
            <div className="muted num">
              Amount {fmtPrice(preview.whatIf.amount)} · commission {fmtPrice(preview.whatIf.commission)} · initial margin change {fmtPrice(preview.whatIf.initialMarginChange)}
              {preview.whatIf.warning && <span className="tone-warn"> · {preview.whatIf.warning}</span>}
              {preview.whatIf.error && <span className="tone-bad"> · {preview.whatIf.error}</span>}
            </div>
          )}
          {preview.whatIfError && <div className="tone-warn">{preview.whatIfError}</div>}
        </div>
      )}
      {message && (
        <div className={`notice tone-${message.tone}`} role="status" data-testid="ticket-message">
          {message.text}
        </div>
      )}
    </section>
  )
}
