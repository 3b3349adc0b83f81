import { createHash, randomUUID } from 'node:crypto'
import type { Bar } from '../../contract/models'
import type { Strategy } from '../../contract/strategies'
import { asOfInputs } from '../../domain/evaluation/calendar'
import { nyDate } from '../../domain/indicators/ny-time'
import { createPromptEngine, renderTemplate } from '../../domain/prompts/engine'
import { analyse, CHART_IDS, DAILY_SPECS, tail, WEEKLY_SPECS, type Analysis } from '../../domain/runs/analysis'
import { buildPromptContext } from '../../domain/runs/context'
import { CHART_BARS } from '../../domain/runs/market-data'
import { riskCheck, type RiskDecision } from '../../domain/runs/risk'
import { RULES_PROVIDER } from '../../domain/signals/rules-analyst'
import { validateSignal, type SignalVerdict, type ValidationContext } from '../../domain/signals'
import { putArtifact, type ArtifactKind } from '../../store/artifacts'
import { askModel, askRules, type AnalystAnswer, type AnalystChoice } from '../analyst'
import { CHART_SPEC_VERSION, type ResolvedPrompt, type RunEnvironment } from '../executor'
import { startRun, type RunRecorder } from '../run-recorder'

// "Run the pipeline's steps as of date t" (EVALUATION.md §1). The inputs are rebuilt from a bar store
// as it stood at the close of t; indicators, chart images, the prompt context and template, the
// analyst, validation and the risk check are the run pipeline's own functions. Each decision is
// recorded as a run with trigger `eval`. When the step modules of issue #11 land, the step bodies
// here become calls into src-main/engine/steps/* with an as-of data source.

/** Answers are cached by a hash of everything that reaches the model; bumped if that set changes. */
export const ANSWER_SCHEMA_VERSION = 1
/** Daily bars handed to a decision (what the executor's '2y' history holds). */
export const WARMUP_BARS = 504
const CHART_SIZE = { width: 1024, height: 640 } as const

export interface ArmSpec {
  label: string
  choice: AnalystChoice
  prompt: ResolvedPrompt
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
}

export interface Decision {
  runId: string | null
  /** Hash of each input artifact (look-ahead self-test). */
  hashes: { bars: string; indicators: string; context: string; prompt: string; answer: string }
  cacheKey: string
  cached: boolean
  costMicros: number
  verdict: SignalVerdict
  risk: RiskDecision
  analysis: Analysis
}

