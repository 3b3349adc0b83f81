import { eq } from 'drizzle-orm'
import type { Db } from './db'
import { auditLog, settings } from './schema'

export interface AuditEntry {
  actor: 'user' | 'system'
  action: string
  details: Record<string, unknown>
}

/** Stored settings as key -> JSON value. */
export function readSettings(db: Db): Map<string, unknown> {
  return new Map(
    db
      .select()
      .from(settings)
      .all()
      .map((r) => [r.key, r.value]),
  )
}

/** Write every change (null deletes) and its audit row in one transaction: all or nothing. */
export function writeSettings(db: Db, changes: Map<string, unknown>, audit: AuditEntry, at: number): void {
  db.transaction((tx) => {
    for (const [key, value] of changes) {
      if (value === null) {
        tx.delete(settings).where(eq(settings.key, key)).run()
      } else {
        tx.insert(settings)
          .values({ key, value, updatedAt: at })
          .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } })
          .run()
      }
    }
    tx.insert(auditLog).values({ at, actor: audit.actor, action: audit.action, details: audit.details }).run()
  })
}

/** A value the app picks once and keeps (e.g. the simulator's seed for this data folder). */
export function getOrInitSetting<T>(db: Db, key: string, init: () => T, at: number): T {
  const existing = readSettings(db).get(key)
  if (existing !== undefined) return existing as T
  const value = init()
  writeSettings(db, new Map([[key, value]]), { actor: 'system', action: 'settings.init', details: { key } }, at)
  return value
}
