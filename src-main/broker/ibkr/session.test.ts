import { afterEach, describe, expect, it } from 'vitest'
import type { GatewayState, GatewayStatus } from '../../contract/models'
import { createCpapiConnection } from './connection'
import {
  fakeClock,
  manualTimers,
  scriptAuthenticated,
  startFakeGateway,
  type FakeGateway,
} from './fake-gateway.test-util'

// The session keeper (IBKR.md §2.2) against a scripted `/tickle` and `/iserver/auth/status`:
// every transition publishes a GatewayStatus with a sentence, and no error stops the keeper.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

type Scripted = { status: number; body: unknown }
const auth = (a: { authenticated: boolean; competing?: boolean; connected?: boolean; fail?: string }): Scripted => ({
  status: 200,
  body: {
    session: 's1',
    ssoExpires: 300_000,
    iserver: { authStatus: { competing: false, connected: true, message: '', ...a } },
  },
})

async function keeperOn(script: (g: FakeGateway, tickle: { next: Scripted }) => void) {
  const g = await startFakeGateway()
  cleanups.push(() => g.close())
  const tickle = { next: auth({ authenticated: true }) }
  scriptAuthenticated(g)
  g.on('POST /tickle', (_r, res) =>
    res.writeHead(tickle.next.status, { 'content-type': 'application/json' }).end(JSON.stringify(tickle.next.body)),
  )
  script(g, tickle)
  const clock = fakeClock()
  const c = createCpapiConnection({
    url: g.url,
    displayUrl: 'local',
    ca: null,
    fingerprint: null,
    loginUrl: `${g.url}/`,
    now: clock.now,
    clock,
    timers: manualTimers(),
    preferredAccount: () => null,
  })
  cleanups.push(() => c.stop())
  const published: GatewayStatus[] = []
  c.onStatus((s) => published.push(s))
  await c.firstCheck
  return { g, c, tickle, published, states: () => published.map((s) => s.state) }
}

describe('session keeper transitions (scripted gateway)', () => {
  it('authenticated → competing → readOnly → ssodh/init → init sequence → authenticated', async () => {
    let initBody: unknown = null
    const { g, c, tickle, states } = await keeperOn((x) => {
      x.on('POST /iserver/auth/ssodh/init', (r, res) => {
        initBody = r.body
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ authenticated: true, connected: true, competing: false }))
      })
    })
    expect(c.current()).toMatchObject({ state: 'authenticated', account: 'DU1234567', paper: true, url: 'local' })
    const order = g.seen.map((r) => r.path)
    expect(order.indexOf('/iserver/accounts')).toBeLessThan(order.indexOf('/portfolio/accounts'))
    // §2.4 step 5: live orders and PnL preflights after the accounts (their failure is not fatal: 404 here).
    expect(order.indexOf('/portfolio/accounts')).toBeLessThan(order.indexOf('/iserver/account/orders'))
    expect(order).toContain('/iserver/account/pnl/partitioned')

    tickle.next = auth({ authenticated: true, competing: true })
    await c.keeper.check()
    expect(c.current().state).toBe('competing')
    expect(c.current().detail).toMatch(/Another session/)
    expect(g.count('POST /iserver/auth/ssodh/init')).toBe(0) // taking over needs the user's consent

    const accountsBefore = g.count('GET /iserver/accounts')
    tickle.next = auth({ authenticated: false })
    await c.keeper.check()
    expect(initBody).toEqual({ publish: true, compete: false })
    expect(g.count('GET /iserver/accounts')).toBe(accountsBefore + 1) // §2.4 runs again on the new bridge
    expect(states()).toEqual<GatewayState[]>(['authenticated', 'competing', 'authenticated'])
  })

  it('not connected is maintenance; a 503 too; both recover by themselves', async () => {
    const { c, tickle, states } = await keeperOn(() => undefined)
    tickle.next = auth({ authenticated: false, connected: false })
    await c.keeper.check()
    expect(c.current()).toMatchObject({ state: 'maintenance', account: 'DU1234567' })
    tickle.next = { status: 503, body: { error: 'backend down', statusCode: 503 } }
    await c.keeper.check()
    expect(c.current().state).toBe('maintenance')
    tickle.next = auth({ authenticated: true })
    await c.keeper.check()
    expect(states().filter((s, i, all) => s !== all[i - 1])).toEqual<GatewayState[]>([
      'authenticated',
      'maintenance',
      'authenticated',
    ])
  })

  it('401 after having been authenticated is expired; before, unauthenticated', async () => {
    const { c, tickle } = await keeperOn(() => undefined)
    tickle.next = { status: 401, body: { error: 'no session' } }
    await c.keeper.check()
    expect(c.current().state).toBe('expired')
    expect(c.current().detail).toMatch(/Log in again/)

    const fresh = await keeperOn((_g, t) => (t.next = { status: 401, body: { error: 'no session' } }))
    expect(fresh.c.current().state).toBe('unauthenticated')
  })

  it('an unreachable gateway is offline, and the keeper keeps checking', async () => {
    const { g, c, tickle } = await keeperOn(() => undefined)
    g.on('POST /tickle', (_r, res) => res.socket?.destroy())
    await c.keeper.check()
    expect(c.current().state).toBe('offline')
    g.on('POST /tickle', (_r, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tickle.next.body)),
    )
    await c.keeper.check()
    expect(c.current().state).toBe('authenticated')
  })

  it('a bridge that keeps failing is retried at most 3 times in 5 minutes, then the user is asked', async () => {
    const { g, c, tickle } = await keeperOn((x) =>
      x.json('POST /iserver/auth/ssodh/init', {
        authenticated: false,
        fail: 'Force compete capability must be used together with compete flag',
      }),
    )
    tickle.next = auth({ authenticated: false })
    for (let i = 0; i < 5; i++) await c.keeper.check()
    expect(g.count('POST /iserver/auth/ssodh/init')).toBe(3)
    expect(c.current()).toMatchObject({ state: 'unauthenticated' })
    expect(c.current().detail).toMatch(/Force compete/)
  })

  it('reauthenticate posts /iserver/reauthenticate and runs the init sequence again', async () => {
    const { g, c } = await keeperOn((x) => x.json('POST /iserver/reauthenticate', { message: 'triggered' }))
    const before = g.count('GET /iserver/accounts')
    const s = await c.reauthenticate()
    expect(s.state).toBe('authenticated')
    expect(g.count('POST /iserver/reauthenticate')).toBe(1)
    expect(g.count('GET /iserver/accounts')).toBe(before + 1)
  })
})
