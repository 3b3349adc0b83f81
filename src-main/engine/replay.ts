import { randomUUID } from 'node:crypto'
import type { Bar, IndicatorResult, RunStep } from '../contract/models'
import type { PromptContext } from '../contract/prompts'
import type {
  ComputeIndicatorsOutput,
  FetchMarketDataOutput,
  LlmAnalysisOutput,
  RenderChartsOutput,
  RiskCheckOutput,
  ValidateSignalOutput,
} from '../contract/steps'
import { CHART_IDS, tail } from '../domain/runs/analysis'
import { jsonDiff, type Difference } from '../domain/runs/diff'
import { validateSignal, type RulesRequest, type ValidationContext } from '../domain/signals'
import type { IndicatorSpec } from '../contract/indicators'
import { RpcError } from '../rpc/errors'
import { putArtifact, readArtifact, type ArtifactKind } from '../store/artifacts'
import { openBundle, reviewLibraryFile, type ReviewLibrary } from '../store/bundles'
import { getRun } from '../store/lineage-repo'
import { getStrategyRow } from '../store/strategies-repo'
import { insertUsage } from '../store/signals-repo'
import { chooseAnalyst } from './analyst'
import { storingIo, type RunEnvironment } from './run-environment'
import { startRun, type RunRecorder, type StepContext } from './run-recorder'
import { askAnalyst, computeIndicators, drawChart, renderPrompt, replayRiskCheck, storePrompt } from './steps'

// Replay (F19): re-run one recorded step from its stored inputs as a new run marked `replay`, with a
// diff against the original output. `cached` reuses what was recorded where the step called the
// outside world (the model), so its output is byte-identical; `fresh` asks again, with the same or
// another model or prompt version. Code-only steps (indicators, charts, validation, the risk check) are
// recomputed in both modes, which shows whether today's code still reaches the recorded result. Replays
// never reach the order path and never need a gateway (the risk check reuses the account it recorded).
//
// A run from an imported bundle (`review`) is replayed from the bundle's database: its steps and
// artifacts are read there, and the replay is written to this app's own store, labelled with the
// library and run it replays (the bundle stays byte-for-byte what was imported: its id is its hash, and
// it is evidence from another machine). The artifacts a replay reuses are copied into the store with it.

export const REPLAYABLE = [
  'compute_indicators',
  'render_charts',
  'llm_analysis',
  'validate_signal',
  'risk_check',
] as const
export type ReplayableStep = (typeof REPLAYABLE)[number]

export interface ReplayRequest {
  runId: string
  step: ReplayableStep
  mode: 'cached' | 'fresh'
  /** Fresh LLM replays: another model and/or prompt version. */
  model?: string | null
  promptVersionId?: string | null
  /** The review library (imported bundle) the run is in; absent: this app's store. */
  review?: string | null
}

export interface ReplayResult {
  runId: string
  identical: boolean
  differences: Difference[]
}

export interface ReplayDeps extends RunEnvironment {
  promptVersion(id: string): { id: string; system: string; body: string } | null
}

/** Where the replayed run is read from: this store, or an imported bundle. */
interface RunSource {
  getRun(runId: string): ReturnType<typeof getRun>
  readArtifact(sha256: string): { mime: string; content: Buffer } | null
  /** The library id of an imported bundle; null for this store. */
  library: string | null
  close(): void
}

const kindOf = (mime: string): ArtifactKind =>
  mime === 'image/png' ? 'chart' : mime === 'application/json' ? 'bars' : 'llm_text'

/** The parts of a recorded output that are about this replay, not the result: compared without them. */
const VOLATILE = new Set(['usage', 'attempts', 'rawSha256', 'promptSha256', 'signalId', 'capability'])
const comparable = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)))
    : v

