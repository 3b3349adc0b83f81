import { version } from '../package.json'
import type { Health, SettingSource } from './contract/models'
import type { EngineMode } from './contract/desktop-api'
import { createMarketService, type MarketService } from './engine/market'
import type { SecretStore } from './engine/secrets'
import { armDemoFirstRun } from './engine/demo-first-run'
import { seedDemoStrategies } from './engine/demo-seed'
import { createStrategyService } from './engine/strategies'
import type { Overrides, SettingsService } from './engine/settings'
import type { GatewayConnection } from './engine/gateway-status'
import type { Executor } from './engine/executor'
import { DEFAULT_RISK_CAPS } from './domain/runs/risk'
import type { ChartCapture } from './charts/capture'
import type { WallClockTimer } from './engine/scheduler'
import { createArtifactReader, type ArtifactReader } from './engine/artifact-reader'
import { createTrading, type Trading } from './engine/trading'
import { createPortfolioService } from './engine/portfolio'
import { getInstrument } from './store/instruments-repo'
import { createHandlers } from './handlers'
import type { EvaluationService } from './engine/evaluation/service'
import type { Analyst } from './engine/evaluation/asof-pipeline'
import { startGatewayHub } from './app/gateway'
import { buildEvaluationService } from './app/evaluation'
import { buildRunServices } from './app/runs'
import { openAppStore } from './app/store'
import { privateDir } from './store/private-files'
import { buildSettingsAndPrompts, healthOf, startScheduler } from './app/services'
import { createBundleServices } from './engine/bundle-handlers'
import { realTimers, type Timers } from './timers'
import { createDispatcher } from './rpc/dispatcher'
import { createEventBus, type EventBus } from './rpc/event-bus'
import { createRpcServer, type RpcServer } from './rpc/server'
import type { Store } from './store/db'

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
  /**
   * Tuning for benchmarks and tests: simulator tick interval and quote conflation (defaults 1000 / 100 ms), a fixed
   * simulator seed (else one random seed per data folder, kept in settings), `demoFirstRun: false` to skip the
   * demo's first run on a fresh data folder.
   */
  tuning?: { simTickMs?: number; conflateMs?: number; simSeed?: number; demoFirstRun?: boolean }
  /** Host capability: the warm chart-capture page (Electron offscreen window, or Chromium under the web host). */
  chartCapture?: () => Promise<ChartCapture>
  /** Host capability: the gateway's login page in a window (Electron). */
  openGatewayLogin?: (url: string, fingerprint: string | null) => Promise<boolean>
  // --- Review mode (desktop issue #12) ---
  /**
   * How the engine starts: 'trading' (the default) or 'review' after a first launch from a bundle —
   * read by startEngine (review-mode.ts), which starts the review shell and calls createApp on demand.
   */
  mode?: EngineMode
  /** Host capability: a native open dialog for a bundle file (Electron). */
  pickBundleFile?: () => Promise<string | null>
  /** The web host was started with --allow-live (the desktop app may always arm, after the typed confirmation). */
  allowLive?: boolean
  /** Test seam: the analyst the evaluation lab asks for fresh answers (planted look-ahead, call counts). */
  labAnalyst?: Analyst
}

export interface App {
  dataDir: string
  rpc: RpcServer
  bus: EventBus
  store: Store
  settings: SettingsService
  market: MarketService
  executor: Executor
  evaluations: EvaluationService
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
  privateDir(dataDir)

  const { store, stopCheckpointer, stopBackup } = await openAppStore(cfg, now, timers)
  const bus = createEventBus({ validate: cfg.strictContracts ?? false })
  const { settings, prompts } = await buildSettingsAndPrompts(cfg, { store, bus, now })

  let market: MarketService | null = null
  let trading: Trading | null = null
  const hub = await startGatewayHub(cfg, {
    store,
    bus,
    now,
    timers,
    settings,
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
  const strategies = createStrategyService({ db: store.db, bus, now, promptVersionActive: prompts.isVersionActive })
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

  const health = () => healthOf(cfg, { store, hub, startedAt, dataDir })

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
    mark: (conid) => market?.quotes([conid])[0]?.last ?? null,
    strategyRisk: (id) => {
      try {
        const s = strategies.get(id)
        return { allowShort: s.config.risk.allowShort, limits: s.config.risk.limits ?? null }
      } catch {
        return null
      }
    },
    allowLive: cfg.host === 'electron' || cfg.allowLive === true,
  })
  trading = tradingCore
  const { executor, replayer, closeCapture, runEnvironment } = buildRunServices(cfg, {
    store,
    bus,
    now,
    dataDir,
    settings,
    prompts,
    strategies,
    hub,
    market,
    trading: tradingCore,
  })
  const seeded =
    settings.effective().gateway === 'sim'
      ? await seedDemoStrategies(strategies, market).catch((e: unknown) => {
          cfg.onInternalError?.('demo seed', e)
          return 0
        })
      : 0
  // First start of a fresh data folder: the paper demo runs once as soon as orders may be sent.
  const cancelDemoRun =
    seeded > 0 && cfg.tuning?.demoFirstRun !== false
      ? armDemoFirstRun({
          strategies,
          market,
          timers,
          now,
          ready: () => tradingCore.reconciler.reconciled(),
          start: (id) => void executor.start(id, { trigger: 'manual' }),
          lastPrice: async (conid) => (await hub.broker().snapshot([conid], ['31']))[0]?.values['31'] ?? null,
          onError: (e) => cfg.onInternalError?.('demo first run', e),
        })
      : () => {}
  const scheduler = startScheduler(cfg, { store, bus, now, timers, strategies, hub, executor })
  const bundles = createBundleServices({
    store,
    dataDir,
    now,
    timers,
    appVersion: version,
    bus,
    onError: (e) => cfg.onInternalError?.('retention', e),
  })
  const evaluations = buildEvaluationService(cfg, { runEnvironment, store, strategies, prompts, market, settings })
  evaluations.resume()
  const handlers = createHandlers({
    evaluations,
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
    pickBundleFile: cfg.pickBundleFile,
  })
  const rpc = createRpcServer(
    createDispatcher(handlers, { validateOutputs: cfg.strictContracts ?? false, onInternalError: cfg.onInternalError }),
    bus,
    { onOversize: (what, bytes) => cfg.onInternalError?.('rpc', new Error(`Refused to send ${what}: ${bytes} bytes`)) },
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
    evaluations,
    trading: tradingCore,
    artifact: createArtifactReader(store.db, dataDir),
    gateway: () => hub.connection(),
    health,
    stop() {
      stopped ??= (async () => {
        cancelDemoRun()
        scheduler.stop()
        await rpc.close()
        await evaluations.stop()
        await executor.drain()
        tradingCore.stop()
        portfolio.stop()
        await bundles.stop()
        await stopBackup()
        await closeCapture()
        marketService.stop()
        await hub.stop()
        stopCheckpointer()
        store.close()
      })()
      return stopped
    },
  }
}
