import { afterEach, describe, expect, it } from 'vitest'
import { isOnIncrement, roundToIncrement } from '../../domain/prices'
import { startSimGateway } from '../../sim'
import { createCpapiBroker } from './cpapi-broker'
import { manualTimers } from './fake-gateway.test-util'
import type { PacerClock } from './pacer'

// Price increments from the contract's rules (IBKR `info-and-rules`), on a sub-dollar stock: the
// broker reads 0.0001 for SNDL and 0.01 for AAPL, the simulator refuses a price off the grid with
// IBKR's text and accepts the same price rounded onto it.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const ACCOUNT = 'DU1234567'
const SNDL = 593470216

async function brokerOnSim() {
  const sim = await startSimGateway({
    seed: 5,
    clock: 'virtual',
    rateLimit: { enabled: false },
    auth: { initial: 'authenticated', idleTimeoutMs: 86_400_000 },
    prompts: { o354: false, o163: false },
  })
  cleanups.push(() => sim.close())
  const clock: PacerClock = { now: () => sim.control.now(), sleep: async (ms) => sim.control.advance(ms) }
  const broker = createCpapiBroker({
    url: sim.origin,
    displayUrl: 'sim',
    ca: sim.cert,
    fingerprint: sim.fingerprint,
    loginUrl: `${sim.origin}/`,
    now: clock.now,
    clock,
    timers: manualTimers(),
    preferredAccount: () => null,
  })
  cleanups.push(() => broker.stop())
  await broker.start()
  return { sim, broker }
}

describe('price increments from the contract rules', () => {
  it('reads 0.0001 under a dollar and 0.01 above; off-grid prices are refused, on-grid ones accepted', async () => {
    const { sim, broker } = await brokerOnSim()
    await broker.accounts()
    const [q] = await broker.snapshot([SNDL], ['31'])
    const last = q!.values['31']!
    expect(last).toBeLessThan(1)
    expect(isOnIncrement(last, 0.0001)).toBe(true)
    expect(await broker.priceIncrement(SNDL, last)).toBe(0.0001)
    expect(await broker.priceIncrement(265598, 190)).toBe(0.01)
    // Read once per conid: a second ask is served from the rules already read.
    const rulesCalls = () => sim.control.journal().filter((j) => j.path.includes('/info-and-rules')).length
    const before = rulesCalls()
    await broker.priceIncrement(SNDL, last)
    expect(rulesCalls()).toBe(before)

    const off = Number((last * 0.99).toFixed(5)) + 0.00005
    const leg = (price: number, cOID: string) => ({
      conid: SNDL,
      cOID,
      orderType: 'LMT' as const,
      side: 'BUY' as const,
      quantity: 100,
      tif: 'DAY' as const,
      price,
    })
    await expect(broker.placeOrders(ACCOUNT, [leg(off, 'sub-off')])).rejects.toThrow(
      /does not conform to the minimum price variation/,
    )
    const onGrid = roundToIncrement(off, 0.0001)
    expect(String(onGrid).split('.')[1]!.length).toBeLessThanOrEqual(4)
    let answer = await broker.placeOrders(ACCOUNT, [leg(onGrid, 'sub-on')])
    for (let i = 0; i < 5 && answer.kind === 'confirm'; i++) answer = await broker.reply(answer.replyId, true)
    expect(answer.kind).toBe('accepted')
  })
})
