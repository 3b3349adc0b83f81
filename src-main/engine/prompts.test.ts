import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_COMBINED, DEFAULT_SYSTEM } from '../domain/prompts/defaults'
import { sampleContext } from '../domain/prompts/fixtures'
import { RpcError } from '../rpc/errors'
import { createEventBus } from '../rpc/event-bus'
import { openStore, type Store } from '../store/db'
import { listTemplates, listVersions } from '../store/prompts-repo'
import { auditLog } from '../store/schema'
import { createPromptService, type PromptLlm } from './prompts'
import { seedDefaultPrompts } from './prompts-seed'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function setup(llm: PromptLlm | null = null) {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-prompt-svc-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(store)
  let t = 1_000
  const bus = createEventBus({ validate: true })
  const events: string[][] = []
  bus.listen((ev, data) => {
    if (ev === 'db.changed') events.push((data as { tables: string[] }).tables)
  })
  await seedDefaultPrompts(store.db, 500)
  const svc = createPromptService({ db: store.db, bus, now: () => (t += 10), llm })
  const combined = svc.list().find((x) => x.purpose === 'combined')!
  return { store, svc, events, combined, db: store.db }
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<RpcError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    if (e instanceof RpcError) return e
    throw e
  }
  throw new Error('expected a rejection')
}

