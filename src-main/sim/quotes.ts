import { formatPrice, roundToIncrement } from '../domain/prices'
import { fmtPx, roundPx, simIncrement, type PriceEngine } from './prices'
import { nyDayOf } from './calendar'
import { stream } from './rng'

// Snapshot and streaming fields by IBKR code (IBKR.md §3.2): strings, sizes with thousands
// separators, `C`/`H` prefixes on the last price when closed or halted.

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

function compactVolume(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}K`
  return String(v)
}

/** Every field the simulator knows for `conid` at `t`, as IBKR formats them. */
export function quoteFields(engine: PriceEngine, conid: number, t: number, halted: boolean): Record<string, string> {
  const inst = engine.instrument(conid)!
  const open = engine.calendar.isOpen(t)
  const last = roundPx(engine.price(conid, t))
  const day = nyDayOf(t)
  const priorClose = roundPx(engine.dailyClose(conid, engine.calendar.tradingDayAtOrBefore(day - 1)))
  const inc = simIncrement(last)
  const spread = Math.max(inc, roundPx(last * inst.dailyVol * 0.02))
  const bid = roundPx(last - spread / 2)
  const ask = roundPx(bid + spread)
  const r = stream(0, `sizes:${conid}:${Math.floor(t / 1000)}`)
  const sizes = () => String(100 * (1 + Math.floor(r() * 20)))
  const session = engine.sessionBar(conid, engine.calendar.tradingDayAtOrBefore(day), t)
  const volume = session ? session.v : 0
  const change = roundToIncrement(last - priorClose, inc)
  const prefix = halted ? 'H' : open ? '' : 'C'
  return {
    '31': `${prefix}${fmtPx(last)}`,
    '55': inst.symbol,
    '70': session ? fmtPx(session.h) : fmtPx(last),
    '71': session ? fmtPx(session.l) : fmtPx(last),
    '82': formatPrice(change, inc),
    '83': ((change / priorClose) * 100).toFixed(2),
    '84': fmtPx(bid),
    '85': int.format(Number(sizes())),
    '86': fmtPx(ask),
    '87': compactVolume(volume),
    '88': int.format(Number(sizes())),
    '7059': sizes(),
    '7295': session ? fmtPx(session.o) : fmtPx(last),
    '7296': open ? '' : fmtPx(last),
    '7741': fmtPx(priorClose),
    '7762': String(volume),
    '7635': fmtPx(last),
    '6509': 'RpB',
  }
}