export function createReplayer(d: ReplayDeps) {
  const io = (ctx: StepContext) => storingIo(d, ctx)

  function openSource(review: string | null | undefined): RunSource {
    if (!review)
      return {
        getRun: (id) => getRun(d.db, id),
        readArtifact: (sha) => readArtifact(d.db, d.dataDir, sha),
        library: null,
        close: () => undefined,
      }
    let lib: ReviewLibrary
    try {
      lib = openBundle(reviewLibraryFile(d.dataDir, review))
    } catch (e) {
      throw new RpcError('NOT_FOUND', `Review library ${review} cannot be opened: ${(e as Error).message}`)
    }
    return {
      getRun: (id) => lib.getRun(id),
      readArtifact: (sha) => lib.readArtifact(sha),
      library: review,
      close: lib.close,
    }
  }

  return {
    async replay(req: ReplayRequest): Promise<ReplayResult> {
      if (req.mode === 'cached' && (req.model || req.promptVersionId))
        throw new RpcError(
          'BAD_INPUT',
          'A cached replay reuses the recorded answer; choose "fresh" to change the model or the prompt version',
        )
      const src = openSource(req.review)
      try {
        return await replayFrom(src, req)
      } finally {
        src.close()
      }
    },
  }

  async function replayFrom(src: RunSource, req: ReplayRequest): Promise<ReplayResult> {
    const original = src.getRun(req.runId)
    if (!original)
      throw new RpcError('NOT_FOUND', `No run ${req.runId}${src.library ? ` in review library ${src.library}` : ''}`)
    const step = [...original.steps].reverse().find((s) => s.step === req.step && s.status === 'succeeded')
    if (!step) throw new RpcError('BAD_INPUT', `Run ${req.runId} has no successful ${req.step} step to replay`)
    const byStep = (id: RunStep['step']) => original.steps.find((s) => s.step === id && s.status === 'succeeded')
    // An imported run's original and strategy are not rows of this store: the replay names them instead.
    const imported = src.library ? { library: src.library, runId: original.id } : null
    const strategyId =
      original.strategyId && (!imported || getStrategyRow(d.db, original.strategyId)) ? original.strategyId : null
    const runId = randomUUID()
    const rec = startRun(
      { db: d.lineageDb, bus: d.bus, now: d.now, perfNow: d.perfNow, appVersion: d.appVersion },
      { id: runId, strategyId, trigger: 'replay', scheduledFor: null, replayOf: imported ? null : original.id },
    )
    const of = { replayOf: original.id, ...(imported ? { imported } : {}) }
    try {
      const output = await replayStep(src, rec, req, step, byStep)
      const differences = jsonDiff(comparable(step.output), comparable(output))
      const identical = JSON.stringify(step.output) === JSON.stringify(output)
      await rec.step('complete', { ...of, step: req.step, mode: req.mode }, async () => ({
        status: 'succeeded',
        replay: {
          of: original.id,
          ...(imported ? { imported } : {}),
          step: req.step,
          mode: req.mode,
          model: req.model ?? null,
          promptVersionId: req.promptVersionId ?? null,
          identical,
          differences,
        },
      }))
      rec.finish('succeeded', null, { ...of, step: req.step, identical, differences: differences.length })
      return { runId, identical, differences }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      rec.finish('failed', message, { ...of, step: req.step })
      throw e instanceof RpcError ? e : new RpcError('UNAVAILABLE', `Replay failed: ${message}`)
    }
  }

  async function replayStep(
    src: RunSource,
    rec: RunRecorder,
    req: ReplayRequest,
    step: RunStep,
    byStep: (id: RunStep['step']) => RunStep | undefined,
  ): Promise<unknown> {
    const input = step.input as Record<string, unknown>
    const replayInput = {
      ...input,
      replay: {
        of: req.runId,
        ...(src.library ? { library: src.library } : {}),
        mode: req.mode,
        model: req.model ?? null,
        promptVersionId: req.promptVersionId ?? null,
      },
    }
    const artifactJson = <T>(sha: string | undefined, what: string): T => {
      const a = sha ? src.readArtifact(sha) : null
      if (!a)
        throw new RpcError(
          'NOT_FOUND',
          `The recorded ${what} (artifact ${sha ?? 'missing'}) is not in ` +
            (src.library ? `review library ${src.library}` : 'this store; it may have been removed by retention.'),
        )
      return JSON.parse(a.content.toString('utf8')) as T
    }
    /** Reuse a recorded artifact in the replay (copied into this store when it came from a bundle). */
    const reuse = (ctx: StepContext, sha: string) => {
      if (src.library) {
        const a = src.readArtifact(sha)
        if (!a) throw new RpcError('NOT_FOUND', `Artifact ${sha} is not in review library ${src.library}`)
        putArtifact(d.db, d.dataDir, a.content, kindOf(a.mime), a.mime, d.now())
      }
      ctx.artifact(sha)
    }
    switch (req.step) {
      case 'compute_indicators':
        return rec.step('compute_indicators', replayInput, async (ctx) => {
          const bars = artifactJson<{ daily: Bar[]; weekly: Bar[] | null }>(input.barsSha256 as string, 'bars')
          const { _analysis, ...out } = computeIndicators(
            {
              daily: bars.daily,
              weekly: bars.weekly,
              indicators: (input.strategy as IndicatorSpec[]) ?? [],
              withWeekly: Boolean(input.weekly),
            },
            io(ctx),
          )
          return out satisfies ComputeIndicatorsOutput
        })
      case 'render_charts':
        return rec.step('render_charts', replayInput, async (ctx) => {
          const bars = artifactJson<{ daily: Bar[]; weekly: Bar[] | null }>(input.barsSha256 as string, 'bars')
          const arrays = artifactJson<{ daily: IndicatorResult[]; weekly: IndicatorResult[] | null }>(
            input.indicatorsSha256 as string,
            'indicator arrays',
          )
          const recorded = (step.output as RenderChartsOutput).images
          const capture = await d.capture()
          const images = []
          for (const img of recorded) {
            const weekly = img.timeframe === '1W'
            const source = weekly ? bars.weekly! : bars.daily
            const drawn = await drawChart(
              capture,
              {
                timeframe: img.timeframe,
                title: img.title,
                width: img.width,
                height: img.height,
                bars: source.slice(-img.bars),
                indicators: tail(
                  (weekly ? arrays.weekly : arrays.daily) ?? [],
                  weekly ? CHART_IDS.weekly : CHART_IDS.daily,
                  img.bars,
                ),
              },
              io(ctx),
            )
            images.push({ ...img, sha256: drawn.sha256 })
          }
          return { images } satisfies RenderChartsOutput
        })
      case 'llm_analysis':
        return rec.step('llm_analysis', replayInput, async (ctx) => {
          const recorded = step.output as LlmAnalysisOutput
          if (req.mode === 'cached') {
            for (const sha of step.artifacts) reuse(ctx, sha)
            return recorded
          }
          const context = input.context as PromptContext | undefined
          if (!context)
            throw new RpcError(
              'BAD_INPUT',
              'This run was recorded before prompt contexts were kept; only a cached replay is possible',
            )
          let prompt: { system: string; user: string }
          if (req.promptVersionId) {
            const v = d.promptVersion(req.promptVersionId)
            if (!v) throw new RpcError('NOT_FOUND', `No prompt version ${req.promptVersionId}`)
            prompt = await renderPrompt(v, context)
          } else {
            const text = src.readArtifact(recorded.promptSha256)?.content.toString('utf8') ?? ''
            const m = /^# system\n([\s\S]*)\n\n# user\n([\s\S]*)\n$/.exec(text)
            if (!m) throw new RpcError('NOT_FOUND', 'The recorded prompt is missing from where the run is stored')
            prompt = { system: m[1]!, user: m[2]! }
          }
          const promptSha256 = storePrompt(prompt, io(ctx))
          const cfg = await d.analystConfig()
          const provider = req.model ? 'openai' : recorded.provider
          const choice = chooseAnalyst(
            { provider, model: req.model ?? (recorded.provider === 'openai' ? recorded.model : null) },
            cfg,
          )
          const images = ((input.images as string[] | undefined) ?? []).map((sha) => {
            const a = src.readArtifact(sha)
            if (!a) throw new RpcError('NOT_FOUND', `Chart image ${sha} is not where the run is stored`)
            return a.content
          })
          const rules = (): RulesRequest => {
            const bars = artifactJson<{ daily: Bar[] }>(
              (byStep('fetch_market_data')?.output as FetchMarketDataOutput | undefined)?.barsSha256,
              'bars',
            )
            return {
              symbol: context.symbol,
              asOf: context.as_of,
              timeframes: context.timeframe,
              bars: bars.daily,
              position: context.position.side,
              allowShort: context.risk.allow_short,
              tickSize: context.tick_size,
              minR: context.risk.min_r,
              minProfitMargin: (
                byStep('validate_signal')?.input as { context?: { policy?: { minProfitMargin?: number } } } | undefined
              )?.context?.policy?.minProfitMargin,
              lastPrice: (byStep('fetch_market_data')?.output as FetchMarketDataOutput | undefined)?.quote.last ?? null,
            }
          }
          const { _value: value, ...out } = await askAnalyst(
            {
              analyst: choice,
              prompt,
              promptSha256,
              images: () => images,
              rules,
              budgetUsd: null,
              usage: { runId: rec.runId, strategyId: null, purposePrefix: 'replay:' },
            },
            {
              capabilities: d.capabilities,
              now: d.now,
              spentMicros: () => 0,
              recordUsage: (rows) => insertUsage(d.db, rows),
            },
            io(ctx),
          )
          // What the new answer would have become: validated with the original run's context (never an order).
          const vInput = byStep('validate_signal')?.input as { context?: ValidationContext } | undefined
          if (vInput?.context)
            await rec.step(
              'validate_signal',
              { answer: value, outcome: out.outcome, context: vInput.context, replay: true },
              async () =>
                out.outcome === 'review'
                  ? { status: 'REVIEW', finalAction: 'REVIEW', reviewReason: out.reviewReason }
                  : validateSignal(value, vInput.context!),
            )
          return out satisfies LlmAnalysisOutput
        })
      case 'validate_signal':
        return rec.step('validate_signal', replayInput, async () => {
          const recorded = step.output as ValidateSignalOutput
          const v = input as { answer: unknown; outcome: string; context: ValidationContext }
          if (v.outcome === 'review') return recorded
          return { signalId: recorded.signalId, ...validateSignal(v.answer, v.context) }
        })
      case 'risk_check':
        return rec.step('risk_check', replayInput, async () => {
          const signal = byStep('validate_signal')?.output as ValidateSignalOutput | undefined
          const data = byStep('fetch_market_data')?.output as FetchMarketDataOutput | undefined
          if (!signal || !data)
            throw new RpcError('BAD_INPUT', 'The run has no recorded signal or market data for its risk check')
          try {
            return replayRiskCheck({
              input,
              signal,
              data,
              account: (step.output as RiskCheckOutput).account,
              at: (step.output as RiskCheckOutput).at ?? step.startedAt,
            }) satisfies RiskCheckOutput
          } catch (e) {
            throw new RpcError('BAD_INPUT', (e as Error).message)
          }
        })
    }
  }
}

export type Replayer = ReturnType<typeof createReplayer>
