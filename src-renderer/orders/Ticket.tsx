import { useState } from 'react'
import type { SearchResult } from '../../src-main/contract/models'
import { bracketProblems, type ManualOrder } from '../../src-main/contract/trading-api'
import { subtractPrices } from '../../src-main/contract/prices'
import { fmtPrice } from '../components/format'
import { call, errorMessage, useApp } from '../state/app'
import { GateRefusal } from '../risk/GateRefusal'
import { InstrumentPicker } from '../strategies/StrategyForm'

// F13 order ticket: a limit or stop order for the selected account, previewed (risk gate and the
// gateway's what-if) before it is placed; it goes through the same risk gate as strategy orders. A
// limit order may carry a stop loss and a take profit: it then goes out as one bracket.

type Preview = Awaited<ReturnType<typeof previewOrder>>
const previewOrder = (o: ManualOrder) => call('orders.preview', o)

/** An optional price field: empty means "none"; anything typed is taken as a number (checked below). */
/** IBKR's finest US stock increment (under a dollar); the gateway's rules decide the real one at placement. */
const FINE_GRID = 0.0001

const optionalPrice = (s: string): number | null => (s.trim() === '' ? null : Number(s))

export function OrderTicket({ onPlaced }: { onPlaced(): void }) {
  const [instrument, setInstrument] = useState<SearchResult | null>(null)
  const [side, setSide] = useState<'BUY' | 'SELL'>('BUY')
  const [qty, setQty] = useState('10')
  const [orderType, setOrderType] = useState<'LMT' | 'STP'>('LMT')
  const [price, setPrice] = useState('')
  const [stop, setStop] = useState('')
  const [target, setTarget] = useState('')
  const [tif, setTif] = useState<'DAY' | 'GTC'>('DAY')
  const [outsideRth, setOutsideRth] = useState(false)
  const [preview, setPreview] = useState<Preview | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  const session = useApp((s) => s.gateway?.state ?? 'offline')
  const sessionOk = session === 'authenticated'

  // Stop loss and take profit belong to limit orders only; with a stop order they are not shown or sent.
  const exits = orderType === 'LMT'
  const stopLoss = exits ? optionalPrice(stop) : null
  const takeProfit = exits ? optionalPrice(target) : null
  const bracket = stopLoss !== null || takeProfit !== null
  const limit = optionalPrice(price)
  const limitOk = limit !== null && limit > 0
  // The same rules the engine applies. Without a usable limit price (NaN) only the "above zero" checks can fail.
  const problems = bracketProblems({ side, orderType, price: limitOk ? limit : NaN, stopLoss, takeProfit })
  const problem = (field: 'stopLoss' | 'takeProfit') => problems.find((p) => p.field === field)?.message ?? null
  // Differences in whole ticks of the finest US stock grid, so 673.05 − 670.00 reads 3.05 exactly.
  const diff = (a: number, b: number) => Math.abs(subtractPrices(a, b, FINE_GRID))
  const risk = limitOk && stopLoss !== null && !problem('stopLoss') ? diff(limit, stopLoss) : null
  const reward = limitOk && takeProfit !== null && !problem('takeProfit') ? diff(takeProfit, limit) : null
  const shares = Number(qty) > 0 ? Number(qty) : null

  const order = (): ManualOrder | null =>
    instrument
      ? {
          conid: instrument.conid,
          side,
          qty: Number(qty),
          orderType,
          price: Number(price),
          tif,
          outsideRth,
          ...(bracket ? { stopLoss, takeProfit } : {}),
        }
      : null
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
          <InstrumentPicker
            id="ticket-instrument"
            value={instrument?.symbol ?? ''}
            onPick={(r) => (setInstrument(r), reset())}
          />
        </label>
        <div className="segmented" role="group" aria-label="Side">
          {(['BUY', 'SELL'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={side === s ? `on ${s === 'BUY' ? 'up' : 'down'}` : ''}
              onClick={() => (setSide(s), reset())}
              data-testid={`ticket-${s}`}
            >
              {s}
            </button>
          ))}
        </div>
        <label className="num-input">
          <span className="muted">Quantity</span>
          <input
            className="num"
            type="number"
            min={1}
            step={1}
            value={qty}
            onChange={(e) => (setQty(e.target.value), reset())}
            data-testid="ticket-qty"
          />
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
          <input
            className="num"
            type="number"
            step="any"
            min={0}
            value={price}
            onChange={(e) => (setPrice(e.target.value), reset())}
            data-testid="ticket-price"
          />
        </label>
        <label className="num-input">
          <span className="muted">Time in force</span>
          <select value={tif} onChange={(e) => (setTif(e.target.value as 'DAY' | 'GTC'), reset())}>
            <option value="DAY">Day</option>
            <option value="GTC">Good till cancelled</option>
          </select>
        </label>
        {exits && (
          <>
            <ExitInput
              label="Stop loss"
              value={stop}
              error={problem('stopLoss')}
              onChange={(v) => (setStop(v), reset())}
              testId="ticket-stop"
            />
            <ExitInput
              label="Take profit"
              value={target}
              error={problem('takeProfit')}
              onChange={(v) => (setTarget(v), reset())}
              testId="ticket-target"
            />
          </>
        )}
      </div>
      {exits && (risk !== null || reward !== null) && (
        <dl className="ticket-rr" data-testid="ticket-rr">
          <dt />
          <dd className="num muted">per share</dd>
          <dd className="num muted">{shares !== null ? `× ${shares}` : ''}</dd>
          <dt>Risk</dt>
          <dd className="num down" data-testid="ticket-risk">
            {fmtPrice(risk)}
          </dd>
          <dd className="num down">{risk !== null && shares !== null ? fmtPrice(risk * shares) : ''}</dd>
          <dt>Reward</dt>
          <dd className="num up" data-testid="ticket-reward">
            {fmtPrice(reward)}
          </dd>
          <dd className="num up">{reward !== null && shares !== null ? fmtPrice(reward * shares) : ''}</dd>
          <dt>R:R</dt>
          <dd className="num strong" data-testid="ticket-rratio">
            {risk !== null && reward !== null && risk > 0 ? `1 : ${(reward / risk).toFixed(2)}` : '—'}
          </dd>
          <dd className="num muted">{risk === null ? 'no stop' : reward === null ? 'no target' : ''}</dd>
        </dl>
      )}
      <label className="radio ticket-rth">
        <input
          type="checkbox"
          checked={outsideRth}
          onChange={(e) => (setOutsideRth(e.target.checked), reset())}
          data-testid="ticket-outside-rth"
        />{' '}
        Allow outside regular hours
      </label>
      <div className="row">
        <button
          className="btn"
          disabled={busy || problems.length > 0}
          onClick={() => void doPreview()}
          data-testid="ticket-preview"
          title={problems.length > 0 ? 'Fix the stop loss / take profit first' : ''}
        >
          {busy && !preview ? 'Checking…' : 'Preview'}
        </button>
        <button
          className="btn primary"
          disabled={busy || !sessionOk || problems.length > 0 || !preview?.gate.allowed}
          onClick={() => void place()}
          data-testid="ticket-place"
          title={
            !sessionOk ? 'No orders while the gateway session is not authenticated' : preview ? '' : 'Preview first'
          }
        >
          {busy && preview
            ? 'Sending…'
            : `Place ${side} ${qty} ${instrument?.symbol ?? ''}${bracket ? ' + exits' : ''}`}
        </button>
      </div>
      {!sessionOk && (
        <div className="notice tone-warn" data-testid="ticket-session">
          The gateway session is {session}: orders are disabled until it is authenticated again (Connection page).
        </div>
      )}
      {preview && (
        <div className="ticket-preview" data-testid="ticket-preview-result">
          <div className={preview.gate.allowed ? 'tone-ok' : 'tone-bad'}>
            {preview.gate.allowed
              ? 'The risk gate allows this order.'
              : `The risk gate refuses it: ${preview.gate.reason}`}
          </div>
          {!preview.gate.allowed && <GateRefusal checks={preview.gate.checks.filter((c) => !c.passed)} />}
          {bracket && (
            <dl
              className="ticket-rr ticket-legs"
              data-testid="ticket-preview-bracket"
              aria-label={`Bracket of ${1 + (stopLoss !== null ? 1 : 0) + (takeProfit !== null ? 1 : 0)} orders`}
            >
              <dt>Entry</dt>
              <dd>
                {side} limit {tif}
              </dd>
              <dd className="num">{fmtPrice(limit)}</dd>
              {stopLoss !== null && (
                <>
                  <dt>Stop loss</dt>
                  <dd>{side === 'BUY' ? 'SELL' : 'BUY'} stop GTC</dd>
                  <dd className="num down">{fmtPrice(stopLoss)}</dd>
                </>
              )}
              {takeProfit !== null && (
                <>
                  <dt>Take profit</dt>
                  <dd>{side === 'BUY' ? 'SELL' : 'BUY'} limit GTC</dd>
                  <dd className="num up">{fmtPrice(takeProfit)}</dd>
                </>
              )}
            </dl>
          )}
          {preview.whatIf && (
            <div className="muted num">
              Amount {fmtPrice(preview.whatIf.amount)} · commission {fmtPrice(preview.whatIf.commission)} · initial
              margin change {fmtPrice(preview.whatIf.initialMarginChange)}
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

/** An optional exit price with its inline message (what to fix), right-aligned like every price. */
function ExitInput({
  label,
  value,
  error,
  onChange,
  testId,
}: {
  label: string
  value: string
  error: string | null
  onChange(v: string): void
  testId: string
}) {
  return (
    <label className="num-input exit-input">
      <span className="muted">
        {label} <span className="field-hint">(optional)</span>
      </span>
      <input
        className="num"
        type="number"
        step="any"
        min={0}
        value={value}
        placeholder="none"
        aria-invalid={error !== null}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      {error && (
        <span className="field-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </label>
  )
}
