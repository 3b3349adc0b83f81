import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { json, jsonValid } from './columns'

// Settings, the audit log and the single running instance.

export const settings = sqliteTable(
  'settings',
  {
    key: text('key').primaryKey(),
    value: json('value').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [jsonValid('settings', t.value)],
)

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    details: json('details').notNull(),
  },
  (t) => [jsonValid('audit_log', t.details), index('audit_log_at').on(t.at)],
)

export const instance = sqliteTable(
  'instance',
  {
    id: integer('id').primaryKey(),
    pid: integer('pid').notNull(),
    host: text('host').notNull(),
    startedAt: integer('started_at').notNull(),
    heartbeatAt: integer('heartbeat_at').notNull(),
  },
  (t) => [check('instance_single_row', sql`${t.id} = 1`)],
)
