import { afterEach } from 'vitest'
import { startSimGateway, type SimGateway, type SimGatewayOptions } from './server'
import { simCaller } from './test-client'

// Shared by the simulator's order tests (orders.test.ts, orders-books.test.ts): an authenticated sim with
// accounts queried, closed after each test, and order-ticket helpers.

export type Json = Record<string, unknown>
export const ACCT = 'DU1234567'
export const AAPL = 265598

/**
 * Call at the top of a test file: `ready()` starts a sim (closed after each test) with accounts queried; a test
 * that starts its own sim or socket pushes it to `sims` or `closers`.
 */
export function simHarness() {
  const sims: SimGateway[] = []
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()))
    await Promise.all(sims.splice(0).map((s) => s.close()))
  })

  /** An authenticated sim with accounts queried; pacing off unless a test is about pacing. */
  async function ready(opts: SimGatewayOptions = {}) {
    const sim = await startSimGateway({
      seed: 11,
      clock: 'virtual',
      rateLimit: { enabled: false },
      ...opts,
      auth: { initial: 'authenticated', idleTimeoutMs: 7 * 86_400_000, dailyReset: null, ...opts.auth },
    })
    sims.push(sim)
    const caller = simCaller(sim)
    closers.push(caller.close)
    await caller.call('GET', '/iserver/accounts')
    return { sim, ...caller }
  }
  return { ready, sims, closers }
}

export const order = (o: Json): Json => ({
  acctId: ACCT,
  conid: AAPL,
  side: 'BUY',
  quantity: 10,
  tif: 'DAY',
  orderType: 'MKT',
  ...o,
})

export async function lastPrice(call: ReturnType<typeof simCaller>['call'], conid = AAPL): Promise<number> {
  await call('GET', `/iserver/marketdata/snapshot?conids=${conid}&fields=31,84,86`)
  const row = ((await call('GET', `/iserver/marketdata/snapshot?conids=${conid}&fields=31,84,86`)).body as Json[])[0]!
  return Number(row['31'])
}
