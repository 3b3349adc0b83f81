import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { json, jsonValid } from './columns'

// Instruments (IBKR conids with their details) and the watchlist.

export const instruments = sqliteTable(
  'instruments',
  {
    conid: integer('conid').primaryKey(),
    symbol: text('symbol').notNull(),
    name: text('name').notNull(),
    exchange: text('exchange').notNull(),
    secType: text('sec_type').notNull(),
    currency: text('currency').notNull(),
    details: json('details').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [jsonValid('instruments', t.details), index('instruments_symbol').on(t.symbol)],
)

export const watchlist = sqliteTable('watchlist', {
  conid: integer('conid')
    .primaryKey()
    .references(() => instruments.conid),
  position: integer('position').notNull(),
  addedAt: integer('added_at').notNull(),
})
