import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { completion, startFakeOpenAI } from '../../tests/fixtures/fake-openai'
import { SettingsPatch } from '../contract/models'
import { createEventBus } from '../rpc/event-bus'
import { openStore, type Store } from '../store/db'
import { readSettings, writeSettings } from '../store/settings-repo'
import { createPromptTestLlm } from './prompts-llm'
import type { SecretStore } from './secrets'
import { createSettingsService, LLM_KEY_ORIGIN, type Overrides } from './settings'

// Issue #9, hole 3: secrets stay with their endpoint. The key is bound to the origin it was entered
// for; moving the base URL to another origin needs the key again, and the old key is never sent
// there, even if the stored URL were changed behind the service's back. Real openai SDK, two local
// fake OpenAI servers (different ports, so different origins).

const stores: Store[] = []
const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  stores.splice(0).forEach((s) => s.close())
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function fake() {
  const f = await startFakeOpenAI()
  servers.push(f)
  return f
}

function memorySecrets(): SecretStore {
  const data = new Map<string, string>()
  return {
    kind: 'keychain',
    get: async (n) => data.get(n) ?? null,
    set: async (n, v) => void data.set(n, v),
    delete: async (n) => void data.delete(n),
  }
}

async function setup(opts: { envApiKey?: string; overrides?: Overrides; secrets?: SecretStore | null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-keybind-'))
  const store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(store)
  const settings = createSettingsService({
    db: store.db,
    bus: createEventBus({ validate: true }),
    now: () => 1000,
    overrides: opts.overrides ?? {},
    dataDir: { value: dir, source: 'flag' },
    envApiKey: opts.envApiKey ?? null,
    secrets: opts.secrets === undefined ? memorySecrets() : opts.secrets,
  })
  const llm = createPromptTestLlm({
    endpoint: () => settings.effective(),
    apiKey: (baseUrl) => settings.apiKey(baseUrl),
  })
  const audits = () => store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number
  return { store, settings, llm, audits }
}

describe('the LLM key is bound to the origin it was entered for', () => {
  it(
    'never sends the key to a second origin: refused without the ' + 'key, and unsent even if the URL moved anyway',
    async () => {
      const a = await fake()
      const b = await fake()
      a.reply({ body: completion('from A') })
      b.reply({ body: completion('from B') }, { body: completion('from B again') })
      const { store, settings, llm, audits } = await setup()

      await settings.update({ llmBaseUrl: a.baseURL, llmApiKey: 'sk-secret-A' })
      expect(readSettings(store.db).get(LLM_KEY_ORIGIN)).toBe(new URL(a.baseURL).origin)
      expect((await llm({ system: 's', user: 'u' })).text).toBe('from A')
      expect(a.requests[0]!.authorization).toBe('Bearer sk-secret-A')

      // Moving the endpoint without the key: refused, nothing changed.
      const before = audits()
      const refused = await settings.update({ llmBaseUrl: b.baseURL }).catch((e: unknown) => e)
      expect(refused).toMatchObject({
        code: 'CONFLICT',
        message:
          `The API key was entered for ${new URL(a.baseURL).origin}; ` +
          `it is never sent to ${new URL(b.baseURL).origin}. Enter the ` +
          `API key for the new endpoint together with its URL (or ` +
          `remove the saved key first). Nothing was changed.`,
      })
      expect(settings.effective().llmBaseUrl).toBe(a.baseURL)
      expect(audits()).toBe(before)

      // Even if the stored URL were changed behind the service's back, the old key does not follow.
      writeSettings(store.db, new Map([['llmBaseUrl', b.baseURL]]), { actor: 'user', action: 'test', details: {} }, 1)
      expect((await llm({ system: 's', user: 'u' })).text).toBe('from B')
      expect(b.requests[0]!.authorization).toBe('Bearer unused-by-local-server')
      expect(await settings.apiKey(b.baseURL)).toBeNull()

      // With the key for the new endpoint, it is bound there and the old one is gone.
      await settings.update({ llmBaseUrl: b.baseURL, llmApiKey: 'sk-secret-B' })
      expect((await llm({ system: 's', user: 'u' })).text).toBe('from B again')
      expect(b.requests[1]!.authorization).toBe('Bearer sk-secret-B')
      expect(await settings.apiKey(a.baseURL)).toBeNull()
      expect(b.requests.map((r) => r.authorization)).not.toContain('Bearer sk-secret-A')
    },
  )

  it('binds OPENAI_API_KEY to OPENAI_BASE_URL (or api.openai.com) and refuses to move it', async () => {
    const a = await fake()
    const b = await fake()
    const pinned = await setup({
      envApiKey: 'sk-env',
      secrets: null,
      overrides: { llmBaseUrl: { value: a.baseURL, source: 'env', by: 'OPENAI_BASE_URL' } },
    })
    expect(await pinned.settings.apiKey(a.baseURL)).toBe('sk-env')
    expect(await pinned.settings.apiKey(b.baseURL)).toBeNull()
    expect(await pinned.settings.apiKey(null)).toBeNull()

    const openai = await setup({ envApiKey: 'sk-env', secrets: null })
    expect(await openai.settings.keyOrigin()).toBe('https://api.openai.com')
    expect(await openai.settings.apiKey(null)).toBe('sk-env')
    await expect(openai.settings.update({ llmBaseUrl: b.baseURL })).rejects.toThrow(
      new RegExp(
        String.raw`^The API key was entered for https:\/\/api\.openai\.com; ` +
          String.raw`it is never sent to http:\/\/127\.0\.0\.1:\d+\. Restart with OPENAI_BASE_URL`,
      ),
    )
    expect(openai.settings.effective().llmBaseUrl).toBeNull()
    expect(b.requests).toEqual([])
  })

  it('allows plain http only on loopback', () => {
    const ok = (u: string) => SettingsPatch.safeParse({ llmBaseUrl: u }).success
    expect(ok('http://127.0.0.1:11434/v1')).toBe(true)
    expect(ok('http://127.8.9.10/v1')).toBe(true)
    expect(ok('http://localhost:1234/v1')).toBe(true)
    expect(ok('http://[::1]:8000/v1')).toBe(true)
    expect(ok('https://llm.example.com/v1')).toBe(true)
    expect(ok('http://10.0.0.5:11434/v1')).toBe(false)
    expect(ok('http://llm.example.com/v1')).toBe(false)
    expect(ok('http://127.0.0.1.evil.example/v1')).toBe(false)
    const r = SettingsPatch.safeParse({ llmBaseUrl: 'http://192.168.1.2/v1' })
    expect(r.error?.issues[0]?.message).toBe(
      'Plain http is only for a server on this machine (127.0.0.1, ::1, localhost); use https for anything else',
    )
  })
})
