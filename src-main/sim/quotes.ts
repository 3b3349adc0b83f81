import { round2, type PriceEngine } from './prices'
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
  const last = round2(engine.price(conid, t))
  const day = nyDayOf(t)
  const priorClose = round2(engine.dailyClose(conid, engine.calendar.tradingDayAtOrBefore(day - 1)))
  const spread = Math.max(0.01, round2(last * inst.dailyVol * 0.02))
  const bid = round2(last - spread / 2)
  const ask = round2(bid + spread)
  const r = stream(0, `sizes:${conid}:${Math.floor(t / 1000)}`)
  const sizes = () => String(100 * (1 + Math.floor(r() * 20)))
  const session = engine.sessionBar(conid, engine.calendar.tradingDayAtOrBefore(day), t)
  const volume = session ? session.v : 0
  const change = round2(last - priorClose)
  const prefix = halted ? 'H' : open ? '' : 'C'
  return {
    '31': `${prefix}${last.toFixed(2)}`,
    '55': inst.symbol,
    '70': session ? session.h.toFixed(2) : last.toFixed(2),
    '71': session ? session.l.toFixed(2) : last.toFixed(2),
    '82': change.toFixed(2),
    '83': ((change / priorClose) * 100).toFixed(2),
    '84': bid.toFixed(2),
    '85': int.format(Number(sizes())),
    '86': ask.toFixed(2),
    '87': compactVolume(volume),
    '88': int.format(Number(sizes())),
    '7059': sizes(),
    '7295': session ? session.o.toFixed(2) : last.toFixed(2),
    '7296': open ? '' : last.toFixed(2),
    '7741': priorClose.toFixed(2),
    '7762': String(volume),
    '7635': last.toFixed(2),
    '6509': 'RpB',
  }
}
