import type { Bar } from '../../contract/models'
import type { PromptContext } from '../../contract/prompts'
import type { FetchMarketDataOutput, LlmAnalysisOutput } from '../../contract/steps'
import type { Strategy } from '../../contract/strategies'
import { createPromptEngine, renderTemplate } from '../../domain/prompts/engine'
import type { Analysis } from '../../domain/runs/analysis'
import { buildPromptContext } from '../../domain/runs/context'
import { CHART_BARS, nyDate } from '../../domain/runs/market-data'
import type { RulesRequest } from '../../domain/signals'
import type { UsageRow } from '../../store/signals-repo'
import {
  askModel,
  askRules,
  budgetRefusal,
  type AnalystAnswer,
  type AnalystChoice,
  type CapabilityCache,
} from '../analyst'
import { incrementOf, positionSide, TICK_SIZE, type StepIo } from './types'

// Step 6, llm_analysis: the prompt rendered from the one prompt context, asked of the chosen
// analyst (the offline rules analyst or an OpenAI-compatible model), its raw answer and usage kept.

/** A strategy's earlier signal, for the prompt's `previous_analyses`. */
export interface PreviousSignal {
  createdAt: number
  /** The signal's session (YYYY-MM-DD); default: the New York date of `createdAt`. */
  date?: string
  action: string
  outcome: unknown
  /** Realised R of the trade the signal led to, once closed (as of the run); null otherwise. */
  rMultiple?: number | null
}

export interface PromptContextInput {
  now: number
  strategy: Pick<Strategy, 'name' | 'config'>
  data: Pick<FetchMarketDataOutput, 'instrument' | 'asOf' | 'position'>
  daily: readonly Bar[]
  weekly: readonly Bar[] | null
  analysis: Analysis
  /** Newest first. */
  previous: PreviousSignal[]
  /** The open position's working stop (its bracket's stop leg); null when flat or without one. */
  positionStop?: number | null
}

/** The one prompt context (LLM.md §8), recorded as this step's input. */
export function promptContext(i: PromptContextInput): PromptContext {
  const cfg = i.strategy.config
  const p = i.data.position
  return buildPromptContext({
    now: i.now,
    instrument: {
      symbol: cfg.symbol,
      exchange: i.data.instrument.exchange,
      currency: i.data.instrument.currency,
      tickSize: incrementOf(i.data),
      conid: cfg.conid,
    },
    asOf: i.data.asOf,
    daily: i.daily,
    analysis: i.analysis,
    strategy: { name: i.strategy.name, config: cfg },
    position: {
      side: positionSide(p.qty),
      qty: Math.abs(p.qty),
      avg_price: p.avgCost,
      upl_pct: p.avgCost && p.marketPrice ? ((p.marketPrice - p.avgCost) / p.avgCost) * 100 * Math.sign(p.qty) : null,
      stop: p.qty !== 0 ? (i.positionStop ?? null) : null,
    },
    previous: i.previous.map((s) => ({
      date: s.date ?? nyDate(s.createdAt),
      action: s.action,
      r_multiple: s.rMultiple ?? null,
      outcome: s.outcome === null ? null : JSON.stringify(s.outcome),
    })),
    charts: {
      nDaily: Math.min(CHART_BARS.daily, i.daily.length),
      nWeekly: i.weekly ? Math.min(CHART_BARS.weekly, i.weekly.length) : 0,
    },
  })
}

let liquid: ReturnType<typeof createPromptEngine> | null = null

/** The prompt as the model reads it: the template's system and user parts rendered with the context. */
export async function renderPrompt(
  template: { system: string; body: string },
  context: PromptContext,
): Promise<{ system: string; user: string }> {
  liquid ??= createPromptEngine()
  return {
    system: await renderTemplate(liquid, template.system, context),
    user: await renderTemplate(liquid, template.body, context),
  }
}

/** Keep the rendered prompt as an artifact; returns its sha256 (the first thing this step stores). */
export function storePrompt(prompt: { system: string; user: string }, io: StepIo): string {
  const text = `# system\n${prompt.system}\n\n# user\n${prompt.user}\n`
  return io.artifact(Buffer.from(text), 'prompt', 'text/plain; charset=utf-8')
}

/** What the rules analyst reads for this strategy: the daily bars and the position. */
export function rulesRequest(
  cfg: Pick<Strategy['config'], 'symbol' | 'timeframes' | 'risk'>,
  asOf: string,
  daily: readonly Bar[],
  positionQty: number,
  market: { increment: number; lastPrice: number | null } = { increment: TICK_SIZE, lastPrice: null },
): RulesRequest {
  return {
    symbol: cfg.symbol,
    asOf,
    timeframes: cfg.timeframes,
    bars: daily,
    position: positionSide(positionQty),
    allowShort: cfg.risk.allowShort,
    tickSize: market.increment,
    minR: cfg.risk.minR,
    minProfitMargin: cfg.risk.minProfitMargin,
    lastPrice: market.lastPrice,
  }
}

