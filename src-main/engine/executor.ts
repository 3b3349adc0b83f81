import { randomUUID } from 'node:crypto'
import { GATEWAY_STATE_LABEL, type Bar } from '../contract/models'
import type { Strategy } from '../contract/strategies'
import type { Broker } from '../broker/broker'
import type { ChartCapture } from '../charts/capture'
import { createPromptEngine, renderTemplate } from '../domain/prompts/engine'
import { analyse, CHART_IDS, DAILY_SPECS, tail, WEEKLY_SPECS, type Analysis } from '../domain/runs/analysis'
import { buildPromptContext } from '../domain/runs/context'
import { CHART_BARS, nyDate, prepareBars } from '../domain/runs/market-data'
import { orderIntent, riskCheck, type RiskCaps, type RiskDecision } from '../domain/runs/risk'
import { validateSignal, type SignalVerdict, type ValidationContext } from '../domain/signals'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import { putArtifact } from '../store/artifacts'
import type { Db } from '../store/db'
import { runningRunOf, strategyRunStartsSince } from '../store/lineage-repo'
import { insertSignal, insertUsage, recentSignals, strategySpendSince } from '../store/signals-repo'
import {
  askModel,
  askRules,
  chooseAnalyst,
  type AnalystAnswer,
  type AnalystConfig,
  type CapabilityCache,
} from './analyst'
import type { GatewayConnection } from './gateway-status'
import type { MarketService } from './market'
import { startRun, StepFailure, type RunRecorder } from './run-recorder'
import type { StrategyService } from './strategies'
import type { Approvals } from './approvals'
import type { OrderIntent, OrderManager } from './order-manager'
import { getOrder, type OrderRow } from '../store/orders-repo'
import type { PlaceOrderOutput, SubmittedOrder } from '../contract/steps'

// The run executor (F8): the canonical steps of PRODUCT.md, in order, each recorded by the run
// recorder when it ends. In this part `place_order` is a dry run for every mode: it records the exact
// orders it would send, with their client order ids, and sends nothing.

export interface ResolvedPrompt {
  versionId: string | null
  name: string
  version: number | null
  system: string
  body: string
}

/** What every service that records runs needs: stores, clock, artifacts, the capture page and the analyst. */
export interface RunEnvironment {
  db: Db
  /** The lineage connection (synchronous=NORMAL) the run recorder writes through. */
  lineageDb: Db
  bus: EventBus
  now(): number
  perfNow(): number
  dataDir: string
  appVersion: string
  /** The warm chart-capture page, started on first use. */
  capture(): Promise<ChartCapture>
  analystConfig(): Promise<AnalystConfig>
  capabilities: CapabilityCache
}

export interface ExecutorDeps extends RunEnvironment {
  strategies: StrategyService
  gateway(): GatewayConnection
  broker(): Broker
  market: MarketService
  prompt(strategy: Strategy): ResolvedPrompt
  caps(): RiskCaps
  orders(): OrderManager
  approvals(): Approvals
}

export interface RunRequest {
  trigger: 'manual' | 'schedule'
  scheduledFor?: number | null
}

export interface Executor {
  /** Create the run and start it; resolves with its id once the `runs` row exists. */
  start(strategyId: string, req?: RunRequest): { runId: string; done: Promise<'succeeded' | 'failed'> }
  /** Runs in progress, by strategy id. */
  running(): string[]
  /** Wait for every run in progress (shutdown). */
  drain(): Promise<void>
}

const DAY = 86_400_000
const CHART_SIZE = { width: 1024, height: 640 } as const
export const CHART_SPEC_VERSION = 1

