import { randomInt } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { version } from '../package.json'
import type { Health, SettingSource } from './contract/models'
import { createGatewayHub } from './engine/gateway-hub'
import { createMarketService, type MarketService } from './engine/market'
import type { SecretStore } from './engine/secrets'
import { armDemoFirstRun } from './engine/demo-first-run'
import { seedDemoStrategies } from './engine/demo-seed'
import { createStrategyService } from './engine/strategies'
import { createPromptService } from './engine/prompts'
import { createPromptTestLlm } from './engine/prompts-llm'
import { seedDefaultPrompts } from './engine/prompts-seed'
import { createSettingsService, type Overrides, type SettingsService } from './engine/settings'
import type { GatewayConnection } from './engine/gateway-status'
import { createExecutor, type Executor, type ResolvedPrompt, type RunEnvironment } from './engine/executor'
import { DEFAULT_RISK_CAPS } from './domain/runs/risk'
import type { ChartCapture } from './charts/capture'
import type { Capability } from './llm/openai-provider'
import { createScheduler, nodeScheduleTimer, type WallClockTimer } from './engine/scheduler'
import { createReplayer } from './engine/replay'
import { getVersion } from './store/prompts-repo'
import { createArtifactReader, type ArtifactReader } from './engine/artifact-reader'
import { createTrading, type Trading } from './engine/trading'
import { createPortfolioService } from './engine/portfolio'
import { getInstrument } from './store/instruments-repo'
import { createHandlers } from './handlers'
import { createBundleServices } from './engine/bundle-handlers'
import { realTimers, type Timers } from './timers'
import { createDispatcher } from './rpc/dispatcher'
import { createEventBus, type EventBus } from './rpc/event-bus'
import { createRpcServer, type RpcServer } from './rpc/server'
import { openStore, startCheckpointer, type Store } from './store/db'
import { abortInterruptedRuns } from './store/lineage-repo'
import { getOrInitSetting, readSettings, writeSettings } from './store/settings-repo'

export const APP_VERSION = version

export interface AppConfig {
  host: Health['host']
  dataDir: { value: string; source: SettingSource }
  migrationsDir: string
  overrides: Overrides
  envApiKey: string | null
  secrets: SecretStore | null
  now?: () => number
  timers?: Timers
  /** Wall-clock timer for schedules (node-schedule by default; tests drive their own). */
  at?: WallClockTimer
  /** Check every RPC result and event against its schema (tests, development). */
  strictContracts?: boolean
  onInternalError?: (where: string, err: unknown) => void
  /** Tuning for benchmarks and tests: simulator tick interval and quote conflation (defaults 1000 / 100 ms), a fixed simulator seed (else one random seed per data folder, kept in settings), `demoFirstRun: false` to skip the demo's first run on a fresh data folder. */
  tuning?: { simTickMs?: number; conflateMs?: number; simSeed?: number; demoFirstRun?: boolean }
  /** Host capability: the warm chart-capture page (Electron offscreen window, or Chromium under the web host). */
  chartCapture?: () => Promise<ChartCapture>
  /** Host capability: the gateway's login page in a window (Electron). */
  openGatewayLogin?: (url: string, fingerprint: string | null) => Promise<boolean>
}

export interface App {
  dataDir: string
  rpc: RpcServer
  bus: EventBus
  store: Store
  settings: SettingsService
  market: MarketService
  executor: Executor
  trading: Trading
  /** Stored artifacts for the hosts' /artifacts routes: live, or from a review library. */
  artifact: ArtifactReader
  gateway(): GatewayConnection
  health(): Health
  /** Stop in reverse start order: calls drained, market and gateway stopped, database closed. */
  stop(): Promise<void>
}

