import { randomUUID } from 'node:crypto'
import type { Strategy } from '../contract/strategies'
import type { Broker } from '../broker/broker'
import { nyDate } from '../domain/runs/market-data'
import type { RiskCaps, RiskDecision } from '../domain/runs/risk'
import { RpcError } from '../rpc/errors'
import { runningRunOf, strategyRunStartsSince } from '../store/lineage-repo'
import { getOrder } from '../store/orders-repo'
import { insertSignal, insertUsage, strategySpendSince } from '../store/signals-repo'
import { previousSignals, workingStop } from '../store/track-record-repo'
import type { Approvals } from './approvals'
import type { GatewayConnection } from './gateway-status'
import type { MarketService } from './market'
import type { OrderManager } from './order-manager'
import { startRun, type RunRecorder, type StepContext } from './run-recorder'
import { storingIo, type RunEnvironment } from './run-environment'
import type { StrategyService } from './strategies'
import {
  checkSession,
  checkSessionInput,
  computeIndicators,
  computeIndicatorsInput,
  DAY,
  fetchMarketData,
  fetchMarketDataInput,
  incrementOf,
  liveMarketData,
  llmAnalysis,
  llmAnalysisInput,
  loadStrategy,
  loadStrategyInput,
  placeOrder,
  placeOrderInput,
  promptContext,
  renderCharts,
  renderChartsInput,
  riskCheckInput,
  riskCheckStep,
  rulesRequest,
  trackingPlan,
  trackOrder,
  validateSignalInput,
  validateSignalStep,
  validationContext,
  type ResolvedPrompt,
} from './steps'

// The run executor (F8): the canonical steps of PRODUCT.md, in order, each recorded by the run
// recorder when it ends. The steps themselves live in ./steps (one module each, no recorder inside);
// this file is their order, what each records as its input, the failure policy and the run's summary.

export type { ResolvedPrompt, RiskDecision, RunEnvironment }
export { CHART_SPEC_VERSION } from './steps'

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

export function createExecutor(d: ExecutorDeps): Executor {
  const inFlight = new Map<string, Promise<'succeeded' | 'failed'>>()
  const io = (ctx: StepContext) => storingIo(d, ctx)

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

  /** Failure policy: the first failing step ends the run; `complete` is recorded either way. */
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

  /** The steps in order: each recorded with its input, the summary filled in as they end. */
  async function pipeline(
    rec: RunRecorder,
    strategy: Strategy,
    daySeq: number,
    summary: Record<string, unknown>,
  ): Promise<void> {
    const cfg = strategy.config
    const withWeekly = cfg.timeframes !== '1D'

    const session = await rec.step('check_session', checkSessionInput(d.gateway().current()), async () =>
      checkSession(d.gateway().current()),
    )
    const account = session.account

    const loaded = await rec.step('load_strategy', loadStrategyInput(strategy), () => loadStrategy(strategy, d))
    const analyst = loaded._analyst
    summary.analyst = analyst.label

    const data = await rec.step('fetch_market_data', fetchMarketDataInput(cfg), (ctx) =>
      fetchMarketData({ config: cfg, account, now: d.now }, liveMarketData(d.market, d.broker), io(ctx)),
    )
    const { _daily: daily, _weekly: weekly } = data

    const indicators = computeIndicatorsInput(data.barsSha256, withWeekly, cfg.indicators)
    const analysis = await rec.step('compute_indicators', indicators, async (ctx) =>
      computeIndicators({ daily, weekly, indicators: cfg.indicators, withWeekly }, io(ctx)),
    )
    const a = analysis._analysis

    const chartsInput = renderChartsInput(data.barsSha256, analysis.indicatorsSha256, withWeekly)
    const charts = await rec.step('render_charts', chartsInput, (ctx) =>
      renderCharts({ symbol: cfg.symbol, asOf: data.asOf, daily, weekly, analysis: a }, d.capture, io(ctx)),
    )

    // The model's own record: earlier signals on this instrument with the R of their closed trades, and
    // the open position's working stop.
    const previous = previousSignals(d.db, strategy.id, cfg.conid, d.now(), 5)
    const positionStop = data.position.qty !== 0 ? workingStop(d.db, strategy.id, account, cfg.conid) : null
    const context = promptContext({ now: d.now(), strategy, data, daily, weekly, analysis: a, previous, positionStop })
    const llmInput = llmAnalysisInput(analyst, loaded.prompt.versionId, charts.images, context)
    const llm = await rec.step('llm_analysis', llmInput, (ctx) =>
      llmAnalysis(
        {
          analyst,
          template: loaded.prompt,
          context,
          images: () => charts._png,
          rules: () =>
            rulesRequest(cfg, data.asOf, daily, data.position.qty, {
              increment: incrementOf(data),
              lastPrice: data.quote.last,
            }),
          budgetUsd: cfg.llmDailyBudgetUsd,
          usage: { runId: rec.runId, strategyId: strategy.id, purposePrefix: '' },
        },
        {
          capabilities: d.capabilities,
          now: d.now,
          spentMicros: () => strategySpendSince(d.db, strategy.id, d.now() - DAY),
          recordUsage: (rows) => insertUsage(d.db, rows),
        },
        io(ctx),
      ),
    )
    summary.usage = llm.usage

    const positionQty = data.position.qty
    const validation = validationContext({
      ...{ config: cfg, asOf: data.asOf, daily, analysis: a, withWeekly, positionQty },
      increment: incrementOf(data),
    })
    const checked = await rec.step('validate_signal', validateSignalInput(llm, validation), async () =>
      validateSignalStep(
        {
          runId: rec.runId,
          strategy,
          analyst,
          promptVersionId: loaded.prompt.versionId,
          llm,
          atr: a.d.atr,
          context: validation,
        },
        {
          now: d.now,
          saveSignal: (signal) => {
            insertSignal(d.db, signal)
            d.bus.emit('db.changed', { tables: ['signals', 'llm_usage'] })
          },
        },
      ),
    )
    summary.signal = { id: checked.signalId, status: checked.status, action: checked.finalAction }

    const caps = d.caps()
    const decision = await rec.step('risk_check', riskCheckInput(checked, cfg.risk, caps), (ctx) =>
      riskCheckStep({ signal: checked, risk: cfg.risk, data, caps, account, now: d.now }, d.broker, io(ctx)),
    )
    summary.risk = { kind: decision.kind, qty: decision.qty, reason: decision.reason }

    const chartSha256 = charts.images[0]?.sha256 ?? null
    const placed = await rec.step('place_order', placeOrderInput(strategy, decision), () =>
      placeOrder(
        { runId: rec.runId, strategy, decision, signal: checked, account, daySeq, chartSha256, now: d.now() },
        d,
      ),
    )
    const orders = placed.orders.map((o) => o.clientOrderId)
    summary.orders = orders

    const plan = trackingPlan(placed)
    if (plan.track) {
      await rec.step('track_order', { orders }, async () => trackOrder(placed.submitted!, (id) => getOrder(d.db, id)))
      rec.skip('update_portfolio', { orders }, { reason: plan.portfolioSkipped })
    } else {
      rec.skip('track_order', { orders }, { reason: plan.reason })
      rec.skip('update_portfolio', { orders }, { reason: plan.reason })
    }
  }
}
