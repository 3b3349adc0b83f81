import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { nyDate } from '../../src-main/domain/indicators/ny-time'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { startTestApp } from '../fixtures/test-app'

// Intraday history for a past session (EVALUATION.md §2): the history request carries IBKR's
// startTime through the broker to the simulator over HTTP and returns that session's 5-minute bars.

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
    const startTime = `${date.replace(/-/g, '')}-21:00:00`
    const m5 = (await app.market.history({ conid, bar: '5min', period: '1d', outsideRth: false, startTime })).filter(
      (b) => nyDate(b.t) === date,
    )
    expect(m5.length).toBeGreaterThan(10)
    // Inside the session, within a few percent of its daily bar. The simulator's 5-minute path is not
    // the one its daily bars were drawn from (their extremes differ by cents), so the resolver, which
    // asks the intraday bars to span the daily bar, leaves simulator ambiguities stop first.
    expect(Math.abs(Math.max(...m5.map((b) => b.h)) / bar.h - 1)).toBeLessThan(0.05)
    expect(Math.abs(Math.min(...m5.map((b) => b.l)) / bar.l - 1)).toBeLessThan(0.05)
  }, 120_000)
})
