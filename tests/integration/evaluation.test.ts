import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import type { RpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { nyDate } from '../../src-main/domain/indicators/ny-time'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { startTestApp } from '../fixtures/test-app'

// The evaluation lab end to end on the simulator with the rules analyst over one year: estimate,
// start, progress events, the report with its self-tests, decisions with fills, exits and R, each
// decision's run (trigger eval, hidden from the live timeline unless asked), bars fetched once.

let app: App
let client: RpcClient

beforeAll(async () => {
  ;({ app, client } = await startTestApp())
}, 60_000)
afterAll(async () => app?.stop())

function window() {
  const last = lastClosedSession(Date.now())
  // One year ending 25 sessions before the last close, so every trade has its full horizon.
  const all = decisionDates('2000-01-03', last)
  const to = all[all.length - 26]!
  const from = all[all.length - 26 - 251]!
  return { from, to }
}

describe('an evaluation of the demo strategy with the rules analyst over one year', () => {
  it('estimates, runs with progress, reports metrics and passes the look-ahead self-test', async () => {
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const { from, to } = window()
    const req = { strategyId: strategy.id, from, to, arms: [{ analyst: 'rules' as const }] }
    const est = await client.call('evaluations.estimate', req)
    expect(est).toMatchObject({ decisions: 252, calls: 0, cachedCalls: 0, usdLow: 0, usdHigh: 0 })

    const progress: { done: number; total: number; etaMs: number | null }[] = []
    const off = client.on('evaluations.progress', (e) => void progress.push(e))
    const { evaluationId } = await client.call('evaluations.start', req)
    await app.evaluations.drain()
    off()
    const ev = await client.call('evaluations.get', { evaluationId })
    expect(ev.error).toBeNull()
    expect(ev.status).toBe('succeeded')
    expect(ev.progress).toEqual({ done: 252, total: 252 })
    expect(progress.at(-1)).toMatchObject({ done: 252, total: 252 })
    expect(progress.some((p) => p.etaMs !== null && p.etaMs > 0)).toBe(true)
    const rep = ev.report!
    expect(rep.decisions).toBe(252)
    expect(rep.lookahead.passed).toBe(true)
    expect(rep.lookahead.checked).toBeGreaterThanOrEqual(20)
    expect(rep.arms).toHaveLength(1)
    expect(rep.arms[0]!.label).toContain('Rules')
    expect(rep.trades).toBeGreaterThan(0)
    const m = rep.arms[0]!.metrics
    expect(m.winRate).toBeGreaterThanOrEqual(0)
    expect(m.brier === null || (m.brier >= 0 && m.brier <= 1)).toBe(true)

    const decisions = await client.call('evaluations.decisions', { evaluationId, limit: 5000 })
    expect(decisions).toHaveLength(252)
    expect(decisions[0]!.date).toBe(from)
    const trades = decisions.filter((d) => d.r !== null)
    expect(trades).toHaveLength(rep.trades)
    // t+1 is the next bar the data holds (the demo simulator is open every day); the time exit is at t+20.
    const hist = await client.call('marketData.history', { conid: strategy.config.conid, bar: '1d', period: '3y' })
    const dates = hist.bars.map((b) => nyDate(b.t))
    for (const d of trades) {
      const t = dates.indexOf(d.date)
      expect(d.fill!.date).toBe(dates[t + 1])
      const exit = dates.indexOf(d.exit!.date)
      expect(exit).toBeGreaterThanOrEqual(t + 1)
      expect(exit).toBeLessThanOrEqual(t + 20)
      expect(['target', 'stop', 'time']).toContain(d.exit!.reason)
      if (d.exit!.reason === 'time') expect(exit).toBe(t + 20)
    }
    // The win rate is the share of trades with R > 0, from the decisions behind it.
    expect(m.winRate).toBeCloseTo(trades.filter((d) => d.r! > 0).length / trades.length, 12)
    const expired = decisions.filter((d) => d.exit?.reason === 'expired')
    for (const d of expired) expect(d.fill).toBeNull()

    // Each decision opens its run, recorded with trigger eval; the live timeline hides them.
    const run = await client.call('lineage.getRun', { runId: trades[0]!.runId! })
    expect(run.trigger).toBe('eval')
    expect(run.steps.map((s) => s.step)).toContain('llm_analysis')
    const live = await client.call('runs.list', { limit: 500 })
    expect(live.some((r) => r.trigger === 'eval')).toBe(false)
    const all = await client.call('runs.list', { limit: 500, includeEval: true })
    expect(all.filter((r) => r.trigger === 'eval').length).toBeGreaterThan(100)

    const report = await client.call('evaluations.report', { evaluationId })
    expect(report.source).toBe('simulator')
    expect(report.arms[0]!.equity.length).toBe(report.sessions.length)
    expect(report.sessions.length).toBeGreaterThanOrEqual(252)
    expect(report.arms[0]!.equity.at(-1)).toBeCloseTo(report.capital + report.arms[0]!.netPnl, 6)
    expect(report.warmup.passed).toBe(true)
    // The slippage sweep recomputes the same trades: 5 bps is the figure above; more slippage never helps.
    const sweep = report.arms[0]!.slippageSweep!
    expect(sweep.map((x) => x.bps)).toEqual([0, 5, 10, 25])
    expect(sweep.every((x) => x.trades === rep.trades)).toBe(true)
    expect(sweep[1]!.expectancyR).toBeCloseTo(m.expectancyR!, 12)
    for (let k = 1; k < 4; k++) expect(sweep[k]!.totalR!).toBeLessThanOrEqual(sweep[k - 1]!.totalR!)
    // The only trial of this strategy and window so far is this evaluation's arm.
    expect(report.bestOfN!.trials).toBe(1)
    expect(report.bestOfN!.rows[0]).toMatchObject({ evaluationId, current: true, sharpe: m.sharpe })
    expect(report.arms[0]!.recalibration!.threshold).toBe(strategy.config.risk.minConfidence)
    const list = await client.call('evaluations.list', {})
    expect(list[0]).toMatchObject({ id: evaluationId, status: 'succeeded', from, to })
  }, 240_000)
})
