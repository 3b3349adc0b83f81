import { createHash, randomUUID } from 'node:crypto'
import type { Bar } from '../../contract/models'
import type { Strategy } from '../../contract/strategies'
import {
  blindContext,
  chartLabels,
  hidesSymbol,
  mapBars,
  priceMap,
  realVerdict,
  BLIND_SYMBOL,
  type InputView,
} from '../../domain/evaluation/blinding'
import { asOfInputs } from '../../domain/evaluation/calendar'
import { trackRecordAsOf, type PastDecision } from '../../domain/evaluation/track-record'
import type { Analysis } from '../../domain/runs/analysis'
import { riskCheck, type RiskDecision } from '../../domain/runs/risk'
import { RULES_PROVIDER } from '../../domain/signals/rules-analyst'
import type { SignalVerdict } from '../../domain/signals'
import { insertUsage } from '../../store/signals-repo'
import { askModel, askRules, type AnalystAnswer, type AnalystChoice } from '../analyst'
import type { ResolvedPrompt, RunEnvironment } from '../executor'
import { startRun, type RunRecorder } from '../run-recorder'
import * as S from '../steps'
import { answerKey } from './answer-key'
import { asOfSource } from './asof-source'
import { barsFingerprint, valueFingerprint } from './fingerprint'
import { heldWrites } from './held-writes'

// "Run the pipeline's steps as of date t" (EVALUATION.md §1). The inputs are rebuilt from a bar store
// as it stood at the close of t and fed to the run's own step functions (src-main/engine/steps):
// fetch_market_data reads an as-of MarketDataSource, then compute_indicators, render_charts, the prompt
// context (with the arm's own earlier decisions as known at t) and template, the analyst (askRules /
// askModel, behind the answer cache), judgeSignal and the pure riskCheck. place_order is never called.
// Each decision is recorded as a run with trigger `eval`.
// An arm's view (blinding, mirror, no charts; domain/evaluation/blinding.ts) is handed to those same
// steps as their inputs: the as-of source serves mapped bars, the charts get their labels and a bare
// time axis, the context is blinded before the template renders; the answer is mapped back to real
// prices before the risk check and the fills.

/** Daily bars handed to a decision (what the executor's '2y' history holds). */
export const WARMUP_BARS = 504

export interface ArmSpec {
  label: string
  choice: AnalystChoice
  prompt: ResolvedPrompt
  /** What the model may see; absent: bright, with charts. */
  view?: InputView
}

/** What an analyst is asked: the rendered prompt and images; `store` is the bar store as the lab sees it. */
export interface AnalystCall {
  system: string
  user: string
  images: Buffer[]
  rules: Parameters<typeof askRules>[0]
  /** For tests only: the store the decision was built from (a planted analyst peeks into it). */
  store: readonly Bar[]
  /** A recorded decision, or a look-ahead self-test rebuild (never recorded, never paid). */
  purpose: 'decision' | 'self-test'
}

export type Analyst = (arm: ArmSpec, call: AnalystCall) => Promise<AnalystAnswer>

/** An answer from the cache, or null; `put` stores a fresh one. */
export interface AnswerCache {
  get(key: string): { rawText: string; answer: AnalystAnswer } | null
  put(key: string, arm: ArmSpec, answer: AnalystAnswer, costMicros: number): void
}

export interface DecideInput {
  evaluationId: string
  strategy: Strategy
  arm: ArmSpec
  /** The decision session (YYYY-MM-DD). */
  t: string
  /** The bar store this decision reads (full, or truncated at t for the look-ahead test). */
  store: readonly Bar[]
  capital: number
  /** Record the decision as a run (false for self-test rebuilds). */
  record: boolean
  /** Called before a paid model call; throws to refuse it (budget reserved per call, fail-closed). */
  reserve(arm: ArmSpec): void
  /** Ask the analyst even when the cache has the answer (the self-test of a free, deterministic analyst). */
  fresh?: boolean
  /** A repeat call k (1, 2) for the noise floor: its own cache key, so a re-run replays it for free. */
  repeat?: number
  /**
   * This arm's decisions of the evaluation so far (any dates): the prompt's `previous_analyses` shows the
   * last ones before t with only the outcomes known by t's close (trackRecordAsOf).
   */
  past?: readonly PastDecision[]
}

