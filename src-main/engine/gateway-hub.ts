import { performance } from 'node:perf_hooks'
import type { Timers } from '../timers'
import { fingerprintOfPem, peekCertificate } from '../broker/ibkr/certificate'
import type { Broker } from '../broker/broker'
import { createCpapiBroker, type CpapiBroker } from '../broker/ibkr/cpapi-broker'
import type { GatewayCertificate, GatewayStatus } from '../contract/models'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import { startSimGateway, type SimGateway } from '../sim'
import type { GatewayConnection } from './gateway-status'

// Owns the gateway connection the settings point at: the built-in simulator (started in-process,
// real clock, a fixed seed per data folder) or a Client Portal Gateway URL. Re-targeting closes the
// old connection and opens the new one; listeners always see the current one.

export interface GatewayHubDeps {
  bus: EventBus
  now: () => number
  timers: Timers
  simSeed: number
  simTickMs?: number
  preferredAccount: () => string | null
  onConnection: (c: GatewayConnection) => void
  /** Pinned gateway certificates (PEM) by origin, kept in the database. */
  certificates: { get(origin: string): string | null; set(origin: string, pem: string): void }
}

const FIRST_CHECK_WAIT_MS = 1500

export interface GatewayHub {
  connection(): GatewayConnection
  /** The broker behind the connection: orders, executions and portfolio reads (part 4 builds on it). */
  broker(): Broker
  retarget(url: string): Promise<void>
  /** The certificate the configured gateway presents, and whether it is pinned. */
  certificate(): Promise<GatewayCertificate>
  /** Pin the gateway's certificate after the user confirmed this fingerprint, then reconnect. */
  trust(fingerprint: string): Promise<GatewayStatus>
  stop(): Promise<void>
}

export async function createGatewayHub(initialUrl: string, d: GatewayHubDeps): Promise<GatewayHub> {
  let sim: SimGateway | null = null
  let broker: CpapiBroker
  let conn: GatewayConnection
  let offStatus: () => void = () => {}
  // Pacing measures elapsed time against the gateway's own windows: a monotonic clock that sleeps
  // in the same time base, never the app's wall clock (which a user, NTP or a test may move).
  const clock = {
    now: () => performance.now(),
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()),
  }

  async function open(url: string): Promise<CpapiBroker> {
    let c
    if (url === 'sim') {
      sim = await startSimGateway({
        seed: d.simSeed,
        clock: 'real',
        tickMs: d.simTickMs,
        calendar: 'always-open',
        auth: { initial: 'authenticated', dailyReset: null },
        // Nothing in the app reads the journal; unbounded, it held every request of the day.
        journalLimit: 0,
      })
      c = createCpapiBroker({
        url: sim.origin,
        displayUrl: 'sim',
        ca: sim.cert,
        fingerprint: sim.fingerprint,
        loginUrl: `${sim.origin}/`,
        now: d.now,
        clock,
        timers: d.timers,
        preferredAccount: d.preferredAccount,
      })
    } else {
      const origin = new URL(url).origin
      const pem = d.certificates.get(origin)
      c = createCpapiBroker({
        url: origin,
        displayUrl: url,
        ca: pem,
        fingerprint: pem ? fingerprintOfPem(pem) : null,
        loginUrl: `${origin}/`,
        now: d.now,
        clock,
        timers: d.timers,
        preferredAccount: d.preferredAccount,
      })
    }
    // Start with a known session state when the gateway answers quickly; never hold start-up long.
    // The timer is not unref()ed: with an unreachable gateway it is all that keeps start-up going.
    await Promise.race([c.start(), new Promise((r) => setTimeout(r, FIRST_CHECK_WAIT_MS))])
    return c
  }

  function adopt(b: CpapiBroker) {
    broker = b
    const c = b.connection
    conn = c
    offStatus = c.onStatus((s: GatewayStatus) => d.bus.emit('gateway.status', s))
    d.onConnection(c)
    d.bus.emit('gateway.status', c.current())
  }

  async function close() {
    offStatus()
    await broker.stop()
    await sim?.close()
    sim = null
  }

  let currentUrl = initialUrl
  adopt(await open(initialUrl))
  return {
    connection: () => conn,
    broker: () => broker,
    async retarget(url) {
      await close()
      currentUrl = url
      adopt(await open(url))
    },
    async certificate() {
      if (currentUrl === 'sim' && sim)
        return {
          url: 'sim',
          fingerprint: sim.fingerprint ?? '',
          subject: 'CN=127.0.0.1 (built-in simulator)',
          validTo: '',
          trusted: true,
        }
      const peeked = await peekCertificate(currentUrl).catch((e: unknown) => {
        throw new RpcError(
          'UNAVAILABLE',
          `Could not read the gateway's certificate: ${e instanceof Error ? e.message : String(e)}`,
        )
      })
      const pinned = d.certificates.get(new URL(currentUrl).origin)
      return {
        url: currentUrl,
        fingerprint: peeked.fingerprint,
        subject: peeked.subject,
        validTo: peeked.validTo,
        trusted: pinned !== null && fingerprintOfPem(pinned) === peeked.fingerprint,
      }
    },
    async trust(fingerprint) {
      if (currentUrl === 'sim') throw new RpcError('CONFLICT', 'The built-in simulator needs no trust decision.')
      const peeked = await peekCertificate(currentUrl)
      if (peeked.fingerprint !== fingerprint) {
        throw new RpcError(
          'CONFLICT',
          `The gateway now presents a different certificate (${peeked.fingerprint}). Nothing was ` +
            `trusted; check the gateway and try again.`,
        )
      }
      d.certificates.set(new URL(currentUrl).origin, peeked.pem)
      await close()
      adopt(await open(currentUrl))
      return conn.current()
    },
    stop: close,
  }
}
