import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { endOfNyDayStartTime } from '../../src-main/domain/evaluation/intraday'
import { nyDate } from '../../src-main/domain/indicators/ny-time'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { startTestApp } from '../fixtures/test-app'

// Intraday history for a past session (EVALUATION.md §2): the history request carries IBKR's
// startTime through the broker to the simulator over HTTP and returns that whole session's 5-minute bars.

let app: App
let client: RpcClient

beforeAll(async () => {
  ;({ app, client } = await startTestApp())
}, 60_000)
afterAll(async () => app?.stop())

describe('intraday bars of a past session', () => {
  it('come back for that session only', async () => {
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const conid = strategy.config.conid
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const date = all[all.length - 30]!
    const daily = await app.market.history({ conid, bar: '1d', period: '3m', outsideRth: false })
    const bar = daily.find((b) => nyDate(b.t) === date)!
    expect(bar).toBeDefined()
    const startTime = endOfNyDayStartTime(date)
    const m5 = (await app.market.history({ conid, bar: '5min', period: '1d', outsideRth: false, startTime })).filter(
      (b) => nyDate(b.t) === date,
    )
    // The whole session (the embedded simulator's runs the whole New York day: 288 five-minute bars), so
    // the 5-minute bars span exactly its daily bar and the resolver can settle an ambiguous day from them.
    expect(m5).toHaveLength(288)
    expect(Math.max(...m5.map((b) => b.h))).toBe(bar.h)
    expect(Math.min(...m5.map((b) => b.l))).toBe(bar.l)
    expect(m5[0]!.o).toBe(bar.o)
    expect(m5.at(-1)!.c).toBe(bar.c)
  }, 120_000)
})
