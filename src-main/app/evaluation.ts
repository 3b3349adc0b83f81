import type { AppConfig } from '../app'
import { createEvaluationService, type EvaluationService } from '../engine/evaluation/service'
import type { ResolvedPrompt } from '../engine/executor'
import type { MarketService } from '../engine/market'
import type { PromptService } from '../engine/prompts'
import type { RunEnvironment } from '../engine/run-environment'
import type { SettingsService } from '../engine/settings'
import type { StrategyService } from '../engine/strategies'
import { endOfNyDayStartTime } from '../domain/evaluation/intraday'
import { nyDate } from '../domain/indicators/ny-time'
import { RpcError } from '../rpc/errors'
import type { Store } from '../store/db'
import { getVersion } from '../store/prompts-repo'

/** The evaluation lab (F25): the run environment, prompts by version, daily history, the data source. */
export function buildEvaluationService(
  cfg: AppConfig,
  d: {
    runEnvironment: RunEnvironment
    store: Store
    strategies: StrategyService
    prompts: PromptService
    market: MarketService
    settings: SettingsService
  },
): EvaluationService {
  return createEvaluationService({
    ...d.runEnvironment,
    analyst: cfg.labAnalyst,
    strategies: d.strategies,
    prompt: (strategy, versionId): ResolvedPrompt => {
      const v = versionId
        ? getVersion(d.store.db, versionId)
        : d.prompts.resolveForStrategy(strategy.id, strategy.config.promptVersionId)
      if (!v) throw new RpcError('NOT_FOUND', `No prompt version ${versionId}`)
      const template = d.prompts.list({ includeArchived: true }).find((t) => t.id === v.templateId)
      return { versionId: v.id, name: template?.name ?? 'Prompt', version: v.version, system: v.system, body: v.body }
    },
    history: (conid, period) => d.market.history({ conid, bar: '1d', period, outsideRth: false }),
    // The session's 5-minute bars: the window ends at the New York midnight closing that day.
    intraday: async (conid, date) => {
      const startTime = endOfNyDayStartTime(date)
      const bars = await d.market.history({ conid, bar: '5min', period: '1d', outsideRth: false, startTime })
      const day = bars.filter((b) => nyDate(b.t) === date)
      return day.length > 0 ? day : null
    },
    source: () => {
      const g = d.settings.effective().gateway
      return g === 'sim' ? { kind: 'simulator', key: 'sim' } : { kind: 'gateway', key: g }
    },
  })
}