const describe = (bars: readonly Bar[]) => ({
  count: bars.length,
  first: bars.length ? nyDate(bars[0]!.t) : null,
  last: bars.length ? nyDate(bars.at(-1)!.t) : null,
  lastClose: bars.at(-1)?.c ?? null,
})

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
  const liquid = createPromptEngine()
  const analyst = d.analyst ?? defaultAnalyst(d)

  async function decide(i: DecideInput): Promise<Decision> {
    const cfg = i.strategy.config
    const withWeekly = cfg.timeframes !== '1D'
    const runId = i.record ? randomUUID() : null
    const rec: RunRecorder | null = runId
      ? startRun(
          { db: d.lineageDb, bus: d.bus, now: d.now, perfNow: d.perfNow, appVersion: d.appVersion },
          { id: runId, strategyId: i.strategy.id, trigger: 'eval', scheduledFor: null, replayOf: null },
        )
      : null
    const step = <T>(name: Parameters<RunRecorder['step']>[0], input: unknown, fn: () => Promise<T>): Promise<T> =>
      rec ? rec.step(name, input, fn) : fn()
    const store = (content: string | Buffer, kind: ArtifactKind, mime: string) =>
      i.record ? putArtifact(d.db, d.dataDir, Buffer.from(content), kind, mime, d.now()).sha256 : sha(content)
    try {
      rec?.skip('check_session', {}, { reason: `Evaluation ${i.evaluationId}: as-of replay of ${i.t}, no session.` })
      await step('load_strategy', { strategyId: i.strategy.id, evaluationId: i.evaluationId }, async () => ({
        strategy: { id: i.strategy.id, name: i.strategy.name, revision: i.strategy.revision, config: cfg },
        prompt: i.arm.prompt,
        analyst: { provider: i.arm.choice.provider, model: i.arm.choice.model, label: i.arm.choice.label },
        evaluationId: i.evaluationId,
      }))
      const inputs = asOfInputs(i.store, i.t, WARMUP_BARS)
      const daily = inputs.daily
      const weekly = withWeekly ? inputs.weekly : null
      const barsJson = JSON.stringify({ daily, weekly })
      const fetched = await step('fetch_market_data', { conid: cfg.conid, asOf: i.t, asOfReplay: true }, async () => {
        if (daily.length === 0) throw new Error(`No daily bars closed by ${i.t}`)
        return {
          barsSha256: store(barsJson, 'bars', 'application/json'),
          instrument: { conid: cfg.conid, symbol: cfg.symbol, exchange: 'SMART', currency: 'USD', source: 'cache' },
          asOf: i.t,
          droppedFormingBar: false,
          daily: describe(daily),
          weekly: weekly ? { ...describe(weekly), partialLast: true } : null,
        }
      })
      const barsSha = fetched.barsSha256
      const ind = await step(
        'compute_indicators',
        { barsSha256: barsSha, daily: DAILY_SPECS, weekly: withWeekly ? WEEKLY_SPECS : null, strategy: cfg.indicators },
        async () => {
          const a = analyse(daily, weekly, cfg.indicators)
          const json = JSON.stringify({ daily: a.daily, weekly: a.weekly, strategy: a.strategy })
          return {
            indicatorsSha256: store(json, 'indicators', 'application/json'),
            d: a.d,
            w: withWeekly ? a.w : null,
            confirmation: a.confirmation,
            levels: a.levels,
            _analysis: a,
            _json: json,
          }
        },
      )
      const a = ind._analysis
      const indJson = ind._json
      const closeAt = daily.at(-1)!.t
      const images: Buffer[] = []
      const imageShas: string[] = []
      if (i.arm.choice.provider === 'rules') {
        rec?.skip('render_charts', { barsSha256: barsSha }, { reason: 'The rules analyst reads no chart image.' })
      } else {
        await step(
          'render_charts',
          { barsSha256: barsSha, specVersion: CHART_SPEC_VERSION, size: CHART_SIZE },
          async () => {
            const capture = await d.capture()
            const draw = async (
              tf: '1D' | '1W',
              bars: Bar[],
              res: Analysis['daily'],
              ids: readonly string[],
              n: number,
            ) => {
              const shown = bars.slice(-n)
              const l = shown.at(-1)!
              const title = `${cfg.symbol} · ${tf} · ${i.t} · O ${l.o.toFixed(2)} H ${l.h.toFixed(2)} L ${l.l.toFixed(2)} C ${l.c.toFixed(2)}`
              const png = await capture.capture({
                title,
                ...CHART_SIZE,
                bars: shown,
                indicators: tail(res, ids, n),
                levels: null,
              })
              images.push(png)
              imageShas.push(store(png, 'chart', 'image/png'))
            }
            await draw('1D', daily, a.daily, CHART_IDS.daily, CHART_BARS.daily)
            if (weekly && a.weekly) await draw('1W', weekly, a.weekly, CHART_IDS.weekly, CHART_BARS.weekly)
            return { images: imageShas }
          },
        )
      }
      const context = buildPromptContext({
        now: closeAt,
        instrument: { symbol: cfg.symbol, exchange: 'SMART', currency: 'USD', tickSize: 0.01, conid: cfg.conid },
        asOf: i.t,
        daily,
        analysis: a,
        strategy: { name: i.strategy.name, config: cfg },
        position: { side: 'flat', qty: 0, avg_price: null, upl_pct: null, stop: null },
        previous: [],
        charts: {
          nDaily: Math.min(CHART_BARS.daily, daily.length),
          nWeekly: weekly ? Math.min(CHART_BARS.weekly, weekly.length) : 0,
        },
      })
      const contextJson = JSON.stringify(context)
      const system = await renderTemplate(liquid, i.arm.prompt.system, context)
      const user = await renderTemplate(liquid, i.arm.prompt.body, context)
      const rules = {
        symbol: cfg.symbol,
        asOf: i.t,
        timeframes: cfg.timeframes,
        bars: daily,
        position: 'flat' as const,
        allowShort: cfg.risk.allowShort,
        tickSize: 0.01,
      }
      const ch = i.arm.choice
      const cacheKey = sha(
        JSON.stringify({
          v: ANSWER_SCHEMA_VERSION,
          provider: ch.provider,
          model: ch.model,
          endpoint: ch.provider === 'openai' ? (ch.endpoint.baseURL ?? 'openai') : null,
          prompt: ch.provider === 'rules' ? sha(JSON.stringify(rules.bars)) + i.t : sha(`${system}\n${user}`),
          images: imageShas,
          temperature: 0,
          seed: null,
        }),
      )
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
        async () => {
          const promptSha = store(`# system\n${system}\n\n# user\n${user}\n`, 'prompt', 'text/plain; charset=utf-8')
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
            if (i.record && answer.outcome === 'draft') d.cache.put(cacheKey, i.arm, answer, cost)
          }
          const rawSha = store(answer.rawText, 'llm_text', 'text/plain; charset=utf-8')
          return {
            provider: ch.provider,
            model: ch.model,
            label: ch.label,
            promptSha256: promptSha,
            rawSha256: rawSha,
            rawText: answer.rawText,
            outcome: answer.outcome,
            reviewReason: answer.reviewReason,
            detail: answer.detail,
            cached: hit !== null,
            costMicros: cost,
            _answer: answer,
          }
        },
      )
      const answer = llm._answer
      const validation: ValidationContext = {
        symbol: cfg.symbol,
        asOf: i.t,
        timeframes: cfg.timeframes,
        lastClose: daily.at(-1)!.c,
        atr: a.d.atr ?? NaN,
        weeklyAtr: withWeekly ? a.w.atr : null,
        tickSize: 0.01,
        barsLow: Math.min(...daily.slice(-CHART_BARS.daily).map((b) => b.l)),
        barsHigh: Math.max(...daily.slice(-CHART_BARS.daily).map((b) => b.h)),
        position: 'flat',
        policy: {
          minR: cfg.risk.minR,
          minProfitMargin: cfg.risk.minProfitMargin,
          minConfidence: cfg.risk.minConfidence,
          allowShort: cfg.risk.allowShort,
          allowPyramiding: cfg.risk.allowPyramiding,
          combination: cfg.risk.combination,
        },
        confirmation: { bull: a.confirmation.bull_count, bear: a.confirmation.bear_count },
      }
      const verdict = await step('validate_signal', { outcome: answer.outcome, context: validation }, async () =>
        answer.outcome === 'review' || a.d.atr === null
          ? ({
              status: 'REVIEW',
              finalAction: 'REVIEW',
              reviewReason: answer.reviewReason ?? 'no_atr',
              violations: [{ rule: 'provider', severity: 'review', message: answer.detail ?? 'no ATR on these bars' }],
              flags: [],
              draft: null,
              confidenceLevel: null,
              numbers: null,
            } as SignalVerdict)
          : validateSignal(answer.value, validation),
      )
      const risk = await step(
        'risk_check',
        { status: verdict.status, action: verdict.finalAction, risk: cfg.risk },
        async () =>
          riskCheck({
            verdict,
            risk: cfg.risk,
            account: { netLiquidation: i.capital, availableFunds: i.capital },
            portfolio: { positionQty: 0, grossExposure: 0, openPositions: 0 },
            quote: { last: daily.at(-1)!.c, ageMs: 0 },
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
          bars: sha(barsJson),
          indicators: sha(indJson),
          context: sha(contextJson),
          prompt: sha(`${system}\n${user}`),
          answer: sha(answer.rawText),
        },
        cacheKey,
        cached: llm.cached,
        costMicros: llm.costMicros,
        verdict,
        risk,
        analysis: a,
      }
    } catch (e) {
      if (rec)
        rec.finish('failed', e instanceof Error ? e.message : String(e), { evaluationId: i.evaluationId, asOf: i.t })
      throw e
    }
  }

  return { decide }
}

export { RULES_PROVIDER }
