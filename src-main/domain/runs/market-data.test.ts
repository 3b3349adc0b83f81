import { describe, expect, it } from 'vitest'
import type { Bar } from '../../contract/models'
import { MIN_BARS, prepareBars } from './market-data'

// fetch_market_data (issue #9 item 7): completed bars only; a stale or short history is refused with
// a problem that names it and its numbers, so no signal (and no order) comes from it.

const DAY = 86_400_000
// Wednesday 2026-11-25, 11:00 New York: the last closed session is Tuesday the 24th.
const NOW = Date.parse('2026-11-25T16:00:00Z')
const bar = (t: number): Bar => ({ t, o: 100, h: 101, l: 99, c: 100.5, v: 1_000 })
/** `n` daily bars (weekdays, 16:00 New York) ending on the session `end` (a date at 21:00Z). */
function daily(n: number, end: string): Bar[] {
  const out: Bar[] = []
  for (let t = Date.parse(`${end}T21:00:00Z`); out.length < n; t -= DAY) {
    const wd = new Date(t).getUTCDay()
    if (wd !== 0 && wd !== 6) out.unshift(bar(t))
  }
  return out
}
const weekly = (n: number) =>
  Array.from({ length: n }, (_, i) => bar(Date.parse('2026-11-23T05:00:00Z') - (n - 1 - i) * 7 * DAY))

describe('prepareBars: stale and short histories are refused (LLM.md §11)', () => {
  it('a full, fresh history passes; today’s forming bar and its week are dropped', () => {
    const d = [...daily(300, '2026-11-24'), bar(Date.parse('2026-11-25T15:00:00Z'))]
    const p = prepareBars(d, weekly(60), NOW)
    expect(p.problems).toEqual([])
    expect([p.asOf, p.droppedForming, p.daily.length, p.weekly!.length]).toEqual(['2026-11-24', true, 300, 59])
  })

  it('bars that end two sessions back are stale, with the dates', () => {
    const p = prepareBars(daily(300, '2026-11-20'), weekly(60), NOW)
    expect(p.problems).toEqual([
      {
        code: 'stale_data',
        message:
          'The last completed daily bar is 2026-11-20; bars up to 2026-11-24 ' +
          'were expected (at most one session behind)',
      },
    ])
    // One session behind is still accepted.
    expect(prepareBars(daily(300, '2026-11-23'), weekly(60), NOW).problems).toEqual([])
  })

  it('too few daily or weekly bars are refused with the counts', () => {
    const p = prepareBars(daily(MIN_BARS.daily - 1, '2026-11-24'), weekly(MIN_BARS.weekly - 1), NOW)
    expect(p.problems).toEqual([
      { code: 'insufficient_history', message: '251 completed daily bars; at least 252 are needed' },
      { code: 'insufficient_history', message: '51 weekly bars; at least 52 are needed' },
    ])
    expect(prepareBars([], null, NOW).problems).toEqual([
      { code: 'no_data', message: 'The gateway returned no daily bars' },
    ])
  })
})
