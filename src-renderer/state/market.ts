import { create } from 'zustand'
import type { Quote, WatchlistItem } from '../../src-main/contract/models'
import { call, onEvent } from './app'

interface MarketState {
  watchlist: WatchlistItem[] | null
  quotes: Record<number, Quote>
  loadWatchlist(): Promise<void>
  addToWatchlist(conid: number): Promise<void>
  removeFromWatchlist(conid: number): Promise<void>
}

export const useMarket = create<MarketState>((set) => ({
  watchlist: null,
  quotes: {},
  async loadWatchlist() {
    const watchlist = await call('watchlist.list', {})
    const quotes: Record<number, Quote> = {}
    for (const w of watchlist) if (w.quote) quotes[w.conid] = w.quote
    set((s) => ({ watchlist, quotes: { ...s.quotes, ...quotes } }))
  },
  async addToWatchlist(conid) {
    set({ watchlist: await call('watchlist.add', { conid }) })
  },
  async removeFromWatchlist(conid) {
    set({ watchlist: await call('watchlist.remove', { conid }) })
  },
}))

/** Live quotes for everything on screen; the watchlist reloads when its table changes. */
export function startMarketState(): void {
  onEvent('market.tick', (q) => useMarket.setState((s) => ({ quotes: { ...s.quotes, [q.conid]: q } })))
  onEvent('db.changed', ({ tables }) => {
    if (tables.includes('watchlist')) void useMarket.getState().loadWatchlist()
  })
}

/** Keep the engine streaming these instruments while a page shows them (leases renew at half-life). */
export function holdWatch(conids: number[]): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  const renew = async () => {
    if (stopped || conids.length === 0) return
    try {
      const { leaseMs } = await call('marketData.watch', { conids })
      if (!stopped) timer = setTimeout(() => void renew(), leaseMs / 2)
    } catch {
      if (!stopped) timer = setTimeout(() => void renew(), 5000)
    }
  }
  void renew()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
  }
}
