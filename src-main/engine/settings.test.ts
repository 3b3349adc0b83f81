import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEventBus } from '../rpc/event-bus'
import { RpcError } from '../rpc/errors'
import { openStore, type Store } from '../store/db'
import type { SecretStore } from './secrets'
import { createSettingsService, type Overrides } from './settings'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function service(opts: { overrides?: Overrides; envApiKey?: string | null; secrets?: SecretStore | null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-settings-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(store)
  const bus = createEventBus({ validate: true })
  const events: unknown[] = []
  bus.listen((ev, d) => events.push([ev, d]))
  const s = createSettingsService({
    db: store.db,
    bus,
    now: () => 1000,
    overrides: opts.overrides ?? {},
    dataDir: { value: dir, source: 'flag' },
    envApiKey: opts.envApiKey ?? null,
    secrets: opts.secrets ?? null,
  })
  return { s, store, events }
}

function memorySecrets(): SecretStore & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    kind: 'keychain',
    data,
    get: async (n) => data.get(n) ?? null,
    set: async (n, v) => void data.set(n, v),
    delete: async (n) => void data.delete(n),
  }
}

describe('settings service', () => {
  it('starts from defaults: the simulator, no account, no key', async () => {
    const { s } = await service()
    const v = await s.view()
    expect(v.gateway).toEqual({ value: 'sim', source: 'default', stored: null, overriddenBy: null })
    expect(v.account.value).toBeNull()
    expect(v.llmApiKey).toEqual({ set: false, source: null, storage: null })
  })

  it('stores a change with an audit row and a db.changed event', async () => {
    const { s, store, events } = await service()
    const v = await s.update({ llmModel: 'llava:13b', account: 'DU42' })
    expect(v.llmModel).toMatchObject({ value: 'llava:13b', source: 'stored', stored: 'llava:13b' })
    expect(v.account.value).toBe('DU42')
    const audit = store.sqlite.prepare('SELECT actor, action, details FROM audit_log').all()
    expect(audit).toEqual([
      { actor: 'user', action: 'settings.update', details: JSON.stringify({ llmModel: 'llava:13b', account: 'DU42' }) },
    ])
    expect(events).toContainEqual(['db.changed', { tables: ['settings', 'audit_log'] }])
  })

  it('null clears a stored value back to the default', async () => {
    const { s } = await service()
    await s.update({ gateway: 'https://127.0.0.1:5000' })
    const v = await s.update({ gateway: null })
    expect(v.gateway).toMatchObject({ value: 'sim', source: 'default', stored: null })
  })

  it('lets flags and environment win over stored values, and says so', async () => {
    const { s } = await service({ overrides: { gateway: { value: 'sim', source: 'flag', by: '--gateway' } } })
    const v = await s.update({ gateway: 'https://127.0.0.1:5000' })
    expect(v.gateway).toEqual({
      value: 'sim',
      source: 'flag',
      stored: 'https://127.0.0.1:5000',
      overriddenBy: '--gateway',
    })
    expect(s.effective().gateway).toBe('sim')
  })

  it('notifies listeners only of keys whose effective value changed', async () => {
    const { s } = await service({ overrides: { gateway: { value: 'sim', source: 'env', by: 'IBKR_WS_GATEWAY' } } })
    const seen: string[][] = []
    s.onChange((keys) => seen.push(keys))
    await s.update({ gateway: 'https://127.0.0.1:5000' })
    await s.update({ account: 'DU1' })
    expect(seen).toEqual([['account']])
  })

  it('refuses to store a key on a host without a keychain, and writes nothing', async () => {
    const { s, store } = await service()
    const err = await s.update({ llmApiKey: 'sk-test', llmModel: 'x' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcError)
    expect((err as RpcError).code).toBe('FORBIDDEN')
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 })
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 })
  })

  it('keeps keys in the keychain, reports only whether one is set, and never audits the value', async () => {
    const secrets = memorySecrets()
    const { s, store } = await service({ secrets })
    const v = await s.update({ llmApiKey: 'sk-secret-value' })
    expect(v.llmApiKey).toEqual({ set: true, source: 'keychain', storage: 'keychain' })
    expect(JSON.stringify(v)).not.toContain('sk-secret-value')
    expect(JSON.stringify(store.sqlite.prepare('SELECT * FROM audit_log').all())).not.toContain('sk-secret-value')
    expect(JSON.stringify(store.sqlite.prepare('SELECT * FROM settings').all())).not.toContain('sk-secret-value')
    const cleared = await s.update({ llmApiKey: null })
    expect(cleared.llmApiKey.set).toBe(false)
  })

  it('prefers the environment key over the keychain', async () => {
    const secrets = memorySecrets()
    secrets.data.set('llm.apiKey', 'k')
    const { s } = await service({ secrets, envApiKey: 'env-key' })
    expect((await s.view()).llmApiKey).toEqual({ set: true, source: 'env', storage: 'keychain' })
  })
})
