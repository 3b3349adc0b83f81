import { pathTemplate } from '../broker/ibkr/cpapi-limits'
import type { SimClock } from './clock'
import { barSeconds, historyBars, parseBar, parsePeriod } from './history'
import { Faults, RateLimiter, type JournalEntry } from './limits'
import { simIncrement, type PriceEngine } from './prices'
import { quoteFields } from './quotes'
import type { SimInstrument } from './reference'
import type { OrderRoutes } from './order-routes'
import type { SessionState } from './session'

// The CPAPI endpoints the simulator answers, as a pure request → response function; server.ts
// carries it over HTTPS and the WebSocket.

export interface SimAccount {
  id: string
  cash: number
  baseCcy: string
}

export interface SimRequest {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
}

export interface SimResponse {
  status: number
  body: unknown
}

export interface GatewayDeps {
  clock: SimClock
  engine: PriceEngine
  session: SessionState
  limiter: RateLimiter
  instruments: readonly SimInstrument[]
  account: SimAccount
  snapshotPreflightCalls: number
  strictAccounts: boolean
  orders: OrderRoutes
  /** Conids with a snapshot or `smd` in this brokerage session (the o354 prompt). */
  marketDataSeen: Set<number>
  halted: Set<number>
}

const ok = (body: unknown): SimResponse => ({ status: 200, body })
const err = (status: number, error: string): SimResponse => ({ status, body: { error, statusCode: status } })

export class GatewayCore {
  readonly faults = new Faults()
  readonly journal: JournalEntry[] = []
  private readonly snapshotSubs = new Map<number, { calls: number; fields: Set<string> }>()
  private historyInFlight = 0
  private readonly byConid: Map<number, SimInstrument>

  constructor(private readonly d: GatewayDeps) {
    this.byConid = new Map(d.instruments.map((i) => [i.conid, i]))
    d.session.onReset = () => {
      this.snapshotSubs.clear()
      d.marketDataSeen.clear()
      d.orders.resetSession()
    }
  }

  /** Answer one request: pacing, session rules, then the endpoint. */
  async handle(raw: SimRequest): Promise<SimResponse> {
    // `/iserver/account/trades/` is `/iserver/account/trades`: routed and paced as its canonical form.
    const req = { ...raw, path: raw.path.replace(/(?<=.)\/+$/, '') }
    const template = pathTemplate(req.path)
    const now = this.d.clock.now()
    if (!this.d.limiter.admit(`${req.method} ${template}`, now)) return err(429, 'Too Many Requests')
    const gate = this.sessionGate(template)
    if (gate) return gate
    if (template.startsWith('/iserver/') || template === '/tickle') this.d.session.touch()
    if (template === '/iserver/marketdata/history') {
      if (this.historyInFlight >= 5) return err(429, 'Too many history charts requests, please try again later.')
      this.historyInFlight++
      try {
        return this.route(req, template)
      } finally {
        this.historyInFlight--
      }
    }
    return this.route(req, template)
  }

  private sessionGate(template: string): SimResponse | null {
    const s = this.d.session.state
    if (s === 'noSession') return { status: 401, body: { error: 'no session' } }
    if (
      template.startsWith('/portfolio/') ||
      template === '/tickle' ||
      template === '/logout' ||
      template === '/sso/validate'
    )
      return null
    if (['/iserver/auth/status', '/iserver/auth/ssodh/init', '/iserver/reauthenticate'].includes(template)) return null
    if (!template.startsWith('/iserver/')) return null
    if (s === 'readOnly') return err(400, 'Bad Request: no bridge')
    if (s === 'maintenance') return err(503, 'Service Unavailable: the gateway is in its nightly maintenance window')
    return null
  }

