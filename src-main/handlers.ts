import type { Health } from './contract/models'
import { evaluationOutcomes, liveOutcomes } from './store/outcome-stats'
import { computeIndicators } from './domain/indicators'
import { checkSchedule } from './domain/schedule/cron'
import type { GatewayHub } from './engine/gateway-hub'
import type { MarketService } from './engine/market'
import type { SettingsService } from './engine/settings'
import type { Executor } from './engine/executor'
import type { Replayer } from './engine/replay'
import type { Trading } from './engine/trading'
import { createPortfolioHandlers } from './engine/portfolio-handlers'
import type { PortfolioService } from './engine/portfolio'
import type { Scheduler } from './engine/scheduler'
import { listFires, listSchedules, type ScheduleRow } from './store/schedules-repo'
import type { ScheduleView } from './contract/runs'
import type { StrategyService } from './engine/strategies'
import { createPromptHandlers } from './engine/prompt-handlers'
import type { PromptService } from './engine/prompts'
import { createBundleHandlers, type BundleDeps } from './engine/bundle-handlers'
import { RpcError } from './rpc/errors'
import type { Db } from './store/db'
import { evaluationListItem } from './store/evaluation-repo'
import { getRun, listRuns, stepStats } from './store/lineage-repo'
import { listSignals } from './store/signals-repo'
import { modelStats, strategyStats, topErrors } from './store/stats-repo'
import type { Handlers } from './rpc/dispatcher'
import type { EvaluationService } from './engine/evaluation/service'

export interface Services {
  db: Db
  strategies: StrategyService
  prompts: PromptService
  bundles: BundleDeps
  executor: Executor
  replayer: Replayer
  trading: Trading
  portfolio: PortfolioService
  scheduler: Scheduler
  now(): number
  health(): Health
  settings: SettingsService
  hub: GatewayHub
  market: MarketService
  evaluations: EvaluationService
  /** Host capability: open the gateway's login page in a window (Electron); absent in the web host. */
  openGatewayLogin?: (url: string, fingerprint: string | null) => Promise<boolean>
  /** Host capability: a native open dialog for a bundle file (Electron); absent in the web host. */
  pickBundleFile?: () => Promise<string | null>
}

