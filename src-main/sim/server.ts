import { randomBytes } from 'node:crypto'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import { Calendar, type CalendarKind } from './calendar'
import { RealClock, VirtualClock, type SimClock } from './clock'
import { GatewayCore, type SimAccount } from './gateway'
import { DEFAULT_LIMITS, RateLimiter, type FaultSpec, type JournalEntry, type LimitTable } from './limits'
import { matchTick } from './matching'
import { liveOrderRow } from './order-model'
import { OrderRoutes } from './order-routes'
import { DEFAULT_ORDER_OPTIONS, OrderBook, type PromptId } from './orders'
import { Portfolio, tradeRow, type CommissionOptions } from './portfolio'
import { PriceEngine } from './prices'
import { REFERENCE_INSTRUMENTS, type SimInstrument } from './reference'
import { SessionState, type AuthOptions } from './session'
import { cookieSessionOf, fingerprintOf, loopbackCertificate, requestHandler } from './server-http'
import { StreamHub } from './stream'
import { hash32 } from './rng'

export interface SimGatewayOptions {
  /**
   * Demo mode (IBKR.md §7.4a): real clock, `always-open` calendar, starts authenticated, no nightly reset. Other
   * options override.
   */
  demo?: boolean
  seed?: number
  clock?: 'virtual' | 'real'
  tickMs?: number
  /** Virtual clock start; default Monday 2026-11-23 09:30 New York. */
  startTime?: number
  tls?: boolean
  port?: number
  calendar?: CalendarKind
  instruments?: readonly SimInstrument[]
  account?: Partial<SimAccount>
  auth?: Partial<AuthOptions>
  preflight?: { snapshotCalls?: number; strictAccounts?: boolean; liveOrders?: boolean; pnlEmptyFirst?: boolean }
  /** Switch prompt rules on or off (IBKR.md §7.7); o10151 is off by default. */
  prompts?: Partial<Record<PromptId, boolean>>
  commission?: CommissionOptions
  /** > 0: positions stay stale this long, or until `POST /portfolio/{acct}/positions/invalidate`. Default 0. */
  positionsCacheMs?: number
  replyTtlMs?: number
  rateLimit?: {
    enabled?: boolean
    global?: number
    table?: LimitTable
    penaltyAfter?: number
    penaltyWindowMs?: number
    penaltyMs?: number
  }
  ws?: { hbMs?: number; smdExpiryMs?: number | null }
  /** Keep only the newest this many request-journal entries (default all: tests read them; a host reads none). */
  journalLimit?: number
}

export interface SimControl {
  /** Virtual clock only: move time forward, running every tick on the way. */
  advance(ms: number): void
  now(): number
  state(): string
  login(): void
  logout(): void
  compete(): void
  expireSession(): void
  /**
   * `jumpTo`: last price from now on; `drift`: relative change per virtual hour (0.01 = +1 %/h); `halt`: no trading,
   * `H` prefix.
   */
  setPrice(conid: number, change: { jumpTo?: number; drift?: number; halt?: boolean }): void
  fault(f: FaultSpec): void
  /** Switch on a server prompt: `p12` answers the next orders with an advanced-reject object and an `ntf`. */
  enablePrompt(id: 'p12'): void
  /** Push a `blt` bulletin to every authenticated WebSocket. */
  bulletin(text: string): void
  clearFaults(): void
  journal(): readonly JournalEntry[]
  clearJournal(): void
  dropSockets(): void
  /** Close the listener: further connections are refused (ECONNREFUSED). */
  killGateway(): Promise<void>
}

export interface SimGateway {
  baseUrl: string
  wsUrl: string
  origin: string
  port: number
  /** PEM of the self-signed certificate (TLS on), to pin in the client; null without TLS. */
  cert: string | null
  /** `sha256/<base64>` of the certificate, as Electron reports fingerprints. */
  fingerprint: string | null
  control: SimControl
  close(): Promise<void>
}

const DEFAULT_START = Date.UTC(2026, 10, 23, 14, 30) // Monday 09:30 New York

