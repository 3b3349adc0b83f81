import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { version } from '../package.json'
import type { Health, SettingSource } from './contract/models'
import { createDisconnectedGateway, type GatewayStatusSource } from './engine/gateway-status'
import type { SecretStore } from './engine/secrets'
import { createSettingsService, type Overrides, type SettingsService } from './engine/settings'
import { createHandlers } from './handlers'
import { createDispatcher } from './rpc/dispatcher'
import { createEventBus, type EventBus } from './rpc/event-bus'
import { createRpcServer, type RpcServer } from './rpc/server'
import { openStore, type Store } from './store/db'

export const APP_VERSION = version

export interface AppConfig {
  host: Health['host']
  dataDir: { value: string; source: SettingSource }
  migrationsDir: string
  overrides: Overrides
  envApiKey: string | null
  secrets: SecretStore | null
  now?: () => number
  /** Check every RPC result and event against its schema (tests, development). */
  strictContracts?: boolean
  onInternalError?: (where: string, err: unknown) => void
}

export interface App {
  rpc: RpcServer
  bus: EventBus
  store: Store
  settings: SettingsService
  gateway: GatewayStatusSource
  health(): Health
  /** Stop in reverse start order: calls drained, gateway stopped, database closed. */
  stop(): Promise<void>
}

/** Composition root: configuration in, services built and started in dependency order. */
export async function createApp(cfg: AppConfig): Promise<App> {
  const now = cfg.now ?? Date.now
  const startedAt = now()
  const dataDir = cfg.dataDir.value
  mkdirSync(dataDir, { recursive: true })

  const store = await openStore({
    file: join(dataDir, 'workstation.sqlite'),
    migrationsDir: cfg.migrationsDir,
    backupDir: join(dataDir, 'backups'),
    now,
  })
  const bus = createEventBus({ validate: cfg.strictContracts ?? false })
  const settings = createSettingsService({
    db: store.db,
    bus,
    now,
    overrides: cfg.overrides,
    dataDir: cfg.dataDir,
    envApiKey: cfg.envApiKey,
    secrets: cfg.secrets,
  })
  const initial = settings.effective()
  const gateway = createDisconnectedGateway({ bus, now, url: initial.gateway, account: initial.account })
  settings.onChange((keys) => {
    if (keys.includes('gateway') || keys.includes('account')) {
      const eff = settings.effective()
      gateway.retarget(eff.gateway, eff.account)
    }
  })

  function health(): Health {
    let db: Health['db'] = 'ok'
    try {
      store.sqlite.prepare('SELECT 1').get()
    } catch {
      db = 'error'
    }
    const g = gateway.current()
    return {
      ok: db === 'ok',
      version,
      gateway: { url: g.url, state: g.state },
      db,
      host: cfg.host,
      startedAt,
      dataDir,
    }
  }

  const dispatcher = createDispatcher(createHandlers({ health, settings, gateway }), {
    validateOutputs: cfg.strictContracts ?? false,
    onInternalError: cfg.onInternalError,
  })
  const rpc = createRpcServer(dispatcher, bus)

  let stopped: Promise<void> | null = null
  return {
    rpc,
    bus,
    store,
    settings,
    gateway,
    health,
    stop() {
      stopped ??= (async () => {
        await rpc.close()
        gateway.stop()
        store.close()
      })()
      return stopped
    },
  }
}
