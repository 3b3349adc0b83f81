import type { AppConfig } from '../app'
import type { ChartCapture } from '../charts/capture'
import { capsFromLimits } from '../domain/runs/risk'
import { createExecutor, type Executor, type ResolvedPrompt } from '../engine/executor'
import type { GatewayHub } from '../engine/gateway-hub'
import type { MarketService } from '../engine/market'
import type { PromptService } from '../engine/prompts'
import { createReplayer, type Replayer } from '../engine/replay'
import type { RunEnvironment } from '../engine/run-environment'
import type { SettingsService } from '../engine/settings'
import type { StrategyService } from '../engine/strategies'
import type { Trading } from '../engine/trading'
import type { Capability } from '../llm/openai-provider'
import type { EventBus } from '../rpc/event-bus'
import type { Store } from '../store/db'
import { getVersion } from '../store/prompts-repo'
import { readSettings, writeSettings } from '../store/settings-repo'
import { version } from '../../package.json'

/** What every service that records runs needs (F8, F19, F25): stores, clock, the warm capture page, the analyst. */
export function createRunEnvironment(
  cfg: Pick<AppConfig, 'chartCapture'>,
  d: { store: Store; bus: EventBus; now: () => number; dataDir: string; settings: SettingsService },
): { runEnvironment: RunEnvironment; closeCapture(): Promise<void> } {
  const now = d.now
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
    (readSettings(d.store.db).get('llm.capabilities') as Record<string, Capability> | undefined) ?? {}
  const capabilityCache = {
    get: (key: string) => capabilities()[key] ?? null,
    set: (key: string, c: Capability) =>
      writeSettings(
        d.store.db,
        new Map([['llm.capabilities', { ...capabilities(), [key]: c }]]),
        { actor: 'system', action: 'llm.capability', details: { key, ...c } },
        now(),
      ),
  }
  // The key is looked up for the very base URL the request will use (secrets stay with their endpoint).
  const analystConfig = async () => {
    const { llmBaseUrl, llmModel } = d.settings.effective()
    return { apiKey: await d.settings.apiKey(llmBaseUrl), baseUrl: llmBaseUrl, model: llmModel }
  }
  return {
    runEnvironment: {
      db: d.store.db,
      lineageDb: d.store.lineageDb,
      bus: d.bus,
      now,
      perfNow: () => performance.now(),
      dataDir: d.dataDir,
      appVersion: version,
      capture: startCapture,
      analystConfig,
      capabilities: capabilityCache,
    },
    closeCapture: async () => {
      await capture?.then((c) => c.close()).catch(() => undefined)
    },
  }
}

/** Replay (F19) over a run environment: prompt versions come from the same store. */
export function createStoreReplayer(store: Store, runEnvironment: RunEnvironment): Replayer {
  return createReplayer({ ...runEnvironment, promptVersion: (id) => getVersion(store.db, id) })
}

/** What runs need (F8, F19): the warm capture page, the analyst's settings, the executor and replay. */
export function buildRunServices(
  cfg: AppConfig,
  d: {
    store: Store
    bus: EventBus
    now: () => number
    dataDir: string
    settings: SettingsService
    prompts: PromptService
    strategies: StrategyService
    hub: GatewayHub
    market: MarketService
    trading: Trading
  },
): { executor: Executor; replayer: Replayer; runEnvironment: RunEnvironment; closeCapture(): Promise<void> } {
  const { runEnvironment, closeCapture } = createRunEnvironment(cfg, d)
  const executor = createExecutor({
    ...runEnvironment,
    strategies: d.strategies,
    gateway: () => d.hub.connection(),
    broker: () => d.hub.broker(),
    market: d.market,
    prompt: (strategy): ResolvedPrompt => {
      const v = d.prompts.resolveForStrategy(strategy.id, strategy.config.promptVersionId)
      const template = d.prompts.list({ includeArchived: true }).find((t) => t.id === v.templateId)
      return { versionId: v.id, name: template?.name ?? 'Prompt', version: v.version, system: v.system, body: v.body }
    },
    // The trader's limits (Settings): a tightened one applies to the next run's risk check.
    caps: () => capsFromLimits(d.trading.riskLimits.current()),
    orders: () => d.trading.orders,
    approvals: () => d.trading.approvals,
  })
  const replayer = createStoreReplayer(d.store, runEnvironment)
  return { executor, replayer, runEnvironment, closeCapture }
}
