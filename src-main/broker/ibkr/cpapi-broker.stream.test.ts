import { describe, expect, it } from 'vitest'
import type { BrokerEvent, MarketFields } from '../broker'
import { until } from './fake-gateway.test-util'
import { ACCOUNT, brokerHarness } from './cpapi-broker.test-util'

// The CPAPI Broker's stream against a scripted gateway on loopback: topics, merged market data,
// reconnection and periodic re-subscription.

const { setup } = brokerHarness()

describe('Broker stream', () => {
  async function streaming() {
    const s = await setup()
    await until(() => s.g.sockets.size === 1 && s.g.frames.includes('sor+{}'), 'the stream to authenticate')
    return s
  }

  it('subscribes order and PnL topics, merges smd pushes per conid, surfaces sor and sts', async () => {
    const { g, broker } = await streaming()
    const seen: MarketFields[] = []
    const events: BrokerEvent[] = []
    broker.onEvent((e) => events.push(e))
    const off = broker.subscribeMarketData(265598, ['31', '7295'], (f) => seen.push(f))
    await until(() => g.frames.some((f) => f.startsWith('smd+265598+') && f.includes('7295')), 'the smd subscription')
    g.push({ topic: 'smd+265598', conid: 265598, '31': '168.42', '84': '168.41', _updated: 1 })
    g.push({ topic: 'smd+265598', conid: 265598, '84': '168.40', _updated: 2 })
    g.push({ topic: 'sor', args: [{ acct: ACCOUNT, orderId: 5, status: 'Filled' }] })
    g.push({ topic: 'sts', args: { authenticated: true, competing: false } })
    await until(() => seen.length === 2 && events.length === 2, 'pushes')
    expect(seen[1]).toMatchObject({ values: { '31': 168.42, '84': 168.4 }, updatedAt: 2 })
    expect(events).toEqual([
      { type: 'orders', orders: [{ acct: ACCOUNT, orderId: 5, status: 'Filled' }] },
      { type: 'session', authenticated: true, competing: false },
    ])
    off()
    await until(() => g.frames.includes('umd+265598+{}'), 'the unsubscribe')
  })

  it('after a dropped socket it reconnects, authenticates and subscribes everything again', async () => {
    const { g, broker, timers } = await streaming()
    broker.subscribeMarketData(8314, ['31'], () => undefined)
    await until(() => g.frames.some((f) => f.startsWith('smd+8314+')), 'the first subscription')
    g.frames.length = 0
    for (const s of g.sockets) s.terminate()
    await until(() => g.sockets.size === 0, 'the drop')
    // The reconnect backoff elapses (as often as needed until the client has seen the close).
    await until(
      () => (
        timers.fireAfter(),
        g.frames.some((f) => f.startsWith('smd+8314+')) && g.frames.includes('sor+{}') && g.frames.includes('spl+{}')
      ),
      'resubscription',
    )
    expect(g.frames[0]).toBe('{"session":"abc123"}')
  })

  it('re-sends subscriptions on the periodic timer (smd expires after 15 min)', async () => {
    const { g, broker, timers } = await streaming()
    broker.subscribeMarketData(8314, ['31'], () => undefined)
    await until(() => g.frames.some((f) => f.startsWith('smd+8314+')), 'the first subscription')
    g.frames.length = 0
    timers.fireEvery()
    await until(
      () => g.frames.some((f) => f.startsWith('smd+8314+')) && g.frames.includes('ech+hb'),
      'resubscription and heartbeat',
    )
  })
})
