import { asc, eq, like, or, sql } from 'drizzle-orm'
import type { Instrument, InstrumentDetails } from '../contract/models'
import type { Db } from './db'
import { instruments, watchlist } from './schema'

type Details = Omit<InstrumentDetails, 'source'>

/** Remember instruments the gateway returned (conids are permanent), in one transaction. */
export function upsertInstruments(db: Db, items: (Instrument | Details)[], at: number): void {
  db.transaction((tx) => {
    for (const i of items) {
      const base = {
        symbol: i.symbol,
        name: i.name,
        exchange: i.exchange,
        secType: i.secType,
        currency: i.currency,
        updatedAt: at,
      }
      const details = 'validExchanges' in i ? i : undefined
      tx.insert(instruments)
        .values({ conid: i.conid, ...base, details: details ?? {} })
        .onConflictDoUpdate({ target: instruments.conid, set: details ? { ...base, details } : base })
        .run()
    }
  })
}

function toInstrument(r: typeof instruments.$inferSelect): Instrument {
  return {
    conid: r.conid,
    symbol: r.symbol,
    name: r.name,
    exchange: r.exchange,
    secType: r.secType,
    currency: r.currency,
  }
}

/** Cached instruments whose symbol starts with, or whose name contains, the query. */
export function searchCachedInstruments(db: Db, query: string, limit = 20): Instrument[] {
  const q = query.trim().toUpperCase()
  const rows = db
    .select()
    .from(instruments)
    .where(or(like(instruments.symbol, `${q}%`), like(sql`upper(${instruments.name})`, `%${q}%`)))
    .orderBy(sql`${instruments.symbol} <> ${q}`, asc(instruments.symbol))
    .limit(limit)
    .all()
  return rows.map(toInstrument)
}

export function getInstrument(db: Db, conid: number): { instrument: Instrument; details: Details | null } | null {
  const r = db.select().from(instruments).where(eq(instruments.conid, conid)).get()
  if (!r) return null
  const d = r.details as Partial<Details>
  return { instrument: toInstrument(r), details: Array.isArray(d.validExchanges) ? (d as Details) : null }
}

export function listWatchlist(db: Db): (Instrument & { position: number })[] {
  return db
    .select()
    .from(watchlist)
    .innerJoin(instruments, eq(watchlist.conid, instruments.conid))
    .orderBy(asc(watchlist.position))
    .all()
    .map((r) => ({ ...toInstrument(r.instruments), position: r.watchlist.position }))
}

export function addToWatchlist(db: Db, conid: number, at: number): void {
  db.transaction((tx) => {
    const exists = tx.select().from(watchlist).where(eq(watchlist.conid, conid)).get()
    if (exists) return
    const next =
      tx
        .select({ max: sql<number | null>`max(${watchlist.position})` })
        .from(watchlist)
        .get()?.max ?? -1
    tx.insert(watchlist)
      .values({ conid, position: next + 1, addedAt: at })
      .run()
  })
}

export function removeFromWatchlist(db: Db, conid: number): void {
  db.delete(watchlist).where(eq(watchlist.conid, conid)).run()
}
