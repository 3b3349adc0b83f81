import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { ApprovalMode, StrategyMode } from '../../contract/models'
import { json, jsonValid, oneOf } from './columns'

// Strategies, their schedules, and the prompt templates with their versions.

export const strategies = sqliteTable(
  'strategies',
  {
    id: text('id').primaryKey(),
    /** Short immutable key used in client order ids (`[A-Za-z0-9]`). */
    key: text('key').notNull().unique(),
    name: text('name').notNull(),
    mode: text('mode').notNull(),
    approval: text('approval').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    config: json('config').notNull(),
    revision: integer('revision').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    oneOf('strategies', t.mode, StrategyMode.options),
    oneOf('strategies', t.approval, ApprovalMode.options),
    jsonValid('strategies', t.config),
  ],
)

export const promptTemplates = sqliteTable(
  'prompt_templates',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    purpose: text('purpose').notNull(),
    scope: text('scope').notNull(),
    strategyId: text('strategy_id').references(() => strategies.id),
    isDefault: integer('is_default', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    archivedAt: integer('archived_at'),
  },
  (t) => [oneOf('prompt_templates', t.scope, ['global', 'strategy'])],
)

export const promptVersions = sqliteTable(
  'prompt_versions',
  {
    id: text('id').primaryKey(),
    templateId: text('template_id')
      .notNull()
      .references(() => promptTemplates.id),
    version: integer('version').notNull(),
    system: text('system').notNull(),
    body: text('body').notNull(),
    variables: json('variables').notNull(),
    sha256: text('sha256').notNull(),
    note: text('note').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('prompt_versions_template_version').on(t.templateId, t.version),
    jsonValid('prompt_versions', t.variables),
  ],
)

export const schedules = sqliteTable(
  'schedules',
  {
    strategyId: text('strategy_id')
      .primaryKey()
      .references(() => strategies.id),
    cron: text('cron').notNull(),
    tz: text('tz').notNull(),
    missedPolicy: text('missed_policy').notNull(),
    graceMs: integer('grace_ms').notNull(),
    paused: integer('paused', { mode: 'boolean' }).notNull(),
    nextRunAt: integer('next_run_at'),
    lastSeenAt: integer('last_seen_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [oneOf('schedules', t.missedPolicy, ['skip', 'run_latest_if_within_grace'])],
)
