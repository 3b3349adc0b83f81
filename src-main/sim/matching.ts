import { nyDayOf } from './calendar'
import type { SimOrder } from './order-model'
import { stopPrice } from './order-model'
import type { OrderBook } from './orders'
import type { Execution } from './portfolio'

const round6 = (x: number) => Math.round(x * 1e6) / 1e6
import { quoteFields } from './quotes'

// Matching, once per clock tick (IBKR.md §7.7): MKT at the touch, LMT when marketable, stops
// trigger on the last price, fills capped at the touch size so big orders fill over several
// ticks; TIF expiry; bracket children released by the parent's fill; OCA siblings cancelled.

interface Touch {
  last: number
  bid: number
  ask: number
  bidSize: number
  askSize: number
}

const num = (s: string | undefined) => Number((s ?? '0').replace(/^[CH]/, '').replace(/,/g, ''))

export function matchTick(book: OrderBook, onFill: (o: SimOrder, e: Execution) => void): void {
  const { clock, engine, halted, portfolio } = book.d
  const now = clock.now()
  const touches = new Map<number, Touch>()
  const touch = (conid: number): Touch => {
    let t = touches.get(conid)
    if (!t) {
      const q = quoteFields(engine, conid, now, false)
      t = { last: num(q['31']), bid: num(q['84']), ask: num(q['86']), bidSize: num(q['88']), askSize: num(q['85']) }
      touches.set(conid, t)
    }
    return t
  }
  const open = engine.calendar.isOpen(now)
  const change = (o: SimOrder, status: SimOrder['status']) => {
    if (o.status === status) return
    o.status = status
    book.d.onOrderChange(o)
  }

  for (const o of [...book.orders]) {
    if (!book.isLive(o) || o.status === 'PendingSubmit') continue
    if (o.status === 'PendingCancel') {
      if (o.cancelAt !== null && o.cancelAt < now) change(o, 'Cancelled')
      continue
    }
    if (o.tif === 'DAY' && expiredDay(book, o, now)) {
      change(o, 'Cancelled')
      continue
    }
    if (o.tif === 'OPG' && now < nextOpen(book, o.placedAt)) {
      change(o, 'PreSubmitted')
      continue
    }
    const waiting = book.restingStatus(o)
    if (o.parentOrderId !== null && waiting === 'PreSubmitted' && book.find(o.parentOrderId)?.status !== 'Filled')
      continue
    if (halted.has(o.conid) || (!open && !o.outsideRTH)) {
      change(o, 'PreSubmitted')
      continue
    }
    const t = touch(o.conid)
    const stop = stopPrice(o)
    if (stop !== null && !o.triggered) {
      o.triggered = o.side === 'BUY' ? t.last >= stop : t.last <= stop
      if (!o.triggered) {
        change(o, 'PreSubmitted')
        continue
      }
    }
    change(o, 'Submitted')
    const works = o.orderType === 'MKT' || o.orderType === 'STP' ? 'MKT' : 'LMT'
    const price = o.side === 'BUY' ? t.ask : t.bid
    const marketable = works === 'MKT' || (o.side === 'BUY' ? price <= o.price! : price >= o.price!)
    if (marketable) {
      const size = Math.min(o.quantity - o.filled, o.side === 'BUY' ? t.askSize : t.bidSize)
      const exec = portfolio.fill(o.orderId, o.cOID, o.conid, o.side, size, price)
      o.avgPrice = round6((o.avgPrice * o.filled + price * size) / (o.filled + size))
      o.filled += size
      o.lastExecutionAt = now
      if (o.filled >= o.quantity) o.status = 'Filled'
      book.d.onOrderChange(o)
      onFill(o, exec)
      afterFill(book, o, change)
    }
    if (book.isLive(o) && (o.tif === 'IOC' || o.tif === 'OPG')) change(o, 'Cancelled')
  }
}

/** DAY orders end with the session they were placed in (or the next one, if placed while closed). */
function expiredDay(book: OrderBook, o: SimOrder, now: number): boolean {
  const cal = book.d.engine.calendar
  let day = nyDayOf(o.placedAt)
  let s = cal.session(day)
  while (!s || o.placedAt >= s.end) s = cal.session(++day)
  return now >= s.end
}

/** OPG orders wait for the next session's open and take part only in its first tick. */
function nextOpen(book: OrderBook, t: number): number {
  const cal = book.d.engine.calendar
  for (let day = nyDayOf(t); ; day++) {
    const s = cal.session(day)
    if (s && s.start >= t) return s.start
  }
}

function afterFill(book: OrderBook, o: SimOrder, change: (o: SimOrder, s: SimOrder['status']) => void): void {
  if (o.ocaGroup) {
    for (const sib of book.orders) {
      if (sib !== o && sib.ocaGroup === o.ocaGroup && book.isLive(sib) && sib.status !== 'PendingCancel')
        change(sib, 'Cancelled')
    }
  }
  if (o.status === 'Filled') {
    for (const child of book.orders)
      if (child.parentOrderId === o.orderId && book.isLive(child)) change(child, book.restingStatus(child))
  }
}