describe('prompt service (F5)', () => {
  it('seeds the four shipped templates once, the combined one the global default', async () => {
    const { svc, db } = await setup()
    expect(svc.list().map((t) => [t.purpose, t.scope, t.latest.version, t.latest.note])).toEqual([
      ['combined', 'global', 1, 'shipped default'],
      ['consolidation', 'global', 1, 'shipped default'],
      ['daily', 'global', 1, 'shipped default'],
      ['weekly', 'global', 1, 'shipped default'],
    ])
    expect(await seedDefaultPrompts(db, 900)).toBe(0)
    expect(svc.list()).toHaveLength(4)
    const v = svc.resolveForStrategy('any', null)
    expect(v.body).toBe(DEFAULT_COMBINED)
    expect(v.system).toBe(DEFAULT_SYSTEM)
    expect(v.variables).toEqual(expect.arrayContaining(['symbol', 'risk.allow_short', 'confirmation.bull_count']))
    expect(
      db
        .select()
        .from(auditLog)
        .all()
        .map((a) => [a.actor, a.action]),
    ).toEqual(Array(4).fill(['system', 'prompts.create']))
  })

  it('saves a new version, leaving the old one untouched, and announces the tables', async () => {
    const { svc, events, combined } = await setup()
    const before = svc.history(combined.id)
    const { template, version } = await svc.save({
      templateId: combined.id,
      system: DEFAULT_SYSTEM,
      body: `${DEFAULT_COMBINED}\nKeep it short.`,
      note: 'shorter',
      expectedVersion: 1,
    })
    expect(version).toMatchObject({ templateId: combined.id, version: 2, note: 'shorter' })
    expect(template.latest).toMatchObject({ id: version.id, version: 2 })
    expect(template.isDefault).toBe(true)
    const after = svc.history(combined.id)
    expect(after.map((v) => v.version)).toEqual([2, 1])
    expect(after[1]).toEqual(before[0])
    expect(events).toEqual([['prompt_templates', 'prompt_versions', 'audit_log']])
    // The default now resolves to the newest version.
    expect(svc.resolveForStrategy('s', null).id).toBe(version.id)
  })

  it('rejects an unknown variable by name, line and column, and changes nothing', async () => {
    const { svc, events, combined, db } = await setup()
    const err = await rejection(
      svc.save({
        templateId: combined.id,
        system: DEFAULT_SYSTEM,
        body: 'Symbol {{ symbol }}\nRSI {{ d.rsi_14 }}',
        note: '',
      }),
    )
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe('Not saved: Unknown variable "d.rsi_14": did you mean "d.rsi"? at body line 2, column 8')
    expect(err.details).toEqual([
      {
        field: 'body',
        message: 'Unknown variable "d.rsi_14": did you mean "d.rsi"?',
        line: 2,
        column: 8,
        variable: 'd.rsi_14',
      },
    ])
    const sys = await rejection(
      svc.save({ templateId: combined.id, system: 'Use {{ api_key }}', body: '{{ symbol }}', note: '' }),
    )
    expect(sys.details).toEqual([
      {
        field: 'system',
        message: 'Unknown variable "api_key": pick one from the variable list (Ctrl+Space).',
        line: 1,
        column: 8,
        variable: 'api_key',
      },
    ])
    const create = await rejection(
      svc.save({
        create: { name: 'New', purpose: 'daily', scope: 'global', strategyId: null },
        system: '',
        body: '{% if symbol %}open',
        note: '',
      }),
    )
    expect(create.code).toBe('BAD_INPUT')
    expect(listVersions(db, combined.id)).toHaveLength(1)
    expect(listTemplates(db)).toHaveLength(4)
    expect(events).toEqual([])
  })

  it('refuses a render failure at save time with its place', async () => {
    const { svc, combined } = await setup()
    const err = await rejection(
      svc.save({ templateId: combined.id, system: '', body: 'x\n{{ symbol | shout }}', note: '' }),
    )
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toContain('shout')
  })

  it('refuses stale and empty saves with CONFLICT', async () => {
    const { svc, combined } = await setup()
    const same = await rejection(
      svc.save({ templateId: combined.id, system: DEFAULT_SYSTEM, body: DEFAULT_COMBINED, note: '' }),
    )
    expect(same).toMatchObject({ code: 'CONFLICT', message: 'Nothing to save: the text is the same as v1.' })
    await svc.save({ templateId: combined.id, system: '', body: '{{ symbol }} a', note: '' })
    const stale = await rejection(
      svc.save({ templateId: combined.id, system: '', body: '{{ symbol }} b', note: '', expectedVersion: 1 }),
    )
    expect(stale.code).toBe('CONFLICT')
    expect(stale.message).toContain('v2')
    expect((await rejection(svc.save({ templateId: 'nope', system: '', body: 'x', note: '' }))).code).toBe('NOT_FOUND')
  })

  it(
    'creates templates: the first of a scope and purpose becomes its default; strategy scope ' +
      'needs a real strategy',
    async () => {
      const { svc, store } = await setup()
      const { template } = await svc.save({
        create: { name: 'Terse daily', purpose: 'daily', scope: 'global', strategyId: null },
        system: '',
        body: 'Daily {{ symbol }}',
        note: 'v1',
      })
      expect(template).toMatchObject({ name: 'Terse daily', isDefault: false, latest: { version: 1, note: 'v1' } })
      expect(
        (
          await rejection(
            svc.save({
              create: { name: 'S', purpose: 'combined', scope: 'strategy', strategyId: 'ghost' },
              system: '',
              body: 'x',
              note: '',
            }),
          )
        ).code,
      ).toBe('NOT_FOUND')
      store.sqlite
        .prepare(
          `INSERT INTO strategies (id, key, name, mode, approval, active, config, revision, ` +
            `created_at, updated_at) VALUES ('s1', 'k1', 'S', 'dry-run', 'ask', 0, '{}', 1, 1, 1)`,
        )
        .run()
      const own = await svc.save({
        create: { name: 'For s1', purpose: 'combined', scope: 'strategy', strategyId: 's1' },
        system: '',
        body: 'Only {{ symbol }}',
        note: '',
      })
      expect(own.template).toMatchObject({ scope: 'strategy', strategyId: 's1', isDefault: true })
      // Resolution: explicit version, else the strategy's default, else the global combined default.
      expect(svc.resolveForStrategy('s1', null).id).toBe(own.version.id)
      expect(svc.resolveForStrategy('other', null).body).toBe(DEFAULT_COMBINED)
      const daily = svc.history(template.id)[0]!
      expect(svc.resolveForStrategy('s1', daily.id).id).toBe(daily.id)
      expect((await rejection(() => svc.resolveForStrategy('s1', 'missing'))).code).toBe('NOT_FOUND')
    },
  )

  it(
    'moves the default marker, refuses to archive the global ' + 'default, and archived versions are inactive',
    async () => {
      const { svc, combined } = await setup()
      const alt = await svc.save({
        create: { name: 'Alt', purpose: 'combined', scope: 'global', strategyId: null },
        system: DEFAULT_SYSTEM,
        body: 'Alt {{ symbol }}',
        note: '',
      })
      expect(svc.isVersionActive(alt.version.id)).toBe(true)
      const archiveDefault = await rejection(() => svc.archive(combined.id))
      expect(archiveDefault.code).toBe('CONFLICT')
      expect(archiveDefault.message).toContain('Make another combined template the default first')
      expect(svc.setDefault(alt.template.id).isDefault).toBe(true)
      expect(svc.list().find((t) => t.id === combined.id)!.isDefault).toBe(false)
      expect(svc.resolveForStrategy('x', null).id).toBe(alt.version.id)
      const archived = svc.archive(combined.id)
      expect(archived.archivedAt).not.toBeNull()
      expect(svc.isVersionActive(combined.latest.id)).toBe(false)
      expect(svc.isVersionActive('nope')).toBe(false)
      expect(svc.list().map((t) => t.id)).not.toContain(combined.id)
      expect(svc.list({ includeArchived: true }).map((t) => t.id)).toContain(combined.id)
      expect((await rejection(() => svc.setDefault(combined.id))).code).toBe('CONFLICT')
      expect((await rejection(svc.save({ templateId: combined.id, system: '', body: 'x', note: '' }))).code).toBe(
        'CONFLICT',
      )
    },
  )

  it('restores an old version as a new one with a note, and refuses a no-op restore', async () => {
    const { svc, combined } = await setup()
    await svc.save({ templateId: combined.id, system: 'Short.', body: '{{ symbol }} only', note: 'experiment' })
    const { version } = await svc.restore(combined.latest.id)
    expect(version).toMatchObject({
      version: 3,
      note: 'restored from v1',
      system: DEFAULT_SYSTEM,
      body: DEFAULT_COMBINED,
      sha256: combined.latest.sha256,
    })
    expect(svc.history(combined.id).map((v) => [v.version, v.note])).toEqual([
      [3, 'restored from v1'],
      [2, 'experiment'],
      [1, 'shipped default'],
    ])
    expect((await rejection(svc.restore(combined.latest.id))).code).toBe('CONFLICT')
    const second = (await svc.restore(svc.history(combined.id)[1]!.id, 'back to the experiment')).version
    expect(second.note).toBe('restored from v2: back to the experiment')
    expect((await rejection(svc.restore('nope'))).code).toBe('NOT_FOUND')
  })

  it('previews on the sample (or a given context) with problems instead of errors', async () => {
    const { svc } = await setup()
    const ok = await svc.preview({ system: DEFAULT_SYSTEM, body: DEFAULT_COMBINED })
    expect(ok.problems).toEqual([])
    expect(ok.body).toContain('AAPL (NASDAQ, USD), analysis as of 2026-11-20')
    expect(ok.chars).toBe(ok.system!.length + ok.body!.length)
    const bad = await svc.preview({ system: '', body: 'a\nb {{ price.lastclose }}' })
    expect(bad).toMatchObject({
      system: null,
      body: null,
      chars: 0,
      problems: [{ field: 'body', line: 2, column: 6, variable: 'price.lastclose' }],
    })
    expect(bad.problems[0]!.message).toContain('did you mean "price.last_close"?')
    const other = await svc.preview({
      system: '',
      body: '{{ symbol }}',
      context: { ...sampleContext(), symbol: 'MSFT' },
    })
    expect(other.body).toBe('MSFT')
    const consolidation = await svc.preview({ system: '', body: '{{ daily_analysis }}', purpose: 'consolidation' })
    expect(consolidation.body).toContain('Daily bias: bullish')
  })

  it('tests against the injected model with the rendered prompt, or says clearly that none is configured', async () => {
    const seen: { system: string; user: string }[] = []
    const { svc } = await setup(async (p) => {
      seen.push(p)
      return { text: '{"action":"HOLD"}', model: 'fake-model', latencyMs: 12 }
    })
    const r = await svc.test({ system: 'Be brief about {{ symbol }}.', body: 'Close {{ price.last_close }}' })
    expect(r).toEqual({
      text: '{"action":"HOLD"}',
      model: 'fake-model',
      latencyMs: 12,
      promptChars: 'Be brief about AAPL.'.length + 'Close 190.4'.length,
    })
    expect(seen).toEqual([{ system: 'Be brief about AAPL.', user: 'Close 190.4' }])
    const bad = await rejection(svc.test({ system: '', body: '{{ nope }}' }))
    expect(bad.message).toMatch(/^Not sent: Unknown variable "nope"/)

    const none = await setup(null)
    const err = await rejection(none.svc.test({ system: '', body: '{{ symbol }}' }))
    expect(err).toMatchObject({ code: 'UNAVAILABLE' })
    expect(err.message).toContain('No language model is configured')

    const failing = await setup(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:11434')))
    const down = await rejection(failing.svc.test({ system: '', body: '{{ symbol }}' }))
    expect(down.code).toBe('UNAVAILABLE')
    expect(down.message).toBe(
      'The model call failed: connect ECONNREFUSED 127.0.0.1:11434. Check the base URL, model ' +
        'and API key in Settings, then test again.',
    )
  })

  it('serves the variable contract for autocomplete', async () => {
    const { svc } = await setup()
    expect(svc.variables().find((v) => v.path === 'd.atr')).toEqual({
      path: 'd.atr',
      type: 'number | null',
      description: 'ATR 14',
      hasChildren: false,
    })
  })
})