/** Composition root: configuration in, services built and started in dependency order. */
export async function createApp(cfg: AppConfig): Promise<App> {
  const now = cfg.now ?? Date.now
  const timers = cfg.timers ?? realTimers
  const startedAt = now()
  const dataDir = cfg.dataDir.value
  mkdirSync(dataDir, { recursive: true })

  const store = await openStore({
    file: join(dataDir, 'workstation.sqlite'),
    migrationsDir: cfg.migrationsDir,
    backupDir: join(dataDir, 'backups'),
    now,
  })
  const stopCheckpointer = startCheckpointer(store, timers.every)
  const aborted = abortInterruptedRuns(store.db, now())
  if (aborted.length > 0)
    cfg.onInternalError?.(
      'startup',
      new Error(`Marked ${aborted.length} interrupted run(s) aborted: ${aborted.join(', ')}`),
    )
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
  const prompts = createPromptService({
    db: store.db,
    bus,
    now,
    llm: createPromptTestLlm({ endpoint: () => settings.effective(), apiKey: () => settings.apiKey(), now }),
  })
  await seedDefaultPrompts(store.db, now())

  let market: MarketService | null = null
  let trading: Trading | null = null
  const hub = await createGatewayHub(settings.effective().gateway, {
    bus,
    now,
    timers,
    simSeed: getOrInitSetting(store.db, 'sim.seed', () => cfg.tuning?.simSeed ?? randomInt(1, 2 ** 31 - 1), now()),
    simTickMs: cfg.tuning?.simTickMs,
    preferredAccount: () => settings.effective().account,
    certificates: {
      get: (origin) =>
        (readSettings(store.db).get('gateway.certificates') as Record<string, string> | undefined)?.[origin] ?? null,
      set: (origin, pem) => {
        const all = {
          ...((readSettings(store.db).get('gateway.certificates') as Record<string, string> | undefined) ?? {}),
          [origin]: pem,
        }
        writeSettings(
          store.db,
          new Map([['gateway.certificates', all]]),
          { actor: 'user', action: 'gateway.trustCertificate', details: { origin } },
          now(),
        )
      },
    },
    onConnection: (c) => {
      const source = c.market()
      if (market && source) market.attach(source)
      trading?.onConnection()
    },
  })
  market = createMarketService({
    db: store.db,
    bus,
    now,
    timers,
    source: () => hub.connection().market(),
    conflateMs: cfg.tuning?.conflateMs,
  })
  const portfolio = createPortfolioService({
    db: store.db,
    bus,
    now,
    timers,
    broker: () => hub.broker(),
    account: () => hub.connection().current().account,
    quotes: (conids) => market?.quotes(conids) ?? [],
    watch: (conids) => void market?.watch(conids),
    onError: cfg.onInternalError,
  })
  settings.onChange((keys) => {
    if (keys.includes('gateway'))
      void hub
        .retarget(settings.effective().gateway)
        .catch((e: unknown) => cfg.onInternalError?.('gateway.retarget', e))
  })

  function health(): Health {
    let db: Health['db'] = 'ok'
    try {
      store.sqlite.prepare('SELECT 1').get()
    } catch {
      db = 'error'
    }
    const g = hub.connection().current()
    return { ok: db === 'ok', version, gateway: { url: g.url, state: g.state }, db, host: cfg.host, startedAt, dataDir }
  }

  const strategies = createStrategyService({ db: store.db, bus, now, promptVersionActive: prompts.isVersionActive })
  let capture: Promise<ChartCapture> | null = null
  const startCapture = () => {
    if (!cfg.chartCapture) return Promise.reject(new Error('This host cannot draw chart images (no capture page).'))
    capture ??= cfg.chartCapture().catch((e: unknown) => {
      capture = null
      throw e
    })
    return capture
  }
  const capabilities = () =>
    (readSettings(store.db).get('llm.capabilities') as Record<string, Capability> | undefined) ?? {}
  const capabilityCache = {
    get: (key: string) => capabilities()[key] ?? null,
    set: (key: string, c: Capability) =>
      writeSettings(
        store.db,
        new Map([['llm.capabilities', { ...capabilities(), [key]: c }]]),
        { actor: 'system', action: 'llm.capability', details: { key, ...c } },
        now(),
      ),
  }
  const analystConfig = async () => ({
    apiKey: await settings.apiKey(),
    baseUrl: settings.effective().llmBaseUrl,
    model: settings.effective().llmModel,
  })
  const tradingCore = createTrading({
    db: store.db,
    lineageDb: store.lineageDb,
    bus,
    now,
    timers,
    broker: () => hub.broker(),
    gateway: () => hub.connection(),
    portfolio,
    caps: () => DEFAULT_RISK_CAPS,
    symbolOf: (conid) => getInstrument(store.db, conid)?.instrument.symbol ?? null,
  })
  trading = tradingCore
  const runEnvironment: RunEnvironment = {
    db: store.db,
    lineageDb: store.lineageDb,
    bus,
    now,
    perfNow: () => performance.now(),
    dataDir,
    appVersion: version,
    capture: startCapture,
    analystConfig,
    capabilities: capabilityCache,
  }
  const executor = createExecutor({
    ...runEnvironment,
    strategies,
    gateway: () => hub.connection(),
    broker: () => hub.broker(),
    market,
    prompt: (strategy): ResolvedPrompt => {
      const v = prompts.resolveForStrategy(strategy.id, strategy.config.promptVersionId)
      const template = prompts.list({ includeArchived: true }).find((t) => t.id === v.templateId)
      return { versionId: v.id, name: template?.name ?? 'Prompt', version: v.version, system: v.system, body: v.body }
    },
    caps: () => DEFAULT_RISK_CAPS,
    orders: () => tradingCore.orders,
    approvals: () => tradingCore.approvals,
  })
  let cancelDemoRun = () => {}
  if (settings.effective().gateway === 'sim') {
    const seeded = await seedDemoStrategies(strategies, market).catch((e: unknown) => {
      cfg.onInternalError?.('demo seed', e)
      return 0
    })
    // First start of a fresh data folder: the paper demo runs once as soon as orders may be sent.
    if (seeded > 0 && cfg.tuning?.demoFirstRun !== false)
      cancelDemoRun = armDemoFirstRun({
        strategies,
        market,
        timers,
        now,
        ready: () => tradingCore.reconciler.reconciled(),
        start: (id) => void executor.start(id, { trigger: 'manual' }),
        lastPrice: async (conid) => (await hub.broker().snapshot([conid], ['31']))[0]?.values['31'] ?? null,
        onError: (e) => cfg.onInternalError?.('demo first run', e),
      })
  }
  const scheduler = createScheduler({
    db: store.db,
    bus,
    now,
    timers,
    at: cfg.at ?? nodeScheduleTimer,
    strategies: () => strategies.list(),
    gateway: () => hub.connection(),
    startRun: (strategyId, scheduledFor) => executor.start(strategyId, { trigger: 'schedule', scheduledFor }),
    onInternalError: cfg.onInternalError,
  })
  scheduler.sync()
  // An edit takes effect at once (and within the 30 s heartbeat at the latest).
  bus.listen((event, data) => {
    if (event === 'db.changed' && (data as { tables: string[] }).tables.includes('strategies')) scheduler.sync()
  })
  const bundles = createBundleServices({
    store,
    dataDir,
    now,
    timers,
    appVersion: version,
    bus,
    onError: (e) => cfg.onInternalError?.('retention', e),
  })
  const replayer = createReplayer({
    ...runEnvironment,
    promptVersion: (id) => getVersion(store.db, id),
  })
  const handlers = createHandlers({
    db: store.db,
    strategies,
    prompts,
    executor,
    replayer,
    trading: tradingCore,
    portfolio,
    scheduler,
    now,
    health,
    settings,
    hub,
    market,
    bundles: bundles.deps,
    openGatewayLogin: cfg.openGatewayLogin,
  })
  const rpc = createRpcServer(
    createDispatcher(handlers, { validateOutputs: cfg.strictContracts ?? false, onInternalError: cfg.onInternalError }),
    bus,
  )

  let stopped: Promise<void> | null = null
  const marketService = market
  return {
    dataDir,
    rpc,
    bus,
    store,
    settings,
    market: marketService,
    executor,
    trading: tradingCore,
    artifact: createArtifactReader(store.db, dataDir),
    gateway: () => hub.connection(),
    health,
    stop() {
      stopped ??= (async () => {
        cancelDemoRun()
        scheduler.stop()
        await rpc.close()
        await executor.drain()
        tradingCore.stop()
        portfolio.stop()
        await bundles.stop()
        await capture?.then((c) => c.close()).catch(() => undefined)
        marketService.stop()
        await hub.stop()
        stopCheckpointer()
        store.close()
      })()
      return stopped
    },
  }
}
