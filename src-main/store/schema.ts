// The database schema (drizzle-kit reads this file: drizzle.config.ts), by aggregate. Each file in
// ./schema holds one aggregate's tables; add a new aggregate with one `export *` line here.
export * from './schema/settings'
export * from './schema/instruments'
export * from './schema/prompts-strategies'
export * from './schema/lineage'
export * from './schema/trading'
export * from './schema/portfolio'
export * from './schema/evaluation'