/** The RPC method table: each method delegates to the service that owns it. */
export function createHandlers(s: Services): Handlers {
  return {
    'system.health': () => s.health(),
    'system.mode': () => ({ mode: 'trading' as const }),
    'system.startTrading': () => ({ mode: 'trading' as const }),
    'lineage.pickBundle': async () => {
      if (!s.pickBundleFile) throw new RpcError('UNAVAILABLE', 'This host has no file dialog; upload the file instead.')
      return { file: await s.pickBundleFile() }
    },
    'settings.get': () => s.settings.view(),
    'settings.update': (patch) => s.settings.update(patch),
    'gateway.status': () => s.hub.connection().current(),
    'gateway.reauthenticate': () => s.hub.connection().reauthenticate(),
    'gateway.openLogin': async () => {
      const g = s.hub.connection()
      const url = g.current().loginUrl
      if (!url) throw new RpcError('UNAVAILABLE', 'This gateway has no login page to open.')
      const opened = s.openGatewayLogin ? await s.openGatewayLogin(url, g.certificateFingerprint()) : false
      return { opened, url }
    },
    'gateway.certificate': () => s.hub.certificate(),
    'gateway.trustCertificate': ({ fingerprint }) => s.hub.trust(fingerprint),
    'accounts.list': () => s.hub.connection().accounts(),
    'accounts.select': async ({ accountId }) => {
      const status = await s.hub.connection().selectAccount(accountId)
      await s.settings.update({ account: accountId })
      return status
    },
    'instruments.search': ({ query }) => s.market.search(query),
    'instruments.details': ({ conid }) => s.market.details(conid),
    'marketData.history': async (req) => {
      const bars = await s.market.history(req)
      return { conid: req.conid, bar: req.bar, period: req.period, bars, fetchedAt: s.now() }
    },
    'marketData.watch': ({ conids }) => s.market.watch(conids),
    'marketData.quotes': ({ conids }) => s.market.quotes(conids),
    'indicators.compute': ({ bars, indicators }) => computeIndicators(bars, indicators),
    'strategies.list': () => s.strategies.list(),
    'strategies.get': ({ id }) => s.strategies.get(id),
    'strategies.create': (input) => s.strategies.create(input),
    'strategies.update': ({ id, strategy }) => s.strategies.update(id, strategy),
    'strategies.setActive': ({ id, active }) => s.strategies.setActive(id, active),
    'strategies.previewSchedule': ({ cron, tz }) => checkSchedule(cron, tz, s.now()),
    'runs.start': ({ strategyId }) => ({ runId: s.executor.start(strategyId).runId }),
    'schedules.list': () => {
      const byId = new Map(listSchedules(s.db).map((r) => [r.strategyId, r]))
      return s.strategies.list().flatMap((st) => {
        const row = byId.get(st.id)
        return row ? [scheduleView(row, st.name, st.active)] : []
      })
    },
    'schedules.setPaused': ({ strategyId, paused }) => {
      const st = s.strategies.get(strategyId)
      return scheduleView(s.scheduler.setPaused(strategyId, paused), st.name, st.active)
    },
    'schedules.fires': ({ strategyId, limit }) =>
      listFires(s.db, strategyId, limit).map((f) => ({ ...f, outcome: f.outcome as 'RAN' })),
    'runs.list': (f) => listRuns(s.db, f),
    'lineage.getRun': ({ runId }) => {
      const run = getRun(s.db, runId)
      if (!run) throw new RpcError('NOT_FOUND', `No run ${runId}`)
      return run
    },
    'lineage.stepStats': ({ from, to }) => stepStats(s.db, from, to),
    'lineage.stats': ({ from, to }) => ({
      steps: stepStats(s.db, from, to),
      topErrors: topErrors(s.db, from, to),
      strategies: strategyStats(s.db, from, to),
      models: modelStats(s.db, from, to),
      outcomes: { live: liveOutcomes(s.db, from, to), evaluation: evaluationOutcomes(s.db, from, to) },
    }),
    'lineage.replayStep': (req) => s.replayer.replay(req),
    'signals.list': (f) => listSignals(s.db, f),
    'watchlist.list': () => s.market.watchlist(),
    'watchlist.add': ({ conid }) => s.market.addToWatchlist(conid),
    'watchlist.remove': ({ conid }) => s.market.removeFromWatchlist(conid),
    ...createPromptHandlers(s.prompts),
    ...s.trading.handlers,
    ...createPortfolioHandlers(s.portfolio),
    ...createBundleHandlers(s.bundles),
    'evaluations.estimate': (r) => s.evaluations.estimate(r),
    'evaluations.start': (r) => s.evaluations.start(r),
    'evaluations.get': ({ evaluationId }) => s.evaluations.get(evaluationId),
    'evaluations.decisions': (q) => s.evaluations.decisions(q),
    'evaluations.list': () => s.evaluations.list().map(evaluationListItem),
    'evaluations.cancel': ({ evaluationId }) => s.evaluations.cancel(evaluationId),
    'evaluations.report': ({ evaluationId }) => s.evaluations.report(evaluationId),
    'evaluations.resume': ({ evaluationId, budgetUsd }) => s.evaluations.resume(evaluationId, budgetUsd)!,
  }
}

function scheduleView(r: ScheduleRow, name: string, active: boolean): ScheduleView {
  return {
    strategyId: r.strategyId,
    name,
    active,
    paused: r.paused,
    cron: r.cron,
    tz: r.tz,
    missedPolicy: r.missedPolicy as ScheduleView['missedPolicy'],
    nextRunAt: r.nextRunAt,
    lastSeenAt: r.lastSeenAt,
  }
}
