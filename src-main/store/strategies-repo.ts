import { asc, eq } from 'drizzle-orm'
import type { StrategyInput } from '../contract/strategies'
import type { Db } from './db'
import { auditLog, strategies } from './schema'

export type StrategyRow = typeof strategies.$inferSelect

/** Insert a strategy and its audit row together. `key` is short, immutable and goes into cOIDs. */
export function insertStrategy(db: Db, row: { id: string; key: string; config: StrategyInput; at: number }): void {
  db.transaction((tx) => {
    tx.insert(strategies)
      .values({
        id: row.id,
        key: row.key,
        name: row.config.name,
        mode: row.config.mode,
        approval: row.config.approval,
        active: false,
        config: row.config,
        revision: 1,
        createdAt: row.at,
        updatedAt: row.at,
      })
      .run()
    tx.insert(auditLog)
      .values({
        at: row.at,
        actor: 'user',
        action: 'strategies.create',
        details: { id: row.id, name: row.config.name },
      })
      .run()
  })
}

export function updateStrategy(db: Db, id: string, config: StrategyInput, at: number): void {
  db.transaction((tx) => {
    const current = tx.select().from(strategies).where(eq(strategies.id, id)).get()
    if (!current) throw new Error(`No strategy ${id}`)
    // Switching to live never keeps a strategy running: it waits for arming and a new activation.
    const active = config.mode === 'live' ? false : current.active
    tx.update(strategies)
      .set({
        name: config.name,
        mode: config.mode,
        approval: config.approval,
        active,
        config,
        revision: current.revision + 1,
        updatedAt: at,
      })
      .where(eq(strategies.id, id))
      .run()
    tx.insert(auditLog)
      .values({ at, actor: 'user', action: 'strategies.update', details: { id, revision: current.revision + 1 } })
      .run()
  })
}

export function setStrategyActive(db: Db, id: string, active: boolean, at: number): void {
  db.transaction((tx) => {
    tx.update(strategies).set({ active, updatedAt: at }).where(eq(strategies.id, id)).run()
    tx.insert(auditLog).values({ at, actor: 'user', action: 'strategies.setActive', details: { id, active } }).run()
  })
}

export function getStrategyRow(db: Db, id: string): StrategyRow | null {
  return db.select().from(strategies).where(eq(strategies.id, id)).get() ?? null
}

export function listStrategyRows(db: Db): StrategyRow[] {
  return db.select().from(strategies).orderBy(asc(strategies.createdAt), asc(strategies.name)).all()
}
