import type { Timers } from '../../timers'
import type { AccountInfo, Bar, GatewayStatus, Instrument, InstrumentDetails, Quote } from '../../contract/models'
import type { GatewayConnection, MarketSource } from '../gateway-connection'
import { RpcError } from '../../rpc/errors'
import { GatewayHttpError } from './errors'
import { CpapiHttp } from './http'
import { Pacer, type PacerClock } from './pacer'
import { ContractInfo, HistoryResponse, SearchResults } from './parse'
import { SessionKeeper } from './session'
import { MarketStream, type MarketStreamDeps } from './stream'

export interface CpapiConnectionOptions {
  /** Gateway origin, e.g. `https://127.0.0.1:5000`. */
  url: string
  /** Shown to the user (`sim` for the built-in simulator). */
  displayUrl: string
  ca: string | null
  fingerprint: string | null
  loginUrl: string | null
  now: () => number
  clock: PacerClock
  timers: Timers
  preferredAccount: () => string | null
  tickleMs?: number
  /** Per-request timeout (headers and body), default 10 s. */
  timeoutMs?: number
  /** Extra stream hooks (the Broker's field subscriptions and order/session topics). */
  streamHooks?: Pick<MarketStreamDeps, 'onFields' | 'onTopic' | 'topics'>
}

export type CpapiConnection = GatewayConnection & {
  keeper: SessionKeeper
  http: CpapiHttp
  stream: MarketStream
  firstCheck: Promise<void>
  clock: PacerClock
}

/** A Client Portal Gateway as the engine sees it: session, accounts and market data. */
export function createCpapiConnection(o: CpapiConnectionOptions): CpapiConnection {
  const http = new CpapiHttp({
    baseUrl: o.url,
    ca: o.ca,
    pacer: new Pacer(o.clock),
    clock: o.clock,
    timeoutMs: o.timeoutMs,
  })
  const keeper = new SessionKeeper({
    http,
    url: o.displayUrl,
    now: o.now,
    preferredAccount: o.preferredAccount,
    loginUrl: o.loginUrl,
  })
  const quoteListeners = new Set<(q: Quote) => void>()
  const stream = new MarketStream({
    wsUrl: `${o.url.replace(/^http/, 'ws')}/v1/api/ws`,
    ca: o.ca,
    sessionToken: () => keeper.sessionToken,
    now: o.now,
    timers: o.timers,
    onQuote: (q) => quoteListeners.forEach((cb) => cb(q)),
    ...o.streamHooks,
  })
  let streamed: number[] = []

  keeper.onStatus((s) => {
    if (s.state === 'authenticated') {
      stream.start()
      stream.setConids(streamed)
    } else stream.stop()
  })
  const stopTickle = o.timers.every(() => void keeper.check(), o.tickleMs ?? 60_000)
  const firstCheck = keeper.check()

  function ready(): void {
    if (keeper.current().state !== 'authenticated') {
      throw new RpcError('UNAVAILABLE', `The gateway is not ready: ${keeper.current().detail}`)
    }
  }

  const market: MarketSource = {
    async search(query) {
      ready()
      const rows = SearchResults.parse(
        await http.get('/iserver/secdef/search', { query: { symbol: query, name: false, secType: 'STK' } }),
      )
      return rows.map((r): Instrument => ({
        conid: r.conid,
        symbol: r.symbol,
        name: r.companyName ?? r.companyHeader ?? r.symbol,
        exchange: r.description ?? '',
        secType: r.sections?.[0]?.secType ?? 'STK',
        currency: 'USD',
      }))
    },
    async details(conid) {
      ready()
      try {
        const i = ContractInfo.parse(await http.get(`/iserver/contract/${conid}/info`))
        const multiplier = Number(i.multiplier)
        return {
          conid: i.con_id,
          symbol: i.symbol,
          name: i.company_name,
          exchange: i.listing_exchange ?? i.exchange ?? '',
          secType: i.instrument_type,
          currency: i.currency,
          validExchanges: (i.valid_exchanges ?? '').split(',').filter(Boolean),
          tradingClass: i.trading_class ?? null,
          category: i.category ?? null,
          industry: i.industry ?? null,
          multiplier: Number.isFinite(multiplier) && multiplier > 0 ? multiplier : null,
        } satisfies Omit<InstrumentDetails, 'source'>
      } catch (e) {
        if (e instanceof GatewayHttpError && e.status === 400)
          throw new RpcError('NOT_FOUND', `No contract ${conid}: ${e.message}`)
        throw e
      }
    },
    async history(req) {
      ready()
      try {
        const r = HistoryResponse.parse(
          await http.get('/iserver/marketdata/history', {
            query: {
              conid: req.conid,
              period: req.period,
              bar: req.bar,
              outsideRth: req.outsideRth,
              ...(req.startTime ? { startTime: req.startTime } : {}),
            },
          }),
        )
        return r.data.map((b): Bar => ({ t: b.t, o: b.o, h: b.h, l: b.l, c: b.c, v: b.v ?? 0 }))
      } catch (e) {
        if (e instanceof GatewayHttpError && e.status === 400)
          throw new RpcError(
            /No data/.test(e.message) ? 'NOT_FOUND' : 'BAD_INPUT',
            `The gateway refused the history request: ${e.message}`,
          )
        throw e
      }
    },
    setStreamed(conids) {
      streamed = conids
      stream.setConids(conids)
    },
    onQuote(cb) {
      quoteListeners.add(cb)
      return () => quoteListeners.delete(cb)
    },
  }

  return {
    keeper,
    http,
    stream,
    firstCheck,
    clock: o.clock,
    current: () => keeper.current(),
    onStatus: (cb: (s: GatewayStatus) => void) => keeper.onStatus(cb),
    async reauthenticate() {
      await http.post('/iserver/reauthenticate')
      keeper.invalidate()
      await keeper.check()
      return keeper.current()
    },
    async accounts(): Promise<AccountInfo[]> {
      ready()
      return keeper.accounts()
    },
    async selectAccount(accountId) {
      ready()
      if (!keeper.accounts().some((a) => a.id === accountId))
        throw new RpcError('NOT_FOUND', `The gateway has no account ${accountId}`)
      keeper.choose(accountId)
      await keeper.check()
      return keeper.current()
    },
    market: () => market,
    certificateFingerprint: () => o.fingerprint,
    async stop() {
      stopTickle()
      stream.stop()
      await http.close()
    },
  }
}
