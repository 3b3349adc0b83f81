import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from './db'
import {
  appendVersion,
  archiveTemplate,
  findDefaultTemplate,
  getVersion,
  hasGlobalTemplate,
  insertTemplate,
  latestVersion,
  listTemplates,
  listVersions,
  promptSha256,
  setDefaultTemplate,
} from './prompts-repo'
import { auditLog } from './schema'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-prompts-'))
  const s = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(s)
  return s
}

const v = (id: string, body: string, note = '') => ({ id, system: 'You are terse.', body, variables: ['symbol'], note })
const global = (id: string, purpose: 'combined' | 'daily' = 'combined', isDefault = false) => ({
  id,
  name: `T ${id}`,
  purpose,
  scope: 'global' as const,
  strategyId: null,
  isDefault,
  at: 100,
})

describe('prompt templates store (real SQLite file)', () => {
  it('creates a template with version 1 and appends immutable versions n+1', async () => {
    const { db, sqlite } = await store()
    insertTemplate(db, { ...global('t1'), version: v('v1', 'One {{ symbol }}', 'first') })
    const first = getVersion(db, 'v1')!
    expect(first).toMatchObject({
      templateId: 't1',
      version: 1,
      body: 'One {{ symbol }}',
      note: 'first',
      variables: ['symbol'],
      createdAt: 100,
    })
    expect(first.sha256).toBe(promptSha256('You are terse.', 'One {{ symbol }}'))
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/)

    expect(appendVersion(db, 't1', v('v2', 'Two {{ symbol }}'), 200)).toBe(2)
    expect(appendVersion(db, 't1', v('v3', 'Three {{ symbol }}'), 300)).toBe(3)
    expect(getVersion(db, 'v1')).toEqual(first)
    expect(listVersions(db, 't1').map((r) => [r.id, r.version, r.body])).toEqual([
      ['v3', 3, 'Three {{ symbol }}'],
      ['v2', 2, 'Two {{ symbol }}'],
      ['v1', 1, 'One {{ symbol }}'],
    ])
    expect(latestVersion(db, 't1')!.id).toBe('v3')
    // The same version number twice is refused by the database itself.
    expect(() =>
      sqlite
        .prepare(
          `INSERT INTO prompt_versions (id, template_id, version, system, body, variables, sha256, ` +
            `note, created_at) VALUES ('x', 't1', 2, '', '', '[]', '', '', 1)`,
        )
        .run(),
    ).toThrow(/UNIQUE/)
    expect(
      db
        .select()
        .from(auditLog)
        .all()
        .map((a) => a.action),
    ).toEqual(['prompts.create', 'prompts.save', 'prompts.save'])
  })

  it('hashes system and body apart, so moving text between them changes the hash', () => {
    expect(promptSha256('ab', 'c')).not.toBe(promptSha256('a', 'bc'))
    expect(promptSha256('a', 'b')).toBe(promptSha256('a', 'b'))
  })

  it('keeps one default per scope and purpose', async () => {
    const { db } = await store()
    insertTemplate(db, { ...global('a', 'combined', true), version: v('va', 'A') })
    insertTemplate(db, { ...global('b', 'combined', false), version: v('vb', 'B') })
    insertTemplate(db, { ...global('d', 'daily', true), version: v('vd', 'D') })
    expect(findDefaultTemplate(db, { scope: 'global', strategyId: null, purpose: 'combined' })!.id).toBe('a')
    setDefaultTemplate(db, 'b', 300)
    expect(findDefaultTemplate(db, { scope: 'global', strategyId: null, purpose: 'combined' })!.id).toBe('b')
    expect(
      listTemplates(db)
        .filter((t) => t.isDefault)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['b', 'd'])
    // A new default template takes the marker from the old one at insert time.
    insertTemplate(db, { ...global('c', 'combined', true), version: v('vc', 'C') })
    expect(
      listTemplates(db)
        .filter((t) => t.isDefault)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['c', 'd'])
    expect(() => setDefaultTemplate(db, 'nope', 1)).toThrow(/No prompt template nope/)
  })

  it('scopes strategy defaults to their strategy', async () => {
    const { db, sqlite } = await store()
    sqlite
      .prepare(
        `INSERT INTO strategies (id, key, name, mode, approval, active, config, revision, ` +
          `created_at, updated_at) VALUES ('s1', 'k1', 'S', 'dry-run', 'ask', 0, '{}', 1, 1, 1)`,
      )
      .run()
    insertTemplate(db, { ...global('g', 'combined', true), version: v('vg', 'G') })
    insertTemplate(db, {
      id: 's',
      name: 'S',
      purpose: 'combined',
      scope: 'strategy',
      strategyId: 's1',
      isDefault: true,
      at: 1,
      version: v('vs', 'S'),
    })
    expect(findDefaultTemplate(db, { scope: 'strategy', strategyId: 's1', purpose: 'combined' })!.id).toBe('s')
    expect(findDefaultTemplate(db, { scope: 'global', strategyId: null, purpose: 'combined' })!.id).toBe('g')
    expect(findDefaultTemplate(db, { scope: 'strategy', strategyId: 's2', purpose: 'combined' })).toBeNull()
    // A template cannot point at a strategy that does not exist.
    expect(() =>
      insertTemplate(db, {
        id: 'x',
        name: 'X',
        purpose: 'combined',
        scope: 'strategy',
        strategyId: 'ghost',
        isDefault: false,
        at: 1,
        version: v('vx', 'X'),
      }),
    ).toThrow(/FOREIGN KEY/)
    expect(listTemplates(db).map((t) => t.id)).toEqual(['g', 's'])
  })

  it('archives a template: hidden from the list unless asked, versions kept, no longer a default', async () => {
    const { db } = await store()
    insertTemplate(db, { ...global('a', 'daily', true), version: v('va', 'A') })
    appendVersion(db, 'a', v('va2', 'A2'), 150)
    archiveTemplate(db, 'a', 500)
    expect(listTemplates(db)).toEqual([])
    const [archived] = listTemplates(db, { includeArchived: true })
    expect(archived).toMatchObject({ id: 'a', archivedAt: 500, isDefault: false, latest: { id: 'va2', version: 2 } })
    expect(getVersion(db, 'va')).not.toBeNull()
    expect(findDefaultTemplate(db, { scope: 'global', strategyId: null, purpose: 'daily' })).toBeNull()
    expect(hasGlobalTemplate(db, 'daily')).toBe(true)
    expect(hasGlobalTemplate(db, 'weekly')).toBe(false)
  })

  it('lists templates with their latest version', async () => {
    const { db } = await store()
    insertTemplate(db, { ...global('a', 'daily'), version: v('a1', 'A') })
    insertTemplate(db, { ...global('b', 'combined'), version: v('b1', 'B') })
    appendVersion(db, 'b', v('b2', 'B2', 'tighter'), 400)
    expect(listTemplates(db).map((t) => [t.id, t.purpose, t.latest.version, t.latest.note])).toEqual([
      ['b', 'combined', 2, 'tighter'],
      ['a', 'daily', 1, ''],
    ])
  })
})
