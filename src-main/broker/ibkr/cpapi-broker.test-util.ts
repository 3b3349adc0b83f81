import { afterEach } from 'vitest'
import type { OrderTicket } from '../broker'
import { createCpapiBroker } from './cpapi-broker'
import {
  fakeClock,
  manualTimers,
  scriptAuthenticated,
  startFakeGateway,
  type FakeGateway,
} from './fake-gateway.test-util'

// Shared by the CPAPI Broker tests: a broker started against a scripted gateway on loopback, closed
// after each test.

export const ACCOUNT = 'DU1234567'
export const ORDERS = `POST /iserver/account/${ACCOUNT}/orders`
export const ticket: OrderTicket = {
  conid: 265598,
  cOID: 'r1-s1-e',
  orderType: 'LMT',
  side: 'BUY',
  quantity: 100,
  tif: 'DAY',
  price: 185.5,
}

/** Call at the top of a test file: `setup()` starts a gateway and a broker, both closed after each test. */
export function brokerHarness() {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })
  async function setup(script: (g: FakeGateway) => void = scriptAuthenticated, timeoutMs?: number) {
    const g = await startFakeGateway()
    cleanups.push(() => g.close())
    script(g)
    const timers = manualTimers()
    const clock = fakeClock()
    const broker = createCpapiBroker({
      url: g.url,
      displayUrl: g.url,
      ca: null,
      fingerprint: null,
      loginUrl: null,
      now: clock.now,
      clock,
      timers,
      preferredAccount: () => null,
      timeoutMs,
    })
    cleanups.push(() => broker.stop())
    await broker.start()
    return { g, broker, timers, clock }
  }
  return { setup }
}
