import type { SettingSource, SettingsPatch, SettingsView } from '../contract/models'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { readSettings, writeSettings } from '../store/settings-repo'
import { LLM_API_KEY, type SecretStore } from './secrets'

/** Settings kept in the database, with their defaults. */
export interface StoredSettings {
  gateway: string
  account: string | null
  llmBaseUrl: string | null
  llmModel: string
}
export type SettingKey = keyof StoredSettings

export const DEFAULT_SETTINGS: StoredSettings = {
  gateway: 'sim',
  account: null,
  llmBaseUrl: null,
  llmModel: 'gpt-4o-mini',
}

/** A value forced by a start-up flag or an environment variable; it wins over the stored one. */
export interface Override<T> {
  value: T
  source: 'flag' | 'env'
  /** The flag or variable name, shown to the user (`--gateway`, `IBKR_WS_GATEWAY`). */
  by: string
}
export type Overrides = { [K in SettingKey]?: Override<StoredSettings[K]> }

export interface SettingsServiceDeps {
  db: Db
  bus: EventBus
  now: () => number
  overrides: Overrides
  dataDir: { value: string; source: SettingSource }
  /** From the environment (`OPENAI_API_KEY`); wins over the keychain. */
  envApiKey: string | null
  secrets: SecretStore | null
}

export interface SettingsService {
  view(): Promise<SettingsView>
  /** The effective values the engine runs with. */
  effective(): StoredSettings
  update(patch: SettingsPatch): Promise<SettingsView>
  /**
   * The LLM API key for a request to `baseUrl` (null = OpenAI; omitted = the effective base URL):
   * the environment's, else the keychain's, and only when `baseUrl` has the origin the key was
   * entered for; otherwise null. Never sent to the renderer.
   */
  apiKey(baseUrl?: string | null): Promise<string | null>
  /** The origin the key belongs to (null: no key). */
  keyOrigin(): Promise<string | null>
  /** Called with the keys whose effective value changed. */
  onChange(cb: (keys: SettingKey[]) => void): () => void
}

const KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[]
/** Setting row: the origin the keychain's LLM key was entered for (secrets stay with their endpoint). */
export const LLM_KEY_ORIGIN = 'llm.keyOrigin'
export const OPENAI_ORIGIN = 'https://api.openai.com'

/** The origin a request to this base URL goes to (null = OpenAI's). */
export function llmOrigin(baseUrl: string | null): string {
  if (baseUrl === null) return OPENAI_ORIGIN
  try {
    return new URL(baseUrl).origin
  } catch {
    return 'invalid:'
  }
}

