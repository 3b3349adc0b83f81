import { z } from 'zod'
import { bundleMethods, ReviewId } from './bundles-api'
import { desktopMethods } from './desktop-api'
import { evaluationMethods } from './evaluations-api'
import { IndicatorSpecs } from './indicators'
import { portfolioMethods } from './portfolio-api'
import { promptMethods } from './prompts-api'
import { tradingMethods } from './trading-api'
import { FireView, LineageStats, ScheduleView, SignalFilter, SignalSummary } from './runs'
import { Strategy, StrategyInput } from './strategies'
import {
  AccountId,
  AccountInfo,
  Bar,
  BarSize,
  Conid,
  GatewayCertificate,
  GatewayStatus,
  Health,
  HistoryPeriod,
  IndicatorResult,
  InstrumentDetails,
  LlmModel,
  Quote,
  RunStatus,
  RunStep,
  RunSummary,
  SearchResult,
  SettingsPatch,
  SettingsView,
  WatchlistItem,
} from './models'

const Empty = z.object({}).strict()

/**
 * Every method the renderer (or any client) can call: `domain.verb` -> zod input and output.
 * The dispatcher validates every input against `input` before a handler runs.
 */
export const api = {
  'system.health': { input: Empty, output: Health },
  'settings.get': { input: Empty, output: SettingsView },
  'settings.update': { input: SettingsPatch, output: SettingsView },
  'gateway.status': { input: Empty, output: GatewayStatus },
  'gateway.reauthenticate': { input: Empty, output: GatewayStatus },
  'gateway.openLogin': { input: Empty, output: z.object({ opened: z.boolean(), url: z.string().nullable() }) },
  'gateway.certificate': { input: Empty, output: GatewayCertificate },
  'gateway.trustCertificate': {
    input: z
      .object({
        fingerprint: z.string().regex(/^sha256\/[A-Za-z0-9+/=]{43,44}$/, 'A fingerprint looks like sha256/<base64>'),
      })
      .strict(),
    output: GatewayStatus,
  },
  'accounts.list': { input: Empty, output: z.array(AccountInfo) },
  'accounts.select': { input: z.object({ accountId: AccountId }).strict(), output: GatewayStatus },
  'instruments.search': {
    input: z.object({ query: z.string().trim().min(1, 'Type a symbol or a company name').max(40) }).strict(),
    output: z.array(SearchResult),
  },
  'instruments.details': { input: z.object({ conid: Conid }).strict(), output: InstrumentDetails },
  'marketData.history': {
    input: z
      .object({ conid: Conid, bar: BarSize, period: HistoryPeriod, outsideRth: z.boolean().default(false) })
      .strict(),
    output: z.object({
      conid: Conid,
      bar: BarSize,
      period: z.string(),
      bars: z.array(Bar),
      fetchedAt: z.number().int(),
    }),
  },
  'marketData.watch': {
    input: z.object({ conids: z.array(Conid).max(50) }).strict(),
    output: z.object({ conids: z.array(Conid), leaseMs: z.number().int() }),
  },
  'marketData.quotes': { input: z.object({ conids: z.array(Conid).max(200) }).strict(), output: z.array(Quote) },
  'indicators.compute': {
    input: z.object({ bars: z.array(Bar).min(1).max(5000), indicators: IndicatorSpecs }).strict(),
    output: z.array(IndicatorResult),
  },
  'strategies.list': { input: Empty, output: z.array(Strategy) },
  'strategies.get': { input: z.object({ id: z.string().min(1).max(64) }).strict(), output: Strategy },
  'strategies.create': { input: StrategyInput, output: Strategy },
  'strategies.update': {
    input: z.object({ id: z.string().min(1).max(64), strategy: StrategyInput }).strict(),
    output: Strategy,
  },
  'strategies.setActive': {
    input: z.object({ id: z.string().min(1).max(64), active: z.boolean() }).strict(),
    output: Strategy,
  },
  'strategies.previewSchedule': {
    input: z.object({ cron: z.string().max(100), tz: z.string().max(64) }).strict(),
    output: z.object({ ok: z.boolean(), problems: z.array(z.string()), next: z.array(z.number().int()) }),
  },
  'runs.start': {
    input: z.object({ strategyId: z.string().min(1).max(64) }).strict(),
    output: z.object({ runId: z.string() }),
  },
  'schedules.list': { input: Empty, output: z.array(ScheduleView) },
  'schedules.setPaused': {
    input: z.object({ strategyId: z.string().min(1).max(64), paused: z.boolean() }).strict(),
    output: ScheduleView,
  },
  'schedules.fires': {
    input: z
      .object({ strategyId: z.string().max(64).optional(), limit: z.number().int().min(1).max(500).default(50) })
      .strict(),
    output: z.array(FireView),
  },
  'runs.list': {
    input: z
      .object({
        strategyId: z.string().max(64).optional(),
        status: RunStatus.optional(),
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        before: z.number().int().optional(),
        /** Show evaluation-lab runs (trigger `eval`), hidden by default. */
        includeEval: z.boolean().optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    output: z.array(RunSummary),
  },
  'lineage.getRun': {
    input: z.object({ runId: z.string().min(1).max(64) }).strict(),
    output: RunSummary.extend({ steps: z.array(RunStep) }),
  },
  'lineage.stepStats': {
    input: z.object({ from: z.number().int(), to: z.number().int() }).strict(),
    output: z.array(
      z.object({
        step: z.string(),
        total: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        p50Ms: z.number().nullable(),
        p95Ms: z.number().nullable(),
      }),
    ),
  },
  'lineage.stats': { input: z.object({ from: z.number().int(), to: z.number().int() }).strict(), output: LineageStats },
  'lineage.replayStep': {
    input: z
      .object({
        runId: z.string().min(1).max(64),
        step: z.enum(['compute_indicators', 'render_charts', 'llm_analysis', 'validate_signal', 'risk_check'], {
          error: 'Replay one of compute_indicators, render_charts, llm_analysis, validate_signal or risk_check',
        }),
        mode: z.enum(['cached', 'fresh']),
        model: LlmModel.nullable().optional(),
        promptVersionId: z.string().min(1).max(64).nullable().optional(),
        /** A run of an imported bundle: its review library id (the replay is written to this app's store). */
        review: ReviewId.nullable().optional(),
      })
      .strict(),
    output: z.object({
      runId: z.string(),
      identical: z.boolean(),
      differences: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
    }),
  },
  'signals.list': { input: SignalFilter, output: z.array(SignalSummary) },
  'watchlist.list': { input: Empty, output: z.array(WatchlistItem) },
  'watchlist.add': { input: z.object({ conid: Conid }).strict(), output: z.array(WatchlistItem) },
  'watchlist.remove': { input: z.object({ conid: Conid }).strict(), output: z.array(WatchlistItem) },
  ...promptMethods,
  ...tradingMethods,
  ...portfolioMethods,
  ...bundleMethods,
  ...desktopMethods,
  ...evaluationMethods,
} as const

export type Api = typeof api
export type Method = keyof Api
export type Input<M extends Method> = z.input<Api[M]['input']>
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>
export type Output<M extends Method> = z.output<Api[M]['output']>

export const METHODS = Object.keys(api) as Method[]

export function isMethod(name: string): name is Method {
  return Object.hasOwn(api, name)
}