export function createExecutor(d: ExecutorDeps): Executor {
  const inFlight = new Map<string, Promise<'succeeded' | 'failed'>>()
  const liquid = createPromptEngine()

  function daySeqFor(strategyId: string): number {
    const today = nyDate(d.now())
    return strategyRunStartsSince(d.db, strategyId, d.now() - 2 * DAY).filter((t) => nyDate(t) === today).length + 1
  }

  return {
    start(strategyId, req = { trigger: 'manual' }) {
      const strategy = d.strategies.get(strategyId)
      if (inFlight.has(strategyId) || runningRunOf(d.db, strategyId))
        throw new RpcError('CONFLICT', `${strategy.name} already has a run in progress; wait for it to finish.`)
      const runId = randomUUID()
      const daySeq = daySeqFor(strategyId)
      let rec: RunRecorder
      try {
        rec = startRun(
          { db: d.lineageDb, bus: d.bus, now: d.now, perfNow: d.perfNow, appVersion: d.appVersion },
          {
            id: runId,
            strategyId,
            trigger: req.trigger,
            scheduledFor: req.scheduledFor ?? null,
            replayOf: null,
            daySeq,
          },
        )
      } catch (e) {
        // runs(strategy, scheduled_for) is unique: this fire already has its run.
        if (String(e).includes('UNIQUE'))
          throw new RpcError(
            'CONFLICT',
            `${strategy.name} already ran for ${new Date(req.scheduledFor ?? 0).toISOString()}`,
          )
        throw e
      }
      const done = execute(rec, strategy, daySeq).finally(() => inFlight.delete(strategyId))
      inFlight.set(strategyId, done)
      return { runId, done }
    },
    running: () => [...inFlight.keys()],
    async drain() {
      await Promise.allSettled([...inFlight.values()])
    },
  }

  async function execute(rec: RunRecorder, strategy: Strategy, daySeq: number): Promise<'succeeded' | 'failed'> {
    const t0 = d.perfNow()
    const summary: Record<string, unknown> = { strategy: strategy.name, mode: strategy.mode }
    try {
      await pipeline(rec, strategy, daySeq, summary)
      await rec.step('complete', { runId: rec.runId }, async () => ({
        ...summary,
        status: 'succeeded',
        durationMs: d.perfNow() - t0,
      }))
      rec.finish('succeeded', null, summary)
      return 'succeeded'
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      await rec.step('complete', { runId: rec.runId }, async () => ({
        ...summary,
        status: 'failed',
        error: message,
        durationMs: d.perfNow() - t0,
      }))
      rec.finish('failed', message, summary)
      d.bus.emit('alerts.raised', {
        id: `run-${rec.runId}`,
        level: 'error',
        title: 'Run failed',
        message: `${strategy.name}: ${message}`,
        at: d.now(),
      })
      return 'failed'
    }
  }

  async function pipeline(
    rec: RunRecorder,
    strategy: Strategy,
    daySeq: number,
    summary: Record<string, unknown>,
  ): Promise<void> {
    const cfg = strategy.config
    const session = await rec.step('check_session', { gateway: d.gateway().current().url }, async () => {
      const s = d.gateway().current()
      if (s.state !== 'authenticated')
        throw new StepFailure(
          `The gateway is ${GATEWAY_STATE_LABEL[s.state].toLowerCase()}: log in on the Connection page, then run again.`,
          { state: s.state },
        )
      if (!s.account)
        throw new StepFailure('No account is selected: pick one on the Connection page.', { state: s.state })
      return { state: s.state, account: s.account, paper: s.paper, url: s.url }
    })
    const account = session.account

    const loaded = await rec.step('load_strategy', { strategyId: strategy.id }, async () => {
      const prompt = d.prompt(strategy)
      const analyst = chooseAnalyst(cfg, await d.analystConfig())
      return {
        strategy: { id: strategy.id, key: strategy.key, name: strategy.name, revision: strategy.revision, config: cfg },
        prompt,
        analyst: { provider: analyst.provider, model: analyst.model, label: analyst.label } as const,
        _analyst: analyst,
      }
    })
    const analyst = loaded._analyst
    summary.analyst = analyst.label

    const withWeekly = cfg.timeframes !== '1D'
    const data = await rec.step(
      'fetch_market_data',
      {
        conid: cfg.conid,
        symbol: cfg.symbol,
        daily: { bar: '1d', period: '2y' },
        weekly: withWeekly ? { bar: '1w', period: '3y' } : null,
      },
      async (ctx) => {
        const [details, dailyRaw, weeklyRaw, quote, positions] = await Promise.all([
          d.market.details(cfg.conid),
          d.market.history({ conid: cfg.conid, bar: '1d', period: '2y', outsideRth: false }),
          withWeekly
            ? d.market.history({ conid: cfg.conid, bar: '1w', period: '3y', outsideRth: false })
            : Promise.resolve(null),
          d.broker().snapshot([cfg.conid], ['31', '84', '86']),
          d.broker().positions(account),
        ])
        const prepared = prepareBars(dailyRaw, weeklyRaw, d.now())
        const bars = putArtifact(
          d.db,
          d.dataDir,
          Buffer.from(JSON.stringify({ daily: prepared.daily, weekly: prepared.weekly })),
          'bars',
          'application/json',
          d.now(),
        )
        ctx.artifact(bars.sha256)
        const pos = positions.find((p) => p.conid === cfg.conid && p.position !== 0)
        const last = quote[0]?.values['31'] ?? null
        // Every price of the run is built on the contract's own increment (info-and-rules).
        const increment = await d.broker().priceIncrement(cfg.conid, last ?? prepared.daily.at(-1)?.c ?? 0)
        const out = {
          instrument: {
            conid: details.conid,
            symbol: details.symbol,
            exchange: details.exchange,
            currency: details.currency,
            source: details.source,
            increment,
          },
          barsSha256: bars.sha256,
          asOf: prepared.asOf,
          droppedFormingBar: prepared.droppedForming,
          daily: describeBars(prepared.daily),
          weekly: prepared.weekly ? describeBars(prepared.weekly) : null,
          quote: { last, bid: quote[0]?.values['84'] ?? null, ask: quote[0]?.values['86'] ?? null, at: d.now() },
          position: pos
            ? {
                qty: pos.position,
                avgCost: pos.avgCost,
                marketPrice: pos.marketPrice,
                unrealizedPnl: pos.unrealizedPnl,
              }
            : { qty: 0, avgCost: null, marketPrice: null, unrealizedPnl: null },
          problems: prepared.problems,
        }
        if (prepared.problems.length > 0)
          throw new StepFailure(
            `${prepared.problems[0]!.code}: ${prepared.problems.map((p) => p.message).join('; ')}`,
            out,
          )
        return { ...out, _daily: prepared.daily, _weekly: prepared.weekly }
      },
    )
    const { _daily: daily, _weekly: weekly } = data

    const analysis = await rec.step(
      'compute_indicators',
      {
        barsSha256: data.barsSha256,
        daily: DAILY_SPECS,
        weekly: withWeekly ? WEEKLY_SPECS : null,
        strategy: cfg.indicators,
      },
      async (ctx) => {
        const a = analyse(daily, weekly, cfg.indicators)
        const arrays = putArtifact(
          d.db,
          d.dataDir,
          Buffer.from(JSON.stringify({ daily: a.daily, weekly: a.weekly, strategy: a.strategy })),
          'indicators',
          'application/json',
          d.now(),
        )
        ctx.artifact(arrays.sha256)
        const strategyLast = a.strategy.map((r) => ({
          id: r.id,
          label: r.label,
          values: Object.fromEntries(Object.entries(r.series).map(([k, v]) => [k, v.at(-1) ?? null])),
        }))
        return {
          indicatorsSha256: arrays.sha256,
          d: a.d,
          w: withWeekly ? a.w : null,
          confirmation: a.confirmation,
          levels: a.levels,
          strategy: strategyLast,
          _analysis: a,
        }
      },
    )
    const a: Analysis = analysis._analysis

    const charts = await rec.step(
      'render_charts',
      {
        barsSha256: data.barsSha256,
        indicatorsSha256: analysis.indicatorsSha256,
        specVersion: CHART_SPEC_VERSION,
        size: CHART_SIZE,
        bars: { daily: CHART_BARS.daily, weekly: withWeekly ? CHART_BARS.weekly : null },
      },
      async (ctx) => {
        const capture = await d.capture()
        const images: {
          timeframe: '1D' | '1W'
          sha256: string
          width: number
          height: number
          bars: number
          title: string
          png: Buffer
        }[] = []
        const draw = async (
          timeframe: '1D' | '1W',
          bars: Bar[],
          results: Analysis['daily'],
          ids: readonly string[],
          n: number,
        ) => {
          const shown = bars.slice(-n)
          const lastBar = shown.at(-1)!
          const title = `${cfg.symbol} · ${timeframe} · ${data.asOf} · O ${lastBar.o.toFixed(2)} H ${lastBar.h.toFixed(2)} L ${lastBar.l.toFixed(2)} C ${lastBar.c.toFixed(2)}`
          const png = await capture.capture({
            title,
            ...CHART_SIZE,
            bars: shown,
            indicators: tail(results, ids, n),
            levels: null,
          })
          const stored = putArtifact(d.db, d.dataDir, png, 'chart', 'image/png', d.now())
          ctx.artifact(stored.sha256)
          images.push({ timeframe, sha256: stored.sha256, ...CHART_SIZE, bars: shown.length, title, png })
        }
        await draw('1D', daily, a.daily, CHART_IDS.daily, CHART_BARS.daily)
        if (weekly && a.weekly) await draw('1W', weekly, a.weekly, CHART_IDS.weekly, CHART_BARS.weekly)
        return { images: images.map(({ png: _png, ...i }) => i), _png: images.map((i) => i.png) }
      },
    )

    const position = data.position.qty > 0 ? 'long' : data.position.qty < 0 ? 'short' : 'flat'
    const context = buildPromptContext({
      now: d.now(),
      instrument: {
        symbol: cfg.symbol,
        exchange: data.instrument.exchange,
        currency: data.instrument.currency,
        tickSize: data.instrument.increment,
        conid: cfg.conid,
      },
      asOf: data.asOf,
      daily,
      analysis: a,
      strategy: { name: strategy.name, config: cfg },
      position: {
        side: position,
        qty: Math.abs(data.position.qty),
        avg_price: data.position.avgCost,
        upl_pct:
          data.position.avgCost && data.position.marketPrice
            ? ((data.position.marketPrice - data.position.avgCost) / data.position.avgCost) *
              100 *
              Math.sign(data.position.qty)
            : null,
        stop: null,
      },
      previous: recentSignals(d.db, strategy.id, 5).map((s) => ({
        date: nyDate(s.createdAt),
        action: s.action,
        r_multiple: null,
        outcome: s.outcome === null ? null : JSON.stringify(s.outcome),
      })),
      charts: {
        nDaily: Math.min(CHART_BARS.daily, daily.length),
        nWeekly: weekly ? Math.min(CHART_BARS.weekly, weekly.length) : 0,
      },
    })

    const llm = await rec.step(
      'llm_analysis',
      {
        provider: analyst.provider,
        model: analyst.model,
        label: analyst.label,
        promptVersionId: loaded.prompt.versionId,
        images: charts.images.map((i) => i.sha256),
        context,
      },
      async (ctx) => {
        const system = await renderTemplate(liquid, loaded.prompt.system, context)
        const user = await renderTemplate(liquid, loaded.prompt.body, context)
        const promptArtifact = putArtifact(
          d.db,
          d.dataDir,
          Buffer.from(`# system\n${system}\n\n# user\n${user}\n`),
          'prompt',
          'text/plain; charset=utf-8',
          d.now(),
        )
        ctx.artifact(promptArtifact.sha256)
        const budget = cfg.llmDailyBudgetUsd
        const spent = strategySpendSince(d.db, strategy.id, d.now() - DAY)
        let answer: AnalystAnswer
        if (analyst.provider === 'openai' && budget !== null && spent >= budget * 1e6) {
          answer = {
            outcome: 'review',
            value: null,
            reviewReason: 'provider_error',
            detail: `Daily LLM budget of $${budget.toFixed(2)} is spent ($${(spent / 1e6).toFixed(2)} in the last 24 h); the model was not called.`,
            rawText: '',
            attempts: [],
            usage: [],
            capability: null,
          }
        } else if (analyst.provider === 'rules') {
          answer = await askRules({
            symbol: cfg.symbol,
            asOf: data.asOf,
            timeframes: cfg.timeframes,
            bars: daily,
            position,
            allowShort: cfg.risk.allowShort,
            tickSize: data.instrument.increment,
            minR: cfg.risk.minR,
            minProfitMargin: cfg.risk.minProfitMargin,
            lastPrice: data.quote.last,
          })
        } else answer = await askModel(analyst, { system, user, images: charts._png }, d.capabilities, d.now)
        const raw = putArtifact(
          d.db,
          d.dataDir,
          Buffer.from(answer.rawText),
          'llm_text',
          'text/plain; charset=utf-8',
          d.now(),
        )
        ctx.artifact(raw.sha256)
        insertUsage(
          d.db,
          answer.usage.map((u) => ({
            at: d.now(),
            runId: rec.runId,
            strategyId: strategy.id,
            step: 'llm_analysis',
            provider: analyst.provider,
            model: analyst.model,
            purpose: u.purpose,
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
          (s, u) => ({
            promptTokens: s.promptTokens + u.promptTokens,
            completionTokens: s.completionTokens + u.completionTokens,
            costMicros: s.costMicros + u.costMicros,
            priced: s.priced && u.priced,
            latencyMs: s.latencyMs + u.latencyMs,
          }),
          { promptTokens: 0, completionTokens: 0, costMicros: 0, priced: true, latencyMs: 0 },
        )
        return {
          provider: analyst.provider,
          model: analyst.model,
          label: analyst.label,
          promptSha256: promptArtifact.sha256,
          rawSha256: raw.sha256,
          rawText: answer.rawText,
          outcome: answer.outcome,
          reviewReason: answer.reviewReason,
          detail: answer.detail,
          usage: total,
          attempts: answer.attempts.map(({ rawText: _t, ...rest }) => rest),
          capability: answer.capability,
          _value: answer.value,
        }
      },
    )
    summary.usage = llm.usage

    const atr = a.d.atr
    const validation: ValidationContext = {
      symbol: cfg.symbol,
      asOf: data.asOf,
      timeframes: cfg.timeframes,
      lastClose: daily.at(-1)!.c,
      atr: atr ?? NaN,
      weeklyAtr: withWeekly ? a.w.atr : null,
      tickSize: data.instrument.increment,
      barsLow: Math.min(...daily.slice(-CHART_BARS.daily).map((b) => b.l)),
      barsHigh: Math.max(...daily.slice(-CHART_BARS.daily).map((b) => b.h)),
      position,
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
    const checked = await rec.step(
      'validate_signal',
      { answer: llm._value, outcome: llm.outcome, context: validation },
      async () => {
        const verdict: SignalVerdict =
          llm.outcome === 'review' || atr === null
            ? {
                status: 'REVIEW',
                finalAction: 'REVIEW',
                reviewReason: llm.reviewReason ?? 'no_atr',
                violations: [
                  {
                    rule: llm.outcome === 'review' ? 'provider' : 'V6',
                    severity: 'review',
                    message: llm.detail ?? 'ATR is not defined on these bars',
                  },
                ],
                flags: [],
                draft: null,
                confidenceLevel: null,
                numbers: null,
              }
            : validateSignal(llm._value, validation)
        const signalId = randomUUID()
        const draft = verdict.draft
        insertSignal(d.db, {
          id: signalId,
          runId: rec.runId,
          strategyId: strategy.id,
          conid: cfg.conid,
          symbol: cfg.symbol,
          action:
            verdict.finalAction === 'REVIEW'
              ? 'REVIEW'
              : verdict.finalAction === 'EXIT'
                ? position === 'long'
                  ? 'SELL'
                  : 'BUY'
                : verdict.finalAction,
          status: verdict.status,
          confidence: draft?.confidence ?? null,
          entry: draft?.entry ?? null,
          stop: draft?.stop_loss ?? null,
          targets: draft?.targets.map((t) => t.price) ?? [],
          rewardRisk: verdict.numbers?.rMultiples[0] ?? null,
          provider: analyst.provider,
          model: analyst.model,
          promptVersionId: loaded.prompt.versionId,
          payload: {
            verdict,
            reason: verdict.reviewReason ?? verdict.violations.find((v) => v.severity !== 'flag')?.message ?? null,
          },
          expiresAt: verdict.status === 'ACCEPTED' && verdict.finalAction !== 'HOLD' ? d.now() + DAY : null,
          createdAt: d.now(),
        })
        d.bus.emit('db.changed', { tables: ['signals', 'llm_usage'] })
        return { signalId, ...verdict }
      },
    )
    summary.signal = { id: checked.signalId, status: checked.status, action: checked.finalAction }

    const decision = await rec.step(
      'risk_check',
      {
        signalId: checked.signalId,
        status: checked.status,
        action: checked.finalAction,
        risk: cfg.risk,
        caps: d.caps(),
      },
      async (ctx) => {
        if (checked.status !== 'ACCEPTED' || checked.finalAction === 'HOLD')
          return riskCheck(riskInputs(checked, cfg.risk, null, data, d.caps(), d.now()))
        const account_ = await accountState(d.broker(), account)
        ctx.partial({ account: account_ })
        return { ...riskCheck(riskInputs(checked, cfg.risk, account_, data, d.caps(), d.now())), account: account_ }
      },
    )
    summary.risk = { kind: decision.kind, qty: decision.qty, reason: decision.reason }

    const chartSha = charts.images[0]?.sha256 ?? null
    const placed = await rec.step(
      'place_order',
      {
        mode: strategy.mode,
        approval: strategy.approval,
        decision: { kind: decision.kind, side: decision.side, qty: decision.qty },
      },
      async (): Promise<PlaceOrderOutput> => {
        const tickets = orderIntent(decision, {
          strategyKey: strategy.key,
          tradingDate: nyDate(d.now()),
          daySeq,
          conid: cfg.conid,
        })
        const dryRun = strategy.mode === 'dry-run'
        if (tickets.length === 0)
          return { mode: strategy.mode, dryRun, sent: false, orders: [], noOrder: decision.reason ?? 'no order' }
        if (dryRun)
          return {
            mode: strategy.mode,
            dryRun,
            sent: false,
            orders: tickets,
            note: 'Dry run: the exact orders are recorded and nothing is sent to the broker.',
          }
        const intent: OrderIntent = {
          runId: rec.runId,
          signalId: checked.signalId,
          origin: 'strategy',
          mode: strategy.mode as 'paper' | 'live',
          account,
          tickets,
          marketHours: cfg.marketHours,
          allowShort: cfg.risk.allowShort,
        }
        if (strategy.approval === 'ask') {
          const a = d.approvals().create({
            runId: rec.runId,
            signalId: checked.signalId,
            strategyId: strategy.id,
            intent,
            summary: {
              symbol: cfg.symbol,
              side: tickets[0]!.side,
              qty: tickets[0]!.qty,
              entry: tickets[0]!.price,
              stop: decision.stop,
              target: decision.target,
              rewardRisk: checked.numbers?.rMultiples[0] ?? null,
              chartSha256: chartSha,
              strategyName: strategy.name,
              mode: intent.mode,
            },
          })
          return {
            mode: strategy.mode,
            dryRun,
            sent: false,
            orders: tickets,
            awaitingApproval: { id: a.id, expiresAt: a.expiresAt },
            note: 'Waiting for a person to approve or reject it (Orders page or the tray).',
          }
        }
        const result = await d.orders().submit(intent)
        if (!result.gate.allowed)
          return {
            mode: strategy.mode,
            dryRun,
            sent: false,
            orders: tickets,
            noOrder: `Risk gate: ${result.gate.reason}`,
            gate: result.gate,
          }
        return {
          mode: strategy.mode,
          dryRun,
          sent: true,
          orders: tickets,
          gate: result.gate,
          submitted: result.orders.map(orderState),
        }
      },
    )
    summary.orders = placed.orders.map((o) => o.clientOrderId)
    if (placed.submitted && placed.submitted.length > 0) {
      await rec.step('track_order', { orders: summary.orders }, async () => ({
        orders: placed.submitted!.map((o) => {
          const row = getOrder(d.db, o.id)
          return row ? orderState(row) : o
        }),
        note: 'Later status changes and fills are order events of this run (Orders page).',
      }))
      rec.skip(
        'update_portfolio',
        { orders: summary.orders },
        { reason: 'Fills update positions, trades and P&L as they arrive; see the Portfolio page.' },
      )
    } else {
      const why = placed.awaitingApproval
        ? 'Waiting for approval: nothing has been sent yet.'
        : placed.dryRun && placed.orders.length > 0
          ? 'Dry run: nothing was sent, so there is nothing to track.'
          : 'No order was placed.'
      rec.skip('track_order', { orders: summary.orders }, { reason: why })
      rec.skip('update_portfolio', { orders: summary.orders }, { reason: why })
    }
  }
}

function orderState(o: OrderRow): SubmittedOrder {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    leg: o.leg as SubmittedOrder['leg'],
    status: o.status as SubmittedOrder['status'],
    brokerOrderId: o.brokerOrderId,
    filledQty: o.filledQty,
    lastError: o.lastError,
  }
}

function describeBars(bars: readonly Bar[]) {
  return {
    count: bars.length,
    first: bars.length ? nyDate(bars[0]!.t) : null,
    last: bars.length ? nyDate(bars.at(-1)!.t) : null,
    lastClose: bars.at(-1)?.c ?? null,
  }
}

async function accountState(
  broker: Broker,
  account: string,
): Promise<{
  netLiquidation: number | null
  availableFunds: number | null
  grossExposure: number
  openPositions: number
}> {
  const [summary, positions] = await Promise.all([broker.summary(account), broker.positions(account)])
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  const open = positions.filter((p) => p.position !== 0)
  return {
    netLiquidation: num(summary.netliquidation),
    availableFunds: num(summary.availablefunds),
    grossExposure: open.reduce((s, p) => s + Math.abs(p.marketValue ?? (p.marketPrice ?? 0) * p.position), 0),
    openPositions: open.length,
  }
}

function riskInputs(
  verdict: SignalVerdict,
  risk: Strategy['config']['risk'],
  account: Awaited<ReturnType<typeof accountState>> | null,
  data: { quote: { last: number | null; at: number }; position: { qty: number } },
  caps: RiskCaps,
  now: number,
) {
  return {
    verdict,
    risk,
    account: { netLiquidation: account?.netLiquidation ?? null, availableFunds: account?.availableFunds ?? null },
    portfolio: {
      positionQty: data.position.qty,
      grossExposure: account?.grossExposure ?? 0,
      openPositions: account?.openPositions ?? 0,
    },
    quote: { last: data.quote.last, ageMs: now - data.quote.at },
    caps,
  }
}

export type { RiskDecision }