export interface Decision {
  runId: string | null
  /** Each input by value (bars, indicators: fingerprint.ts) or hash (look-ahead self-test). */
  hashes: { bars: string; indicators: string; context: string; prompt: string; answer: string }
  /**
   * A recorded decision's main-store writes (artifact rows, the cached answer) are left to the caller: `ready`
   * resolves once its artifact files are on disk, then `commit` writes them and the caller's rows in one
   * transaction (the caller may wrap several decisions' commits in one).
   */
  ready(): Promise<void>
  commit(extra?: () => void): void
  cacheKey: string
  cached: boolean
  costMicros: number
  /** The verdict in real prices (a mirrored arm's on the opposite side). */
  verdict: SignalVerdict
  risk: RiskDecision
  analysis: Analysis
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex')

export interface PipelineDeps extends RunEnvironment {
  analyst?: Analyst
  cache: AnswerCache
}

export const defaultAnalyst =
  (env: Pick<RunEnvironment, 'capabilities' | 'now'>): Analyst =>
  async (arm, call) =>
    arm.choice.provider === 'rules'
      ? askRules(call.rules)
      : askModel(arm.choice, { system: call.system, user: call.user, images: call.images }, env.capabilities, env.now)

export function createAsOfPipeline(d: PipelineDeps) {
  const analyst = d.analyst ?? defaultAnalyst(d)

  async function decide(i: DecideInput): Promise<Decision> {
    const cfg = i.strategy.config
    const withWeekly = cfg.timeframes !== '1D'
    const runId = i.record ? randomUUID() : null
    const rec: RunRecorder | null = runId
      ? startRun(
          { db: d.lineageDb, bus: d.bus, now: d.now, perfNow: d.perfNow, appVersion: d.appVersion },
          { id: runId, strategyId: i.strategy.id, trigger: 'eval', scheduledFor: null, replayOf: null },
          { holdSteps: true },
        )
      : null
    // Each recorded step stores its artifacts and lists them on its row (the timeline and bundles read them).
    // An unrecorded rebuild stores nothing: small artifacts are hashed, large ones (given lazily) never built;
    // the decision is compared by the fingerprints below.
    const hashing: S.StepIo = {
      artifact: (content) => (typeof content === 'function' ? 'not stored' : sha(content)),
      partial: () => undefined,
    }
    // A recorded decision's main-store writes are held and written in one transaction (held-writes.ts).
    const held = heldWrites(d)
    const step = <T>(
      name: Parameters<RunRecorder['step']>[0],
      input: unknown,
      fn: (io: S.StepIo) => Promise<T>,
    ): Promise<T> => (rec ? rec.step(name, input, (ctx) => fn(held.io(ctx))) : fn(hashing))
    const view = i.arm.view ?? { blinding: 'bright', mirror: false, charts: true }
    try {
      rec?.skip('check_session', {}, { reason: `Evaluation ${i.evaluationId}: as-of replay of ${i.t}, no session.` })
      await step('load_strategy', { strategyId: i.strategy.id, evaluationId: i.evaluationId }, async () => ({
        strategy: { id: i.strategy.id, name: i.strategy.name, revision: i.strategy.revision, config: cfg },
        prompt: i.arm.prompt,
        analyst: { provider: i.arm.choice.provider, model: i.arm.choice.model, label: i.arm.choice.label },
        view,
        evaluationId: i.evaluationId,
      }))
      // fetch_market_data with an as-of source: the store as it stood at the close of t, the week
      // rebuilt partial from those dailies, the quote from t's close, flat; the run's clock is the
      // night after t, so t's bar counts as closed.
      // The arm's view: prices mapped (mirrored, rescaled) on the window closed by t, so the bars,
      // indicators, charts and every number of the prompt are the model's; answers are mapped back.
      const real = asOfInputs(i.store, i.t, WARMUP_BARS)
      const map = priceMap(real.daily, view)
      const inputs = { daily: mapBars(real.daily, map), weekly: real.weekly && mapBars(real.weekly, map) }
      const shownSymbol = hidesSymbol(view) ? BLIND_SYMBOL : cfg.symbol
      const nightAfter = Date.parse(`${i.t}T00:00:00Z`) + 30 * 3_600_000
      const data = await step('fetch_market_data', S.fetchMarketDataInput(cfg), (io) =>
        S.fetchMarketData(
          { config: cfg, account: 'LAB', now: () => nightAfter },
          asOfSource(cfg.conid, shownSymbol, inputs),
          io,
        ),
      )
      const daily = data._daily
      const weekly = withWeekly ? data._weekly : null
      // The bars artifact is JSON of exactly { daily, weekly } (weekly null without the weekly timeframe),
      // and the indicators by the full analysis { daily, weekly, strategy } (stricter than its artifact, which
      // keeps the charted windows): the decision's fingerprints are theirs by value.
      const barsPrint = barsFingerprint(daily, weekly)
      const ind = await step(
        'compute_indicators',
        S.computeIndicatorsInput(data.barsSha256, withWeekly, cfg.indicators),
        async (io) => S.computeIndicators({ daily, weekly, indicators: cfg.indicators, withWeekly }, io),
      )
      const a = ind._analysis
      let images: Buffer[] = []
      let imageShas: string[] = []
      if (i.arm.choice.provider === 'rules' || !view.charts) {
        rec?.skip(
          'render_charts',
          { barsSha256: data.barsSha256 },
          {
            reason: view.charts
              ? 'The rules analyst reads no chart image.'
              : 'No-chart baseline: the model is asked without images.',
          },
        )
      } else {
        const labels = chartLabels(view, cfg.symbol, data.asOf)
        const charts = await step(
          'render_charts',
          { ...S.renderChartsInput(data.barsSha256, ind.indicatorsSha256, withWeekly), view },
          (io) =>
            S.renderCharts(
              { symbol: labels.symbol, asOf: labels.asOf, daily, weekly, analysis: a, bareTime: labels.bareTime },
              d.capture,
              io,
            ),
        )
        images = charts._png
        imageShas = charts.images.map((x) => x.sha256)
      }
      const context = blindContext(
        S.promptContext({
          now: nightAfter,
          strategy: i.strategy,
          data,
          daily,
          weekly,
          analysis: a,
          previous: trackRecordAsOf(i.past ?? [], i.t).map((k) => ({
            createdAt: Date.parse(`${k.date}T00:00:00Z`),
            date: k.date,
            action: k.action,
            outcome: k.outcome,
            rMultiple: k.rMultiple,
          })),
        }),
        view,
      )
      const contextJson = JSON.stringify(context)
      const { system, user } = await S.renderPrompt(i.arm.prompt, context)
      // The symbol and session as shown (the answer must name them back; the validator checks it).
      const shownAsOf = context.as_of
      const promptSha = sha(`${system}\n${user}`)
      const rules = S.rulesRequest({ ...cfg, symbol: shownSymbol }, shownAsOf, daily, 0)
      const ch = i.arm.choice
      const cacheKey = answerKey({ choice: ch, promptSha, rules, barsPrint, t: i.t, imageShas, repeat: i.repeat })
      const llm = await step(
        'llm_analysis',
        {
          provider: ch.provider,
          model: ch.model,
          label: ch.label,
          promptVersionId: i.arm.prompt.versionId,
          images: imageShas,
          cacheKey,
        },
        async (io) => {
          const promptArtifactSha = S.storePrompt({ system, user }, io)
          const hit = i.fresh ? null : d.cache.get(cacheKey)
          let answer: AnalystAnswer
          let cost = 0
          if (hit) answer = hit.answer
          else {
            if (ch.provider !== 'rules') i.reserve(i.arm)
            answer = await analyst(i.arm, {
              system,
              user,
              images,
              rules,
              store: i.store,
              purpose: i.record ? 'decision' : 'self-test',
            })
            cost = answer.usage.reduce((s, u) => s + u.costMicros, 0)
            if (i.record && answer.outcome === 'draft') held.hold(() => d.cache.put(cacheKey, i.arm, answer, cost))
            // Every HTTP attempt into the usage ledger, under the eval run; no strategy, so an
            // evaluation never spends a live strategy's daily LLM budget.
            insertUsage(
              d.db,
              answer.usage.map((u) => ({
                at: d.now(),
                runId,
                strategyId: null,
                step: 'llm_analysis',
                provider: ch.provider,
                model: ch.model,
                purpose: `eval:${u.purpose}`,
                promptTokens: u.promptTokens,
                completionTokens: u.completionTokens,
                costMicros: u.costMicros,
                priced: u.priced,
                latencyMs: u.latencyMs,
                ok: u.ok,
                detail: u.detail,
              })),
            )
          }
          const rawSha = io.artifact(Buffer.from(answer.rawText), 'llm_text', 'text/plain; charset=utf-8')
          return {
            provider: ch.provider,
            model: ch.model,
            label: ch.label,
            promptSha256: promptArtifactSha,
            rawSha256: rawSha,
            rawText: answer.rawText,
            outcome: answer.outcome,
            reviewReason: answer.reviewReason,
            detail: answer.detail,
            cached: hit !== null,
            costMicros: cost,
            _answer: answer,
            _value: answer.value,
          }
        },
      )
      const answer = llm._answer
      const validation = S.validationContext({
        config: { ...cfg, symbol: shownSymbol },
        asOf: shownAsOf,
        daily,
        analysis: a,
        withWeekly,
        positionQty: 0,
      })
      const judged = await step('validate_signal', S.validateSignalInput(llm, validation), async () =>
        S.judgeSignal(llm, a.d.atr, validation),
      )
      // Back to real prices (and sides, mirrored) for the risk check and the simulated bracket.
      const verdict = realVerdict(judged, map)
      const risk = await step(
        'risk_check',
        { status: verdict.status, action: verdict.finalAction, risk: cfg.risk, mappedBack: !map.identity },
        async () =>
          riskCheck({
            verdict,
            risk: cfg.risk,
            account: { netLiquidation: i.capital, availableFunds: i.capital },
            portfolio: { positionQty: 0, grossExposure: 0, openPositions: 0 },
            quote: { last: real.daily.at(-1)!.c, ageMs: 0 },
            caps: {
              maxOrderNotional: i.capital,
              maxGrossExposurePct: 1,
              maxOpenPositions: 1,
              priceCollarPct: 0.05,
              maxQuoteAgeMs: 60_000,
            },
          }),
      )
      rec?.skip(
        'place_order',
        {},
        { reason: 'Evaluation: the bracket is simulated on the following bars, never sent.' },
      )
      rec?.skip('track_order', {}, { reason: 'Evaluation: nothing was sent.' })
      rec?.skip('update_portfolio', {}, { reason: 'Evaluation: nothing was sent.' })
      const summary = {
        evaluationId: i.evaluationId,
        asOf: i.t,
        analyst: ch.label,
        signal: { status: verdict.status, action: verdict.finalAction },
        risk: { kind: risk.kind, qty: risk.qty },
      }
      if (rec) {
        await rec.step('complete', { runId }, async () => ({ ...summary, status: 'succeeded' }))
        rec.finish('succeeded', null, summary)
      }
      return {
        runId,
        hashes: {
          bars: barsPrint,
          indicators: valueFingerprint({ daily: a.daily, weekly: a.weekly, strategy: a.strategy }),
          context: sha(contextJson),
          prompt: promptSha,
          answer: sha(answer.rawText),
        },
        ready: held.ready,
        commit: held.commit,
        cacheKey,
        cached: llm.cached,
        costMicros: llm.costMicros,
        verdict,
        risk,
        analysis: a,
      }
    } catch (e) {
      // What a failed decision made is kept (its files that reached the disk, their rows) for its run's record.
      await held.ready().catch(() => undefined)
      held.commit()
      if (rec)
        rec.finish('failed', e instanceof Error ? e.message : String(e), { evaluationId: i.evaluationId, asOf: i.t })
      throw e
    }
  }

  return { decide }
}

export { RULES_PROVIDER }
