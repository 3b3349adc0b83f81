import type { Bar, BarSize, InstrumentDetails, Quote, SearchResult, WatchlistItem } from '../contract/models'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import {
  addToWatchlist,
  getInstrument,
  listWatchlist,
  removeFromWatchlist,
  searchCachedInstruments,
  upsertInstruments,
} from '../store/instruments-repo'
import type { Timers } from '../timers'
import type { MarketSource } from '../broker/gateway-connection'

/** What the market service needs from a broker connection (defined by the broker). */
export type { MarketSource }

export interface MarketServiceDeps {
  db: Db
  bus: EventBus
  now: () => number
  timers: Timers
  /** The current broker connection, or null while none is configured. */
  source: () => MarketSource | null
  /** At most one `market.tick` per instrument per this many ms (STYLE.md pattern 15). */
  conflateMs?: number
  /** A watch lease lasts this long unless renewed. */
  leaseMs?: number
}

export interface MarketService {
  search(query: string): Promise<SearchResult[]>
  details(conid: number): Promise<InstrumentDetails>
  history(req: { conid: number; bar: BarSize; period: string; outsideRth: boolean; startTime?: string }): Promise<Bar[]>
  watch(conids: number[]): { conids: number[]; leaseMs: number }
  quotes(conids: number[]): Quote[]
  watchlist(): WatchlistItem[]
  addToWatchlist(conid: number): Promise<WatchlistItem[]>
  removeFromWatchlist(conid: number): WatchlistItem[]
  /** A new broker connection: subscribe it to what is being watched. */
  attach(source: MarketSource): void
  stop(): void
}

export function createMarketService(deps: MarketServiceDeps): MarketService {
  const conflateMs = deps.conflateMs ?? 100
  const leaseMs = deps.leaseMs ?? 60_000
  const latest = new Map<number, Quote>()
  const dirty = new Set<number>()
  const leases = new Map<number, number>()
  let streamed: number[] = []
  let offQuote: (() => void) | null = null

  function live(): MarketSource {
    const s = deps.source()
    if (!s)
      throw new RpcError('UNAVAILABLE', 'No gateway is connected. Check the connection badge and Settings → Gateway.')
    return s
  }

  function gatewayError(what: string, e: unknown): RpcError {
    if (e instanceof RpcError) return e
    return new RpcError('UNAVAILABLE', `The gateway could not ${what}: ${e instanceof Error ? e.message : String(e)}`)
  }

  function refreshStream() {
    const now = deps.now()
    for (const [conid, until] of leases) if (until <= now) leases.delete(conid)
    const wanted = [...new Set([...listWatchlist(deps.db).map((w) => w.conid), ...leases.keys()])].sort((a, b) => a - b)
    if (wanted.join() === streamed.join()) return
    streamed = wanted
    deps.source()?.setStreamed(wanted)
  }

  const stopFlush = deps.timers.every(() => {
    for (const conid of dirty) deps.bus.emit('market.tick', latest.get(conid)!)
    dirty.clear()
  }, conflateMs)
  const stopSweep = deps.timers.every(refreshStream, 5_000)

  function watchlistItems(): WatchlistItem[] {
    return listWatchlist(deps.db).map((w) => ({ ...w, quote: latest.get(w.conid) ?? null }))
  }

  function attach(source: MarketSource) {
    offQuote?.()
    offQuote = source.onQuote((q) => {
      latest.set(q.conid, q)
      dirty.add(q.conid)
    })
    streamed = []
    refreshStream()
  }
  const initial = deps.source()
  if (initial) attach(initial)

  return {
    async search(query) {
      try {
        const found = await live().search(query)
        upsertInstruments(deps.db, found, deps.now())
        return found.map((i) => ({ ...i, source: 'live' as const }))
      } catch (e) {
        const cached = searchCachedInstruments(deps.db, query)
        if (cached.length > 0) return cached.map((i) => ({ ...i, source: 'cache' as const }))
        throw gatewayError(`search for "${query}", and nothing matching is cached`, e)
      }
    },
    async details(conid) {
      try {
        const d = await live().details(conid)
        upsertInstruments(deps.db, [d], deps.now())
        return { ...d, source: 'live' }
      } catch (e) {
        const cached = getInstrument(deps.db, conid)
        if (cached?.details) return { ...cached.details, source: 'cache' }
        throw gatewayError(`load contract ${conid}`, e)
      }
    },
    async history(req) {
      try {
        return await live().history(req)
      } catch (e) {
        throw gatewayError(`load ${req.period} of ${req.bar} bars for ${req.conid}`, e)
      }
    },
    watch(conids) {
      const until = deps.now() + leaseMs
      for (const c of conids) leases.set(c, until)
      refreshStream()
      return { conids, leaseMs }
    },
    quotes(conids) {
      return conids.flatMap((c) => latest.get(c) ?? [])
    },
    watchlist: watchlistItems,
    async addToWatchlist(conid) {
      if (!getInstrument(deps.db, conid)) {
        const d = await live()
          .details(conid)
          .catch((e: unknown) => {
            throw e instanceof RpcError
              ? e
              : new RpcError('NOT_FOUND', `Unknown instrument ${conid}: ${e instanceof Error ? e.message : String(e)}`)
          })
        upsertInstruments(deps.db, [d], deps.now())
      }
      addToWatchlist(deps.db, conid, deps.now())
      deps.bus.emit('db.changed', { tables: ['watchlist'] })
      refreshStream()
      return watchlistItems()
    },
    removeFromWatchlist(conid) {
      removeFromWatchlist(deps.db, conid)
      deps.bus.emit('db.changed', { tables: ['watchlist'] })
      refreshStream()
      return watchlistItems()
    },
    attach,
    stop() {
      stopFlush()
      stopSweep()
      offQuote?.()
    },
  }
}
