import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CPAPI_LIMITS, Pacer, type PacerClock } from './pacer'
import { maxInWindow } from './pacer.test-util'
import { pathTemplate } from './cpapi-limits'

// The pacer's lines (IBKR.md §4: polling never starves tickle or order operations): a paced read
// waits in its endpoint's own line, never in front of another endpoint's request, and every
// request is granted in the end, across 429 freezes. Time is virtual with real timers: `sleep`
// schedules a wake-up and the driver jumps to the earliest one once everything else has settled,
// so concurrent waits overlap as they do in real time (and a waiter nobody wakes is caught).

interface TimerClock extends PacerClock {
  /** Run timers in order until `done` settles; throws if something still waits and no timer is left. */
  drive(done: Promise<unknown>, maxMs: number): Promise<void>
}

function timerClock(): TimerClock {
  let t = 0
  let seq = 0
  const timers: { at: number; seq: number; wake: () => void }[] = []
  const settle = () => new Promise<void>((ok) => setImmediate(ok))
  return {
    now: () => t,
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: t + ms, seq: seq++, wake })),
    async drive(done, maxMs) {
      let finished = false
      void done.then(
        () => (finished = true),
        () => (finished = true),
      )
      for (;;) {
        await settle()
        if (finished) return
        if (timers.length === 0) throw new Error(`stuck at ${t} ms: requests wait and no timer is pending`)
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
        const next = timers.shift()!
        t = Math.max(t, next.at)
        if (t > maxMs) throw new Error(`still waiting after ${maxMs} ms of virtual time`)
        next.wake()
      }
    },
  }
}

const OWN_WINDOW = Object.keys(CPAPI_LIMITS.endpoints).filter((k) => k !== 'GET /sso/validate')
const NO_OWN_WINDOW = [
  'GET /iserver/contract/265598/info',
  'POST /iserver/account/DU1234567/orders',
  'GET /iserver/accounts',
  'GET /portfolio/DU1234567/summary',
]

describe('pacer lines', () => {
  it('grants a contract lookup and an order at once while live-orders reads wait for their window', async () => {
    // Start-up as it was: a second live-orders read (1 per 5 s) queued just before the demo's contract
    // lookups and an order; with one line for everything, each waited ~5.5 s behind that read.
    const clock = timerClock()
    const pacer = new Pacer(clock, CPAPI_LIMITS, () => 0.5)
    const sentAt = new Map<string, number>()
    const send = (name: string) => async () => void sentAt.set(name, clock.now())
    await pacer.run('GET', '/iserver/account/orders', send('orders 1'))
    const all = Promise.all([
      pacer.run('GET', '/iserver/account/orders', send('orders 2')),
      pacer.run('GET', '/iserver/account/orders', send('orders 3')),
      pacer.run('GET', '/iserver/contract/265598/info', send('info AAPL')),
      pacer.run('GET', '/iserver/contract/756733/info', send('info SPY')),
      pacer.run('POST', '/iserver/account/DU1234567/orders', send('order')),
    ])
    await clock.drive(all, 60_000)
    expect(sentAt.get('info AAPL')).toBe(0)
    expect(sentAt.get('info SPY')).toBe(0)
    expect(sentAt.get('order')).toBe(0)
    const window = CPAPI_LIMITS.endpoints['GET /iserver/account/orders']!.windowMs
    expect(sentAt.get('orders 2')).toBe(window)
    expect(sentAt.get('orders 3')).toBe(2 * window)
  })

  it(
    'grants a request to an endpoint without its own window within one global window, however many ' +
      'paced reads wait (property)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ key: fc.constantFrom(...OWN_WINDOW), at: fc.integer({ min: 0, max: 20_000 }) }), {
            minLength: 20,
            maxLength: 300,
            size: 'max',
          }),
          fc.constantFrom(...NO_OWN_WINDOW),
          fc.integer({ min: 0, max: 20_000 }),
          async (paced, other, otherAt) => {
            const clock = timerClock()
            const pacer = new Pacer(clock, CPAPI_LIMITS, () => 0.5)
            const request = (key: string, at: number, onSent: (t: number) => void) =>
              clock.sleep(at).then(() => {
                const [method, path] = key.split(' ') as [string, string]
                return pacer.run(method, path, async () => onSent(clock.now()))
              })
            let otherSent = -1
            const all = Promise.all([
              ...paced.map((p) => request(p.key, p.at, () => undefined)),
              request(other, otherAt, (t) => (otherSent = t)),
            ])
            await clock.drive(all, 10_000_000)
            expect(otherSent - otherAt).toBeLessThanOrEqual(CPAPI_LIMITS.global.windowMs)
          },
        ),
        { numRuns: 40, seed: 11 },
      )
    },
  )

  it(
    'grants every request in the end across 429 freezes, sends nothing while frozen, keeps each ' +
      "endpoint's order and every window's limit (property)",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              key: fc.constantFrom(...OWN_WINDOW, ...NO_OWN_WINDOW),
              at: fc.integer({ min: 0, max: 30_000 }),
              answer: fc.integer({ min: 0, max: 3_000 }),
            }),
            { minLength: 100, maxLength: 400, size: 'max' },
          ),
          fc.array(fc.integer({ min: 0, max: 40_000 }), { minLength: 1, maxLength: 3 }),
          async (requests, rateLimitedAt) => {
            const clock = timerClock()
            const pacer = new Pacer(clock, CPAPI_LIMITS, () => 0.5)
            const freezes: [number, number][] = []
            const sent: { key: string; at: number; i: number }[] = []
            for (const at of rateLimitedAt)
              void clock.sleep(at).then(() => {
                pacer.onRateLimited()
                freezes.push([clock.now(), clock.now() + pacer.frozenFor()])
              })
            const all = Promise.all(
              requests.map((r, i) =>
                clock.sleep(r.at).then(() => {
                  const [method, path] = r.key.split(' ') as [string, string]
                  return pacer.run(method, path, async () => {
                    sent.push({ key: `${method} ${pathTemplate(path)}`, at: clock.now(), i })
                    await clock.sleep(r.answer)
                  })
                }),
              ),
            )
            await clock.drive(all, 50_000_000)
            expect(sent).toHaveLength(requests.length)
            for (const [from, to] of freezes) expect(sent.filter((s) => s.at > from && s.at < to)).toEqual([])
            expect(
              maxInWindow(
                sent.map((s) => s.at),
                CPAPI_LIMITS.global.windowMs,
              ),
            ).toBeLessThanOrEqual(CPAPI_LIMITS.global.max)
            for (const [key, limit] of Object.entries(CPAPI_LIMITS.endpoints)) {
              const mine = sent.filter((s) => s.key === key)
              const arrival = (s: { i: number }) => requests[s.i]!.at * 1e6 + s.i
              expect(mine.map(arrival)).toEqual(mine.map(arrival).sort((a, b) => a - b))
              expect(
                maxInWindow(
                  mine.map((s) => s.at),
                  limit.windowMs,
                ),
              ).toBeLessThanOrEqual(limit.max)
            }
          },
        ),
        { numRuns: 25, seed: 5 },
      )
    },
  )
})
