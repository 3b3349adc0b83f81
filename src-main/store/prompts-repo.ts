import { createHash } from 'node:crypto'
import { and, asc, desc, eq, isNull, max } from 'drizzle-orm'
import type { PromptPurpose, PromptScope } from '../contract/prompts-api'
import type { Db } from './db'
import { auditLog, promptTemplates, promptVersions } from './schema'

// Prompt templates and their immutable versions (F5). A version is written once and never
// updated: saving appends version n+1, restoring appends a copy of an old one. One default per
// scope (global, or one strategy) and purpose.

export type TemplateRow = typeof promptTemplates.$inferSelect
export type VersionRow = Omit<typeof promptVersions.$inferSelect, 'variables'> & { variables: string[] }
export type TemplateWithLatest = TemplateRow & { latest: VersionRow }

export interface NewVersion {
  id: string
  system: string
  body: string
  variables: string[]
  note: string
}

/** sha256 (hex) over the UTF-8 bytes of `system`, a NUL byte, then `body`: no two pairs collide by concatenation. */
export function promptSha256(system: string, body: string): string {
  return createHash('sha256').update(system, 'utf8').update('\0').update(body, 'utf8').digest('hex')
}

const versionRow = (r: typeof promptVersions.$inferSelect): VersionRow => ({ ...r, variables: r.variables as string[] })

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

function writeVersion(tx: Tx, templateId: string, v: NewVersion, at: number): number {
  const last = tx
    .select({ n: max(promptVersions.version) })
    .from(promptVersions)
    .where(eq(promptVersions.templateId, templateId))
    .get()
  const version = (last?.n ?? 0) + 1
  tx.insert(promptVersions)
    .values({
      id: v.id,
      templateId,
      version,
      system: v.system,
      body: v.body,
      variables: [...v.variables].sort(),
      sha256: promptSha256(v.system, v.body),
      note: v.note,
      createdAt: at,
    })
    .run()
  return version
}

function clearDefault(tx: Tx, t: Pick<TemplateRow, 'scope' | 'strategyId' | 'purpose'>): void {
  tx.update(promptTemplates)
    .set({ isDefault: false })
    .where(
      and(
        eq(promptTemplates.scope, t.scope),
        t.strategyId === null ? isNull(promptTemplates.strategyId) : eq(promptTemplates.strategyId, t.strategyId),
        eq(promptTemplates.purpose, t.purpose),
      ),
    )
    .run()
}

/** A new template with its version 1, in one transaction. */
export function insertTemplate(
  db: Db,
  t: {
    id: string
    name: string
    purpose: PromptPurpose
    scope: PromptScope
    strategyId: string | null
    isDefault: boolean
    at: number
    version: NewVersion
    actor?: string
  },
): void {
  db.transaction((tx) => {
    if (t.isDefault) clearDefault(tx, t)
    tx.insert(promptTemplates)
      .values({
        id: t.id,
        name: t.name,
        purpose: t.purpose,
        scope: t.scope,
        strategyId: t.strategyId,
        isDefault: t.isDefault,
        createdAt: t.at,
        archivedAt: null,
      })
      .run()
    writeVersion(tx, t.id, t.version, t.at)
    tx.insert(auditLog)
      .values({
        at: t.at,
        actor: t.actor ?? 'user',
        action: 'prompts.create',
        details: { templateId: t.id, name: t.name, versionId: t.version.id },
      })
      .run()
  })
}

/** Append version n+1; returns n+1. `action` names the audit entry (a save or a restore). */
export function appendVersion(
  db: Db,
  templateId: string,
  v: NewVersion,
  at: number,
  action: 'prompts.save' | 'prompts.restore' = 'prompts.save',
): number {
  return db.transaction((tx) => {
    const version = writeVersion(tx, templateId, v, at)
    tx.insert(auditLog)
      .values({ at, actor: 'user', action, details: { templateId, versionId: v.id, version } })
      .run()
    return version
  })
}