  private route(req: SimRequest, template: string): SimResponse {
    const s = this.d.session
    const key = `${req.method} ${template}`
    switch (key) {
      case 'POST /tickle':
      case 'GET /tickle':
        return ok({
          session: s.sessionId,
          ssoExpires: s.ssoExpiresMs(),
          collission: false,
          userId: 1234567,
          hmds: s.state === 'authenticated' ? { authStatus: 'authenticated' } : { error: 'no bridge' },
          iserver: { authStatus: s.authStatus() },
        })
      case 'POST /iserver/auth/status':
      case 'GET /iserver/auth/status':
        return ok(s.authStatus())
      case 'POST /iserver/auth/ssodh/init': {
        const body = (req.body ?? {}) as { compete?: unknown }
        const r = s.init(body.compete === true)
        return ok(s.authStatus(r.fail))
      }
      case 'POST /iserver/reauthenticate':
      case 'GET /iserver/reauthenticate':
        s.reauthenticate()
        return ok({ message: 'triggered' })
      case 'POST /logout':
      case 'GET /logout':
        s.logout()
        return ok({ status: true })
      case 'GET /sso/validate':
        return ok({
          USER_ID: 1234567,
          USER_NAME: 'simuser',
          RESULT: true,
          AUTH_TIME: this.d.clock.now(),
          EXPIRES: s.ssoExpiresMs(),
          IS_MASTER: false,
          PAPER_USER_NAME: 'simuser',
          loginType: 2,
        })
      case 'GET /iserver/accounts':
        if (s.state === 'competing') return ok({})
        s.accountsQueried = true
        return ok({
          accounts: [this.d.account.id],
          acctProps: {
            [this.d.account.id]: { hasChildAccounts: false, supportsCashQty: true, supportsFractions: false },
          },
          aliases: { [this.d.account.id]: this.d.account.id },
          allowFeatures: { showGFIS: true },
          chartPeriods: {},
          groups: [],
          profiles: [],
          selectedAccount: this.d.account.id,
          serverInfo: { serverName: 'SimGateway', serverVersion: 'sim' },
          sessionId: s.sessionId,
          isPaper: true,
        })
      case 'POST /iserver/account': {
        const acctId = (req.body as { acctId?: unknown } | null)?.acctId
        if (acctId !== this.d.account.id) return err(400, `Account ${String(acctId)} is not available`)
        return ok({ set: true, acctId })
      }
      case 'GET /portfolio/accounts':
        return ok([
          {
            id: this.d.account.id,
            accountId: this.d.account.id,
            accountVan: this.d.account.id,
            accountTitle: 'Simulated paper account',
            displayName: this.d.account.id,
            accountAlias: null,
            accountStatus: 1,
            currency: this.d.account.baseCcy,
            type: 'DEMO',
            tradingType: 'PMRGN',
            faclient: false,
            covestor: false,
            parent: { mmc: [], accountId: '', isMParent: false, isMChild: false, isMultiplex: false },
            desc: this.d.account.id,
          },
        ])
      case 'GET /iserver/secdef/search':
        return this.search(req.query)
      case 'GET /trsrv/stocks':
        return this.stocks(req.query)
      case 'GET /iserver/contract/{id}/info':
      case 'GET /iserver/contract/{id}/info-and-rules':
        return this.contractInfo(req.path, key.endsWith('rules'))
      case 'GET /iserver/marketdata/snapshot':
        return this.snapshot(req.query)
      case 'POST /iserver/marketdata/unsubscribe': {
        const conid = Number((req.body as { conid?: unknown } | null)?.conid)
        return ok({ success: this.snapshotSubs.delete(conid) })
      }
      case 'GET /iserver/marketdata/unsubscribeall':
        this.snapshotSubs.clear()
        return ok({ unsubscribed: true })
      case 'GET /iserver/marketdata/history':
        return this.history(req.query)
      default:
        return this.orderRoute(req)
    }
  }

  private orderRoute(req: SimRequest): SimResponse {
    const needsAccounts = req.path.startsWith('/iserver/account') || req.path.startsWith('/iserver/reply/')
    if (needsAccounts && this.d.strictAccounts && !this.d.session.accountsQueried)
      return err(400, 'Bad Request: Please query /accounts first')
    return (
      this.d.orders.route(req.method, req.path, req.query, req.body) ??
      err(404, `Not supported by the simulator: ${req.method} ${req.path}`)
    )
  }

  private search(q: URLSearchParams): SimResponse {
    const symbol = (q.get('symbol') ?? '').trim().toUpperCase()
    if (!symbol) return err(400, 'symbol required')
    const byName = q.get('name') === 'true'
    const matches = this.d.instruments
      .filter((i) => (byName ? i.name.includes(symbol) : i.symbol.startsWith(symbol) || i.name.startsWith(symbol)))
      .sort((a, b) => Number(b.symbol === symbol) - Number(a.symbol === symbol) || a.symbol.localeCompare(b.symbol))
      .slice(0, 20)
    return ok(
      matches.map((i) => ({
        conid: String(i.conid),
        companyHeader: `${i.name} - ${i.exchange}`,
        companyName: i.name,
        symbol: i.symbol,
        description: i.exchange,
        restricted: null,
        fop: null,
        opt: i.assetClass === 'STK' ? '20261218;20270115' : null,
        war: null,
        sections: [
          { secType: 'STK', exchange: `${i.exchange};SMART;AMEX;ARCA;BATS;IEX` },
          ...(i.assetClass === 'STK' ? [{ secType: 'OPT', months: 'DEC26;JAN27', exchange: 'SMART;CBOE' }] : []),
        ],
      })),
    )
  }

  private stocks(q: URLSearchParams): SimResponse {
    const out: Record<string, unknown> = {}
    for (const sym of (q.get('symbols') ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean)) {
      const i = this.d.instruments.find((x) => x.symbol === sym)
      if (i)
        out[sym] = [
          {
            name: i.name,
            chineseName: null,
            assetClass: i.assetClass,
            contracts: [{ conid: i.conid, exchange: i.exchange, isUS: true }],
          },
        ]
    }
    return ok(out)
  }