/** Start a CPAPI-compatible simulated gateway on 127.0.0.1 (IBKR.md §7). */
export async function startSimGateway(opts: SimGatewayOptions = {}): Promise<SimGateway> {
  const seed = opts.seed ?? 1
  const demo = opts.demo === true
  const virtual = (opts.clock ?? (demo ? 'real' : 'virtual')) === 'virtual'
  const clock: SimClock = virtual ? new VirtualClock(opts.startTime ?? DEFAULT_START) : new RealClock()
  const instruments = opts.instruments ?? REFERENCE_INSTRUMENTS
  const calendar = new Calendar(opts.calendar ?? (demo ? 'always-open' : 'nyse'))
  const engine = new PriceEngine(seed, calendar, new Map(instruments.map((i) => [i.conid, i])))
  const account: SimAccount = { id: 'DU1234567', cash: 1_000_000, baseCcy: 'USD', ...opts.account }
  let idCounter = 0
  const session = new SessionState(
    clock,
    {
      initial: demo ? 'authenticated' : 'noSession',
      requireInit: true,
      idleTimeoutMs: 300_000,
      ssoTtlMs: 86_400_000,
      authDelayMs: 3000,
      dailyReset: demo ? null : { at: '01:00', durationMs: 120_000 },
      ...opts.auth,
    },
    () => hash32(seed, `session:${idCounter++}`).toString(16).padStart(8, '0') + randomHex(seed, idCounter),
  )
  const limiter = new RateLimiter({
    enabled: true,
    global: 10,
    table: DEFAULT_LIMITS,
    penaltyAfter: 3,
    penaltyWindowMs: 60_000,
    penaltyMs: 600_000,
    ...opts.rateLimit,
  })
  const byConid = new Map(instruments.map((i) => [i.conid, i]))
  const halted = new Set<number>()
  const marketDataSeen = new Set<number>()
  const portfolio = new Portfolio(
    clock,
    engine,
    seed,
    account.id,
    account.cash,
    opts.commission ?? { perShare: 0.005, min: 1 },
  )
  const book = new OrderBook({
    clock,
    engine,
    portfolio,
    instruments: byConid,
    accountId: account.id,
    seed,
    halted,
    marketDataSeen,
    options: {
      prompts: { ...DEFAULT_ORDER_OPTIONS.prompts, ...opts.prompts },
      replyTtlMs: opts.replyTtlMs ?? DEFAULT_ORDER_OPTIONS.replyTtlMs,
    },
    onOrderChange: (o) => hub.orderChanged(liveOrderRow(o, byConid.get(o.conid)!)),
    notify: (args) => hub.notify(args),
  })
  const orders = new OrderRoutes({
    book,
    portfolio,
    instruments: byConid,
    accountId: account.id,
    sessionId: () => session.sessionId,
    now: () => clock.now(),
    preflight: {
      liveOrdersEmptyFirst: opts.preflight?.liveOrders ?? true,
      pnlEmptyFirst: opts.preflight?.pnlEmptyFirst ?? true,
    },
    positionsCacheMs: opts.positionsCacheMs ?? 0,
  })
  const core = new GatewayCore({
    clock,
    engine,
    session,
    limiter,
    instruments,
    account,
    snapshotPreflightCalls: opts.preflight?.snapshotCalls ?? 1,
    strictAccounts: opts.preflight?.strictAccounts ?? true,
    orders,
    marketDataSeen,
    halted,
  })
  const hub = new StreamHub(clock, engine, session, account.id, halted, {
    smdExpiryMs: opts.ws?.smdExpiryMs === undefined ? 900_000 : opts.ws.smdExpiryMs,
    marketDataSeen,
    liveOrders: () => book.orders.map((o) => liveOrderRow(o, byConid.get(o.conid)!)),
    pnl: () => portfolio.pnl(),
  })
  const previousReset = session.onReset
  session.onReset = () => {
    previousReset()
    hub.reset()
  }

  const tls = opts.tls ?? true
  const pem = tls ? await loopbackCertificate() : null
  const handler = requestHandler(core, session, clock, opts.journalLimit)
  const server: Server = pem ? createHttpsServer({ cert: pem.cert, key: pem.key }, handler) : createHttpServer(handler)
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    if (url.pathname !== '/v1/api/ws') return socket.destroy()
    const cookieSession = cookieSessionOf(req.headers.cookie)
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, cookieSession))
  })

  const stopTick = clock.every(opts.tickMs ?? 1000, () => {
    session.tick()
    matchTick(book, (_order, exec) => hub.execution(tradeRow(exec, byConid.get(exec.conid)!, account.id)))
    hub.tick()
  })
  const stopHb = clock.every(opts.ws?.hbMs ?? 10_000, () => hub.heartbeat())

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok())
  })
  const port = (server.address() as AddressInfo).port
  const scheme = tls ? 'https' : 'http'
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    stopTick()
    stopHb()
    hub.dropAll()
    wss.close()
    for (const s of sockets) s.destroy()
    await new Promise<void>((ok) => server.close(() => ok()))
  }

  const control: SimControl = {
    advance(ms) {
      if (!(clock instanceof VirtualClock)) throw new Error('advance() needs the virtual clock')
      clock.advance(ms)
    },
    now: () => clock.now(),
    state: () => session.state,
    login: () => session.login(),
    logout: () => session.logout(),
    compete: () => session.compete(),
    expireSession: () => session.expire(),
    setPrice(conid, change) {
      if (change.halt !== undefined) {
        if (change.halt) halted.add(conid)
        else halted.delete(conid)
      }
      if (change.jumpTo !== undefined) engine.jumpTo(conid, clock.now(), change.jumpTo)
      if (change.drift !== undefined) engine.drift(conid, clock.now(), change.drift)
    },
    fault: (f) => core.faults.add(f),
    enablePrompt: (id) => void book.serverPrompts.add(id),
    bulletin: (text) => hub.bulletin(text),
    clearFaults: () => core.faults.clear(),
    journal: () => core.journal,
    clearJournal: () => void core.journal.splice(0),
    dropSockets: () => hub.dropAll(),
    killGateway: close,
  }

  return {
    baseUrl: `${scheme}://127.0.0.1:${port}/v1/api`,
    wsUrl: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/v1/api/ws`,
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    cert: pem?.cert ?? null,
    fingerprint: pem ? fingerprintOf(pem.cert) : null,
    control,
    close,
  }
}

function randomHex(seed: number, n: number): string {
  return (
    hash32(seed, `sessionb:${n}`).toString(16).padStart(8, '0') + (seed === 0 ? randomBytes(4).toString('hex') : '')
  )
}