export function llmAnalysisInput(
  analyst: AnalystChoice,
  promptVersionId: string | null,
  images: { sha256: string }[],
  context: PromptContext,
) {
  return {
    provider: analyst.provider,
    model: analyst.model,
    label: analyst.label,
    promptVersionId,
    images: images.map((i) => i.sha256),
    context,
  }
}

export interface AskInput {
  analyst: AnalystChoice
  prompt: { system: string; user: string }
  promptSha256: string
  /** The chart PNGs, in order (daily, weekly); read only when a model is asked. */
  images: () => Buffer[]
  /** What the rules analyst reads (it sees no prompt); read only when it is the analyst. */
  rules: () => RulesRequest
  /** The strategy's daily LLM budget in dollars (a model is not called once it is spent), or null. */
  budgetUsd: number | null
  /** Who the usage rows belong to; `purposePrefix` marks replays (`replay:`). */
  usage: { runId: string; strategyId: string | null; purposePrefix: string }
}

export interface LlmAnalysisServices {
  capabilities: CapabilityCache
  now: () => number
  /** Micro-dollars this strategy spent on the model in the last 24 h. */
  spentMicros: () => number
  recordUsage(rows: UsageRow[]): void
}

export type LlmAnalysisResult = LlmAnalysisOutput & { _value: unknown }

/** Ask the analyst with an already stored prompt; keeps the raw answer and records the usage. */
export async function askAnalyst(i: AskInput, s: LlmAnalysisServices, io: StepIo): Promise<LlmAnalysisResult> {
  const analyst = i.analyst
  const spent = s.spentMicros()
  let answer: AnalystAnswer
  // A spent budget, or a model with no known price under a budget (never counted as $0): not called.
  const overBudget = budgetRefusal(analyst, i.budgetUsd, spent)
  if (overBudget !== null) {
    answer = {
      outcome: 'review',
      value: null,
      reviewReason: 'provider_error',
      detail: overBudget,
      rawText: '',
      attempts: [],
      usage: [],
      capability: null,
    }
  } else if (analyst.provider === 'rules') answer = await askRules(i.rules())
  else answer = await askModel(analyst, { ...i.prompt, images: i.images() }, s.capabilities, s.now)
  const rawSha256 = io.artifact(Buffer.from(answer.rawText), 'llm_text', 'text/plain; charset=utf-8')
  s.recordUsage(
    answer.usage.map((u) => ({
      at: s.now(),
      runId: i.usage.runId,
      strategyId: i.usage.strategyId,
      step: 'llm_analysis',
      provider: analyst.provider,
      model: analyst.model,
      purpose: `${i.usage.purposePrefix}${u.purpose}`,
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      costMicros: u.costMicros,
      priced: u.priced,
      latencyMs: u.latencyMs,
      ok: u.ok,
      detail: u.detail,
    })),
  )
  const total = answer.usage.reduce(
    (t, u) => ({
      promptTokens: t.promptTokens + u.promptTokens,
      completionTokens: t.completionTokens + u.completionTokens,
      costMicros: t.costMicros + u.costMicros,
      priced: t.priced && u.priced,
      latencyMs: t.latencyMs + u.latencyMs,
    }),
    { promptTokens: 0, completionTokens: 0, costMicros: 0, priced: true, latencyMs: 0 },
  )
  return {
    provider: analyst.provider,
    model: analyst.model,
    label: analyst.label,
    promptSha256: i.promptSha256,
    rawSha256,
    rawText: answer.rawText,
    outcome: answer.outcome,
    reviewReason: answer.reviewReason,
    detail: answer.detail,
    usage: total,
    attempts: answer.attempts.map(({ rawText: _t, ...rest }) => rest),
    capability: answer.capability,
    _value: answer.value,
  }
}

/** The whole step: render the template, keep the prompt, ask the analyst. */
export async function llmAnalysis(
  i: Omit<AskInput, 'prompt' | 'promptSha256'> & { template: { system: string; body: string }; context: PromptContext },
  s: LlmAnalysisServices,
  io: StepIo,
): Promise<LlmAnalysisResult> {
  const prompt = await renderPrompt(i.template, i.context)
  const promptSha256 = storePrompt(prompt, io)
  return askAnalyst({ ...i, prompt, promptSha256 }, s, io)
}
