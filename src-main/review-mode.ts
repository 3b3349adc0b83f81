import { join } from 'node:path'
import { version } from '../package.json'
import { createApp, type App, type AppConfig } from './app'
import { createRunEnvironment, createStoreReplayer } from './app/runs'
import { METHODS } from './contract/api'
import type { EngineMode } from './contract/desktop-api'
import type { Health } from './contract/models'
import { createArtifactReader, type ArtifactReader } from './engine/artifact-reader'
import { createBundleServices } from './engine/bundle-handlers'
import { createBundleHandlers } from './engine/bundle-handlers'
import { createSettingsService } from './engine/settings'
import { createDispatcher, type Handlers } from './rpc/dispatcher'
import { RpcError } from './rpc/errors'
import { createEventBus } from './rpc/event-bus'
import { createRpcServer, type Connection, type RpcServer } from './rpc/server'
import { openStore } from './store/db'
import { getRun, listRuns } from './store/lineage-repo'
import { realTimers } from './timers'

// Review mode (DESKTOP.md §7): a first launch from a `.wsbundle` opens the store and the review
// library (with replay of its runs, recorded in the store) — no gateway session, no session keeper,
// scheduler or order path — until the user presses "Start trading engine". Then the full composition
// root (createApp) starts on the same data folder and every client is switched over on its next
// message (the renderer reloads).

/** What a host holds: the RPC server, artifacts and health of whichever engine runs now. */
export interface Engine {
  mode(): EngineMode
  rpc: RpcServer
  artifact: ArtifactReader
  health(): Health
  /** The trading engine, once it runs (always, unless started in review mode). */
  app(): App | null
  /** Start the trading engine (idempotent); resolves with it. */
  startTrading(): Promise<App>
  /** Called once when the trading engine is running (at once if it already is). */
  onTrading(cb: (app: App) => void): void
  stop(): Promise<void>
}

export const REVIEW_MODE_MESSAGE =
  'The trading engine is not running (review mode): press "Start trading engine" in the banner first.'

/** Start the engine as `cfg.mode` says: the trading engine, or the review-only shell. */
export async function startEngine(cfg: AppConfig): Promise<Engine> {
  if (cfg.mode === 'review') return startReviewShell(cfg)
  const app = await createApp(cfg)
  return {
    mode: () => 'trading',
    rpc: app.rpc,
    artifact: app.artifact,
    health: () => app.health(),
    app: () => app,
    startTrading: () => Promise.resolve(app),
    onTrading: (cb) => cb(app),
    stop: () => app.stop(),
  }
}

async function startReviewShell(cfg: AppConfig): Promise<Engine> {
  const now = cfg.now ?? Date.now
  const startedAt = now()
  const dataDir = cfg.dataDir.value
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
  const bundles = createBundleServices({
    store,
    dataDir,
    now,
    timers: cfg.timers ?? realTimers,
    appVersion: version,
    bus,
    onError: (e) => cfg.onInternalError?.('retention', e),
  })

  // Replay of an imported run (F19) needs no gateway: it reads the bundle and records into this store.
  const runs = createRunEnvironment(cfg, { store, bus, now, dataDir, settings })
  const replayer = createStoreReplayer(store, runs.runEnvironment)

  let trading: App | null = null
  let starting: Promise<App> | null = null
  const waiting: ((app: App) => void)[] = []

  function reviewHealth(): Health {
    let db: Health['db'] = 'ok'
    try {
      store.sqlite.prepare('SELECT 1').get()
    } catch {
      db = 'error'
    }
    const url = settings.effective().gateway
    return { ok: db === 'ok', version, gateway: { url, state: 'offline' }, db, host: cfg.host, startedAt, dataDir }
  }

  function startTrading(): Promise<App> {
    starting ??= (async () => {
      await bundles.stop()
      await runs.closeCapture()
      store.close()
      const app = await createApp({ ...cfg, mode: 'trading' })
      trading = app
      for (const cb of waiting.splice(0)) cb(app)
      return app
    })().catch((e: unknown) => {
      starting = null
      throw e
    })
    return starting
  }

  const unavailable = Object.fromEntries(
    METHODS.map((m) => [
      m,
      () => {
        throw new RpcError('UNAVAILABLE', REVIEW_MODE_MESSAGE)
      },
    ]),
  ) as unknown as Handlers
  const handlers: Handlers = {
    ...unavailable,
    ...createBundleHandlers(bundles.deps),
    'system.health': () => reviewHealth(),
    'system.mode': () => ({ mode: trading ? 'trading' : 'review' }),
    'system.startTrading': async () => {
      await startTrading()
      return { mode: 'trading' as const }
    },
    'settings.get': () => settings.view(),
    // Replays of imported runs, and reading them back from this store (read-only; nothing trades).
    'lineage.replayStep': (req) => {
      if (!req.review) throw new RpcError('UNAVAILABLE', REVIEW_MODE_MESSAGE)
      return replayer.replay(req)
    },
    'lineage.getRun': ({ runId }) => {
      const run = getRun(store.db, runId)
      if (!run) throw new RpcError('NOT_FOUND', `No run ${runId}`)
      return run
    },
    'runs.list': (f) => listRuns(store.db, f),
    'lineage.pickBundle': async () => {
      if (!cfg.pickBundleFile) throw new RpcError('UNAVAILABLE', 'This host has no file dialog; upload the file.')
      return { file: await cfg.pickBundleFile() }
    },
  }
  const reviewRpc = createRpcServer(
    createDispatcher(handlers, { validateOutputs: cfg.strictContracts ?? false, onInternalError: cfg.onInternalError }),
    bus,
  )
  const reviewArtifact = createArtifactReader(store.db, dataDir)

  return {
    mode: () => (trading ? 'trading' : 'review'),
    rpc: switchingRpc(reviewRpc, () => trading?.rpc ?? null),
    artifact: (sha, review) => (trading ? trading.artifact(sha, review) : reviewArtifact(sha, review)),
    health: () => (trading ? trading.health() : reviewHealth()),
    app: () => trading,
    startTrading,
    onTrading(cb) {
      if (trading) cb(trading)
      else waiting.push(cb)
    },
    async stop() {
      await starting?.catch(() => undefined)
      await reviewRpc.close()
      if (trading) return trading.stop()
      await bundles.stop()
      await runs.closeCapture()
      if (store.sqlite.open) store.close()
    },
  }
}

/**
 * An RPC server that hands each client to the review shell until the trading engine runs, then moves
 * it over on its next message (the reply to the call that started trading still goes out first).
 */
function switchingRpc(review: RpcServer, trading: () => RpcServer | null): RpcServer {
  let count = 0
  return {
    connect(send) {
      let target = trading() ?? review
      let inner: Connection = target.connect(send)
      let open = true
      count++
      return {
        receive(raw) {
          if (!open) return
          const now = trading()
          if (now && target !== now) {
            inner.close()
            target = now
            inner = now.connect(send)
          }
          inner.receive(raw)
        },
        close() {
          if (!open) return
          open = false
          count--
          inner.close()
        },
      }
    },
    connections: () => count,
    close: async () => {
      await review.close()
      await trading()?.close()
    },
  }
}
