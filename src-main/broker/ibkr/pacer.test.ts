import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CPAPI_LIMITS, Pacer, type PacerClock } from './pacer'
import { maxInWindow } from './pacer.test-util'
import { CPAPI_ENDPOINT_LIMITS, pathTemplate } from './cpapi-limits'

/** Virtual time: `sleep` jumps the clock instead of waiting. */
function virtualClock(): PacerClock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms
    },
  }
  return c
}

const ENDPOINTS = [
  'GET /iserver/marketdata/snapshot',
  'GET /iserver/account/orders',
  'POST /tickle',
  'GET /iserver/contract/265598/info',
  'GET /iserver/accounts',
  'GET /portfolio/accounts',
]

describe('pacer', () => {
  it('templates paths without ids or query strings', () => {
    expect(pathTemplate('/iserver/account/trades/')).toBe('/iserver/account/trades')
    expect(pathTemplate('/iserver/contract/265598/info')).toBe('/iserver/contract/{id}/info')
    expect(pathTemplate('/iserver/account/DU1234567/orders?force=true')).toBe('/iserver/account/{accountId}/orders')
    expect(pathTemplate('/portfolio/U7654321/positions/0')).toBe('/portfolio/{accountId}/positions/{id}')
    expect(pathTemplate('/iserver/account/orders?force=true')).toBe('/iserver/account/orders')
  })

  it(
    'never lets any 1 s window or endpoint window exceed its ' + 'limit under a 10,000-request burst (property)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...ENDPOINTS), { minLength: 10_000, maxLength: 10_000 }),
          async (requests) => {
            const clock = virtualClock()
            const pacer = new Pacer(clock, CPAPI_LIMITS, () => 0.5)
            const sent: { key: string; at: number }[] = []
            await Promise.all(
              requests.map((r) => {
                const [method, path] = r.split(' ') as [string, string]
                return pacer.run(
                  method,
                  path,
                  async () => void sent.push({ key: `${method} ${pathTemplate(path)}`, at: clock.now() }),
                )
              }),
            )
            expect(sent).toHaveLength(10_000)
            expect(
              maxInWindow(
                sent.map((s) => s.at),
                1000,
              ),
            ).toBeLessThanOrEqual(CPAPI_LIMITS.global.max)
            for (const [key, limit] of Object.entries(CPAPI_LIMITS.endpoints)) {
              expect(
                maxInWindow(
                  sent.filter((s) => s.key === key).map((s) => s.at),
                  limit.windowMs,
                ),
              ).toBeLessThanOrEqual(limit.max)
            }
          },
        ),
        { numRuns: 3, seed: 99 },
      )
    },
  )

  it('keeps the gateway under its limits when requests reach it late and bunched (property)', async () => {
    // The gateway sees a request somewhere between the slot and the answer: a busy event loop, a
    // new TLS connection or a slow request ahead on the socket delays it by a random amount.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            endpoint: fc.constantFrom(...ENDPOINTS),
            delay: fc.integer({ min: 0, max: 1500 }),
            answer: fc.integer({ min: 0, max: 400 }),
          }),
          { minLength: 2_000, maxLength: 2_000 },
        ),
        async (requests) => {
          const clock = virtualClock()
          const pacer = new Pacer(clock, CPAPI_LIMITS, () => 0.5)
          const arrived: { key: string; at: number }[] = []
          await Promise.all(
            requests.map((r) => {
              const [method, path] = r.endpoint.split(' ') as [string, string]
              return pacer.run(method, path, async () => {
                await clock.sleep(r.delay)
                arrived.push({ key: `${method} ${pathTemplate(path)}`, at: clock.now() })
                await clock.sleep(r.answer)
              })
            }),
          )
          expect(arrived).toHaveLength(2_000)
          expect(
            maxInWindow(
              arrived.map((s) => s.at),
              1000,
            ),
          ).toBeLessThanOrEqual(CPAPI_LIMITS.global.max)
          for (const [key, limit] of Object.entries(CPAPI_ENDPOINT_LIMITS)) {
            expect(
              maxInWindow(
                arrived.filter((s) => s.key === key).map((s) => s.at),
                limit.windowMs,
              ),
            ).toBeLessThanOrEqual(limit.max)
          }
        },
      ),
      { numRuns: 5, seed: 7 },
    )
  })

  it('sends nothing inside the backoff window after a 429, and backs off longer on a repeat', async () => {
    const clock = virtualClock()
    const pacer = new Pacer(clock, CPAPI_LIMITS, () => 0)
    await pacer.run('GET', '/iserver/accounts', async () => {})
    pacer.onRateLimited()
    const frozenAt = clock.now()
    let sentAt = -1
    await pacer.run('GET', '/iserver/accounts', async () => void (sentAt = clock.now()))
    expect(sentAt - frozenAt).toBeGreaterThanOrEqual(CPAPI_LIMITS.backoffMs)
    pacer.onRateLimited()
    expect(pacer.frozenFor()).toBe(2 * CPAPI_LIMITS.backoffMs)
  })

  it('runs at most 4 history requests at once', async () => {
    const clock = virtualClock()
    const pacer = new Pacer(clock, { ...CPAPI_LIMITS, global: { max: 1000, windowMs: 1000 } })
    let active = 0
    let peak = 0
    const releases: (() => void)[] = []
    const runs = Array.from({ length: 10 }, () =>
      pacer.run('GET', '/iserver/marketdata/history', () => {
        active++
        peak = Math.max(peak, active)
        return new Promise<void>((ok) => releases.push(() => (active--, ok())))
      }),
    )
    const settle = async () => {
      for (let i = 0; i < 50; i++) await Promise.resolve()
    }
    for (let done = 0; done < 10; done++) {
      await settle()
      expect(active).toBe(Math.min(4, 10 - done))
      releases.shift()!()
    }
    await Promise.all(runs)
    expect(peak).toBe(4)
  })
})