export function createSettingsService(deps: SettingsServiceDeps): SettingsService {
  const listeners = new Set<(keys: SettingKey[]) => void>()

  function stored(): Partial<StoredSettings> {
    const rows = readSettings(deps.db)
    const out: Partial<Record<SettingKey, unknown>> = {}
    for (const k of KEYS) if (rows.has(k)) out[k] = rows.get(k)
    return out as Partial<StoredSettings>
  }

  function resolve(s: Partial<StoredSettings>): StoredSettings {
    const out = { ...DEFAULT_SETTINGS }
    for (const k of KEYS) {
      const o = deps.overrides[k]
      if (o) (out as Record<SettingKey, unknown>)[k] = o.value
      else if (s[k] !== undefined) (out as Record<SettingKey, unknown>)[k] = s[k]
    }
    return out
  }

  async function view(): Promise<SettingsView> {
    const s = stored()
    const eff = resolve(s)
    const entry = <K extends SettingKey>(k: K) => {
      const o = deps.overrides[k]
      const source: SettingSource = o ? o.source : s[k] !== undefined ? 'stored' : 'default'
      return { value: eff[k], source, stored: s[k] ?? null, overriddenBy: o?.by ?? null }
    }
    const keychainKey = deps.secrets ? await deps.secrets.get(LLM_API_KEY) : null
    return {
      gateway: entry('gateway'),
      account: entry('account'),
      llmBaseUrl: entry('llmBaseUrl'),
      llmModel: entry('llmModel'),
      llmApiKey: {
        set: deps.envApiKey !== null || keychainKey !== null,
        source: deps.envApiKey !== null ? 'env' : keychainKey !== null ? 'keychain' : null,
        storage: deps.secrets ? deps.secrets.kind : null,
      },
      dataDir: deps.dataDir,
    }
  }

  /** The key and the origin it belongs to: the environment's is bound to the start-up base URL. */
  async function boundKey(): Promise<{ key: string; origin: string; from: 'env' | 'keychain' } | null> {
    if (deps.envApiKey !== null)
      return { key: deps.envApiKey, origin: llmOrigin(deps.overrides.llmBaseUrl?.value ?? null), from: 'env' }
    const key = deps.secrets ? await deps.secrets.get(LLM_API_KEY) : null
    if (key === null) return null
    const saved = readSettings(deps.db).get(LLM_KEY_ORIGIN)
    if (typeof saved === 'string') return { key, origin: saved, from: 'keychain' }
    // A key saved before keys were bound: bound now to the endpoint it has been used with.
    const origin = llmOrigin(resolve(stored()).llmBaseUrl)
    writeSettings(
      deps.db,
      new Map([[LLM_KEY_ORIGIN, origin]]),
      { actor: 'system', action: 'llm.keyBound', details: { origin } },
      deps.now(),
    )
    return { key, origin, from: 'keychain' }
  }

  return {
    view,
    effective: () => resolve(stored()),
    async apiKey(baseUrl) {
      const bound = await boundKey()
      const target = llmOrigin(baseUrl === undefined ? resolve(stored()).llmBaseUrl : baseUrl)
      return bound !== null && bound.origin === target ? bound.key : null
    },
    keyOrigin: async () => (await boundKey())?.origin ?? null,
    async update(patch) {
      const { llmApiKey, ...values } = patch
      if (llmApiKey !== undefined && !deps.secrets) {
        throw new RpcError(
          'FORBIDDEN',
          'This host never stores API keys. Set OPENAI_API_KEY in its environment and restart it.',
        )
      }
      const before = resolve(stored())
      const changes = new Map<string, unknown>(Object.entries(values))
      const nextOrigin = llmOrigin(resolve({ ...stored(), ...values } as Partial<StoredSettings>).llmBaseUrl)
      const bound = await boundKey()
      // Moving the endpoint to another origin needs the key again: the old one never follows it.
      if (bound !== null && llmApiKey === undefined && bound.origin !== nextOrigin) {
        const how =
          bound.from === 'env'
            ? 'Restart with OPENAI_BASE_URL set to the new endpoint and OPENAI_API_KEY set to its key.'
            : 'Enter the API key for the new endpoint together with its URL (or remove the saved key first).'
        throw new RpcError(
          'CONFLICT',
          `The API key was entered for ${bound.origin}; it is never sent to ${nextOrigin}. ${how} Nothing was changed.`,
        )
      }
      if (llmApiKey !== undefined) {
        if (llmApiKey === null) {
          await deps.secrets!.delete(LLM_API_KEY)
          changes.set(LLM_KEY_ORIGIN, null)
        } else {
          await deps.secrets!.set(LLM_API_KEY, llmApiKey)
          changes.set(LLM_KEY_ORIGIN, nextOrigin)
        }
      }
      const auditDetails: Record<string, unknown> = { ...values }
      if (llmApiKey !== undefined) auditDetails.llmApiKey = llmApiKey === null ? 'cleared' : 'set'
      writeSettings(deps.db, changes, { actor: 'user', action: 'settings.update', details: auditDetails }, deps.now())
      deps.bus.emit('db.changed', { tables: ['settings', 'audit_log'] })
      const after = resolve(stored())
      const changed = KEYS.filter((k) => before[k] !== after[k])
      if (changed.length > 0) for (const cb of listeners) cb(changed)
      return view()
    },
    onChange(cb) {
      listeners.add(cb)
      return () => listeners.delete(cb)
    },
  }
}
