import { version } from '../../package.json'
import type { AppConfig } from '../app'
import type { Health } from '../contract/models'
import type { Executor } from '../engine/executor'
import type { GatewayHub } from '../engine/gateway-hub'
import { createPromptService, type PromptService } from '../engine/prompts'
import { createPromptTestLlm } from '../engine/prompts-llm'
import { seedDefaultPrompts } from '../engine/prompts-seed'
import { createScheduler, nodeScheduleTimer, type Scheduler } from '../engine/scheduler'
import { createSettingsService, type SettingsService } from '../engine/settings'
import type { StrategyService } from '../engine/strategies'
import type { EventBus } from '../rpc/event-bus'
import type { Store } from '../store/db'
import type { Timers } from '../timers'

// Small builders of the composition root (app.ts): settings and prompts, the scheduler, health.

/** Settings (stored, overridden, secrets) and the prompt library, seeded with the default prompts. */
export async function buildSettingsAndPrompts(
  cfg: AppConfig,
  d: { store: Store; bus: EventBus; now: () => number },
): Promise<{ settings: SettingsService; prompts: PromptService }> {
  const settings = createSettingsService({
    db: d.store.db,
    bus: d.bus,
    now: d.now,
    overrides: cfg.overrides,
    dataDir: cfg.dataDir,
    envApiKey: cfg.envApiKey,
    secrets: cfg.secrets,
  })
  const prompts = createPromptService({
    db: d.store.db,
    bus: d.bus,
    now: d.now,
    llm: createPromptTestLlm({
      endpoint: () => settings.effective(),
      apiKey: (baseUrl) => settings.apiKey(baseUrl),
      now: d.now,
    }),
  })
  await seedDefaultPrompts(d.store.db, d.now())

  return { settings, prompts }
}

/** The scheduler (F9), synced now and again whenever a strategy changes. */
export function startScheduler(
  cfg: AppConfig,
  d: {
    store: Store
    bus: EventBus
    now: () => number
    timers: Timers
    strategies: StrategyService
    hub: GatewayHub
    executor: Executor
  },
): Scheduler {
  const scheduler = createScheduler({
    db: d.store.db,
    bus: d.bus,
    now: d.now,
    timers: d.timers,
    at: cfg.at ?? nodeScheduleTimer,
    strategies: () => d.strategies.list(),
    gateway: () => d.hub.connection(),
    startRun: (strategyId, scheduledFor) => d.executor.start(strategyId, { trigger: 'schedule', scheduledFor }),
    onInternalError: cfg.onInternalError,
  })
  scheduler.sync()
  // An edit takes effect at once (and within the 30 s heartbeat at the latest).
  d.bus.listen((event, data) => {
    if (event === 'db.changed' && (data as { tables: string[] }).tables.includes('strategies')) scheduler.sync()
  })
  return scheduler
}

/** Health: the database answers, and the gateway's state. */
export function healthOf(
  cfg: AppConfig,
  d: { store: Store; hub: GatewayHub; startedAt: number; dataDir: string },
): Health {
  let db: Health['db'] = 'ok'
  try {
    d.store.sqlite.prepare('SELECT 1').get()
  } catch {
    db = 'error'
  }
  const g = d.hub.connection().current()
  return {
    ok: db === 'ok',
    version,
    gateway: { url: g.url, state: g.state },
    db,
    host: cfg.host,
    startedAt: d.startedAt,
    dataDir: d.dataDir,
  }
}
