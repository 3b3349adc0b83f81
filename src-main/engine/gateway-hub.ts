import { createCpapiConnection } from '../broker/ibkr/connection'
import type { StreamTimers } from '../broker/ibkr/stream'
import type { GatewayStatus } from '../contract/models'
import type { EventBus } from '../rpc/event-bus'
import { startSimGateway, type SimGateway } from '../sim'
import type { GatewayConnection } from './gateway-status'

// Owns the gateway connection the settings point at: the built-in simulator (started in-process,
// real clock, a fixed seed per data folder) or a Client Portal Gateway URL. Re-targeting closes the
// old connection and opens the new one; listeners always see the current one.

export interface GatewayHubDeps {
  bus: EventBus
  now: () => number
  timers: StreamTimers
  simSeed: number
  simTickMs?: number
  preferredAccount: () => string | null
  onConnection: (c: GatewayConnection) => void
}

const FIRST_CHECK_WAIT_MS = 1500

export interface GatewayHub {
  connection(): GatewayConnection
  retarget(url: string): Promise<void>
  stop(): Promise<void>
}

export const realStreamTimers: StreamTimers = {
  every(fn, ms) {
    const h = setInterval(fn, ms)
    h.unref()
    return () => clearInterval(h)
  },
  after(fn, ms) {
    const h = setTimeout(fn, ms)
    h.unref()
    return () => clearTimeout(h)
  },
}

export async function createGatewayHub(initialUrl: string, d: GatewayHubDeps): Promise<GatewayHub> {
  let sim: SimGateway | null = null
  let conn: GatewayConnection
  let offStatus: () => void = () => {}
  const clock = { now: d.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()) }

  async function open(url: string): Promise<GatewayConnection> {
    let c
    if (url === 'sim') {
      sim = await startSimGateway({ seed: d.simSeed, clock: 'real', tickMs: d.simTickMs, calendar: 'always-open', auth: { initial: 'authenticated', dailyReset: null } })
      c = createCpapiConnection({ url: sim.origin, displayUrl: 'sim', ca: sim.cert, fingerprint: sim.fingerprint, loginUrl: `${sim.origin}/`, now: d.now, clock, timers: d.timers, preferredAccount: d.preferredAccount })
    } else {
      const origin = new URL(url).origin
      c = createCpapiConnection({ url: origin, displayUrl: url, ca: null, fingerprint: null, loginUrl: `${origin}/`, now: d.now, clock, timers: d.timers, preferredAccount: d.preferredAccount })
    }
    // Start with a known session state when the gateway answers quickly; never hold start-up long.
    await Promise.race([c.firstCheck, new Promise((r) => setTimeout(r, FIRST_CHECK_WAIT_MS).unref())])
    return c
  }

  function adopt(c: GatewayConnection) {
    conn = c
    offStatus = c.onStatus((s: GatewayStatus) => d.bus.emit('gateway.status', s))
    d.onConnection(c)
    d.bus.emit('gateway.status', c.current())
  }

  async function close() {
    offStatus()
    await conn.stop()
    await sim?.close()
    sim = null
  }

  adopt(await open(initialUrl))
  return {
    connection: () => conn,
    async retarget(url) {
      await close()
      adopt(await open(url))
    },
    stop: close,
  }
}