  private contractInfo(path: string, withRules: boolean): SimResponse {
    const conid = Number(/\/contract\/(\d+)\//.exec(path)?.[1])
    const i = this.byConid.get(conid)
    if (!i) return err(400, `Invalid contract id ${conid}`)
    const info = {
      con_id: i.conid,
      symbol: i.symbol,
      instrument_type: i.secType,
      exchange: 'SMART',
      listing_exchange: i.exchange,
      valid_exchanges: `SMART,${i.exchange},ARCA,BATS,IEX,AMEX`,
      currency: i.currency,
      company_name: i.name,
      local_symbol: i.symbol,
      trading_class: i.exchange === 'NASDAQ' ? 'NMS' : i.symbol,
      multiplier: '',
      r_t_h: true,
      smart_available: true,
      underlying_con_id: 0,
      category: i.category,
      industry: i.industry,
    }
    return ok(
      withRules
        ? {
            ...info,
            rules: {
              orderTypes: ['limit', 'market', 'stop', 'stop_limit'],
              // IBKR's US stock rule: 0.0001 under a dollar, 0.01 from there on.
              increment: simIncrement(this.d.engine.price(i.conid, this.d.clock.now())),
              incrementRules: [
                { lowerEdge: 0, increment: 0.0001 },
                { lowerEdge: 1, increment: 0.01 },
              ],
              defaultSize: 100,
              sizeIncrement: 1,
              tifTypes: ['DAY', 'GTC', 'IOC', 'OPG'],
            },
          }
        : info,
    )
  }

  private snapshot(q: URLSearchParams): SimResponse {
    if (this.d.strictAccounts && !this.d.session.accountsQueried)
      return err(400, 'Bad Request: Please query /accounts first')
    const conids = (q.get('conids') ?? '')
      .split(',')
      .map(Number)
      .filter((n) => Number.isSafeInteger(n) && n > 0)
    if (conids.length === 0) return err(400, 'conids required')
    const fields = (q.get('fields') ?? '31')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)
    const now = this.d.clock.now()
    return ok(
      conids.map((conid) => {
        if (!this.byConid.has(conid)) return { conid, conidEx: String(conid), error: 'unknown contract' }
        let sub = this.snapshotSubs.get(conid)
        if (!sub) {
          sub = { calls: 0, fields: new Set() }
          this.snapshotSubs.set(conid, sub)
        }
        sub.calls++
        this.d.marketDataSeen.add(conid)
        for (const f of fields) sub.fields.add(f)
        if (sub.calls <= this.d.snapshotPreflightCalls) return { conid, conidEx: String(conid) }
        const all = quoteFields(this.d.engine, conid, now, this.d.halted.has(conid))
        const row: Record<string, unknown> = {
          conid,
          conidEx: String(conid),
          _updated: now,
          server_id: 'q0',
          '6119': 'q0',
          '6509': all['6509'],
        }
        for (const f of sub.fields) if (all[f] !== undefined) row[f] = all[f]
        return row
      }),
    )
  }

  private history(q: URLSearchParams): SimResponse {
    const conid = Number(q.get('conid'))
    const inst = this.byConid.get(conid)
    if (!inst) return err(400, `Invalid conid ${q.get('conid')}`)
    const bar = parseBar(q.get('bar') ?? '')
    if (!bar) return err(400, `Invalid bar size "${q.get('bar')}"`)
    const period = parsePeriod(q.get('period') ?? '')
    if (!period) return err(400, `Invalid period "${q.get('period')}"`)
    let now = this.d.clock.now()
    const start = q.get('startTime')
    if (start) {
      const m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(start)
      if (!m) return err(400, `Invalid startTime "${start}"; expected YYYYMMDD-hh:mm:ss`)
      now = Math.min(now, Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!))
    }
    const data = historyBars(this.d.engine, conid, bar, period, now)
    if (data.length === 0) return { status: 400, body: { error: 'No data.' } }
    const high = Math.max(...data.map((b) => b.h))
    const low = Math.min(...data.map((b) => b.l))
    const first = new Date(data[0]!.t)
    const pad = (n: number) => String(n).padStart(2, '0')
    return ok({
      serverId: '20477',
      symbol: inst.symbol,
      text: inst.name,
      priceFactor: 1,
      startTime:
        `${first.getUTCFullYear()}${pad(first.getUTCMonth() + 1)}${pad(first.getUTCDate())}-` +
        `${pad(first.getUTCHours())}:${pad(first.getUTCMinutes())}:${pad(first.getUTCSeconds())}`,
      high: `${Math.round(high * 100)}/${data.reduce((a, b) => a + b.v, 0)}/0`,
      low: `${Math.round(low * 100)}/${data[0]!.v}/0`,
      timePeriod: q.get('period'),
      barLength: barSeconds(bar),
      mdAvailability: 'S',
      mktDataDelay: 0,
      outsideRth: q.get('outsideRth') === 'true',
      tradingDayDuration: 1440,
      volumeFactor: 1,
      priceDisplayRule: 1,
      priceDisplayValue: '2',
      chartPanStartTime: '',
      direction: -1,
      negativeCapable: false,
      messageVersion: 2,
      travelTime: 1,
      data,
      points: data.length - 1,
    })
  }
}