export function setDefaultTemplate(db: Db, id: string, at: number): void {
  db.transaction((tx) => {
    const t = tx.select().from(promptTemplates).where(eq(promptTemplates.id, id)).get()
    if (!t) throw new Error(`No prompt template ${id}`)
    clearDefault(tx, t)
    tx.update(promptTemplates).set({ isDefault: true }).where(eq(promptTemplates.id, id)).run()
    tx.insert(auditLog)
      .values({ at, actor: 'user', action: 'prompts.setDefault', details: { templateId: id } })
      .run()
  })
}

/** Archive a template: its versions stay (runs refer to them) but it is no longer offered or used. */
export function archiveTemplate(db: Db, id: string, at: number): void {
  db.transaction((tx) => {
    tx.update(promptTemplates)
      .set({ archivedAt: at, isDefault: false })
      .where(and(eq(promptTemplates.id, id), isNull(promptTemplates.archivedAt)))
      .run()
    tx.insert(auditLog)
      .values({ at, actor: 'user', action: 'prompts.archive', details: { templateId: id } })
      .run()
  })
}

export function getTemplate(db: Db, id: string): TemplateRow | null {
  return db.select().from(promptTemplates).where(eq(promptTemplates.id, id)).get() ?? null
}

export function getVersion(db: Db, id: string): VersionRow | null {
  const r = db.select().from(promptVersions).where(eq(promptVersions.id, id)).get()
  return r ? versionRow(r) : null
}

export function latestVersion(db: Db, templateId: string): VersionRow | null {
  const r = db
    .select()
    .from(promptVersions)
    .where(eq(promptVersions.templateId, templateId))
    .orderBy(desc(promptVersions.version))
    .limit(1)
    .get()
  return r ? versionRow(r) : null
}

/** All versions of a template, newest first. */
export function listVersions(db: Db, templateId: string): VersionRow[] {
  return db
    .select()
    .from(promptVersions)
    .where(eq(promptVersions.templateId, templateId))
    .orderBy(desc(promptVersions.version))
    .all()
    .map(versionRow)
}

/** Templates with their latest version: global ones first, then by purpose and name. */
export function listTemplates(db: Db, opts: { includeArchived?: boolean } = {}): TemplateWithLatest[] {
  const rows = db
    .select()
    .from(promptTemplates)
    .where(opts.includeArchived ? undefined : isNull(promptTemplates.archivedAt))
    .orderBy(
      asc(promptTemplates.scope),
      asc(promptTemplates.strategyId),
      asc(promptTemplates.purpose),
      asc(promptTemplates.name),
      asc(promptTemplates.createdAt),
    )
    .all()
  return rows.map((t) => ({ ...t, latest: latestVersion(db, t.id)! }))
}

/** The default, not archived, template of a scope and purpose. */
export function findDefaultTemplate(
  db: Db,
  q: { scope: PromptScope; strategyId: string | null; purpose: PromptPurpose },
): TemplateRow | null {
  return (
    db
      .select()
      .from(promptTemplates)
      .where(
        and(
          eq(promptTemplates.scope, q.scope),
          q.strategyId === null ? isNull(promptTemplates.strategyId) : eq(promptTemplates.strategyId, q.strategyId),
          eq(promptTemplates.purpose, q.purpose),
          eq(promptTemplates.isDefault, true),
          isNull(promptTemplates.archivedAt),
        ),
      )
      .get() ?? null
  )
}

/** Is there any global template of this purpose (archived or not)? The seed runs only when not. */
export function hasGlobalTemplate(db: Db, purpose: PromptPurpose): boolean {
  return (
    db
      .select({ id: promptTemplates.id })
      .from(promptTemplates)
      .where(and(eq(promptTemplates.scope, 'global'), eq(promptTemplates.purpose, purpose)))
      .limit(1)
      .get() !== undefined
  )
}
