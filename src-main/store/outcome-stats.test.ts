import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StrategyInput } from '../contract/strategies'
import { openStore, type Store } from './db'
import { insertDecision, insertEvaluation } from './evaluation-repo'
import { createRun } from './lineage-repo'
import { evaluationOutcomes, liveOutcomes } from './outcome-stats'
import { trades } from './schema'
import { insertSignal } from './signals-repo'
import { insertStrategy } from './strategies-repo'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-outcomes-'))
  const s = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  stores.push(s)
  const config = StrategyInput.parse({
    name: 'S',
    conid: 265598,
    symbol: 'AAPL',
    indicators: [],
    schedule: { cron: '0 10 * * 1-5', tz: 'America/New_York' },
  })
  insertStrategy(s.db, { id: 's1', key: 'k1', config, at: 0 })
  return s
}

const m1 = { provider: 'openai', model: 'm1', promptVersionId: null }
const rules = { provider: 'rules', model: 'rules', promptVersionId: null }

describe('outcomes per analyst and prompt version (F18)', () => {
  it('live: closed trades by the signal that opened them, with win rate, mean R, profit factor and Brier', async () => {
    const { db } = await store()
    const signal = (i: number, who: typeof m1, action: 'BUY' | 'HOLD', confidence: number | null) => {
      createRun(db, {
        id: `r${i}`,
        strategyId: 's1',
        trigger: 'manual',
        startedAt: 1000 + i,
        scheduledFor: null,
        replayOf: null,
        appVersion: 't',
      })
      insertSignal(db, {
        id: `sig${i}`,
        runId: `r${i}`,
        strategyId: 's1',
        conid: 265598,
        symbol: 'AAPL',
        action,
        status: 'ACCEPTED',
        confidence,
        entry: action === 'BUY' ? 100 : null,
        stop: action === 'BUY' ? 95 : null,
        targets: action === 'BUY' ? [110] : [],
        rewardRisk: null,
        ...who,
        payload: {},
        expiresAt: null,
        createdAt: 1000 + i,
      })
    }
    const trade = (i: number, exit: string | null, r: number | null, closedAt: number | null) =>
      db
        .insert(trades)
        .values({
          id: `t${i}`,
          account: 'DU1',
          strategyId: 's1',
          conid: 265598,
          runId: `r${i}`,
          signalId: `sig${i}`,
          direction: 'long',
          qty: 10,
          entryPrice: '100',
          exitPrice: exit,
          initialRisk: '50',
          realizedPnl: exit === null ? null : String((Number(exit) - 100) * 10),
          fees: '1',
          rMultiple: r,
          openedAt: 1000 + i,
          closedAt,
        })
        .run()
    signal(1, m1, 'BUY', 0.8)
    trade(1, '110.2', 2, 5000) // through the target
    signal(2, m1, 'BUY', 0.6)
    trade(2, '94.9', -1, 5000) // stopped
    signal(3, m1, 'BUY', 0.7)
    trade(3, '103', 0.6, 5000) // closed by hand between the levels: no calibration point
    signal(4, m1, 'HOLD', 0.5)
    signal(5, rules, 'BUY', null)
    trade(5, null, null, null) // still open
    signal(6, m1, 'BUY', 0.9)
    trade(6, '110', 2, 99_000) // closed after the window

    const out = liveOutcomes(db, 0, 10_000)
    expect(out).toHaveLength(2)
    const a = out.find((o) => o.model === 'm1')!
    expect(a).toMatchObject({ signals: 5, trades: 3, evaluations: null, calibrated: 2, promptLabel: null })
    expect(a.winRate).toBeCloseTo(2 / 3, 12)
    expect(a.expectancyR).toBeCloseTo((2 - 1 + 0.6) / 3, 12)
    expect(a.profitFactor).toBeCloseTo(2.6, 12)
    expect(a.brier).toBeCloseTo(((0.8 - 1) ** 2 + 0.6 ** 2) / 2, 12)
    // Too little data is null, never 0.
    expect(out.find((o) => o.provider === 'rules')).toMatchObject({
      signals: 1,
      trades: 0,
      winRate: null,
      expectancyR: null,
      profitFactor: null,
      brier: null,
      calibrated: 0,
    })
  })

  it('evaluations: decisions of succeeded evaluations under their arm, calibrated like the report', async () => {
    const { db } = await store()
    const evaluation = (id: string, status: string, finishedAt: number, arms: (typeof m1)[]) =>
      insertEvaluation(db, {
        id,
        strategyId: 's1',
        fromDate: '2026-01-02',
        toDate: '2026-02-02',
        horizon: 20,
        request: {},
        status,
        done: 0,
        total: 0,
        error: null,
        source: 'simulator',
        budgetMicros: null,
        spentMicros: 0,
        report: { arms: arms.map((x, k) => ({ label: `arm ${k}`, ...x })) },
        createdAt: 0,
        updatedAt: 0,
        finishedAt,
      })
    const decision = (id: string, arm: number, date: string, r: number | null, exit: string | null, p: number) =>
      insertDecision(db, {
        evaluationId: id,
        arm,
        date,
        runId: null,
        cacheKey: 'k',
        inputsSha256: 'h',
        action: r === null ? 'HOLD' : 'BUY',
        status: 'ACCEPTED',
        targets: [],
        confidence: p,
        exitReason: exit,
        r,
        ambiguous: false,
        costs: 0,
        costMicros: 0,
        createdAt: 0,
      })
    evaluation('e1', 'succeeded', 5000, [rules, m1])
    decision('e1', 0, '2026-01-05', 1.5, 'target', 0.6)
    decision('e1', 0, '2026-01-06', -1, 'stop', 0.6)
    decision('e1', 0, '2026-01-07', 0.2, 'time', 0.6)
    decision('e1', 0, '2026-01-08', null, null, 0.6)
    decision('e1', 1, '2026-01-05', null, null, 0.5)
    evaluation('e2', 'succeeded', 6000, [rules])
    decision('e2', 0, '2026-01-05', 1.5, 'target', 0.6)
    evaluation('e3', 'failed', 6000, [rules]) // look-ahead failed: not counted
    decision('e3', 0, '2026-01-05', 9, 'target', 0.6)

    const out = evaluationOutcomes(db, 0, 10_000)
    const r = out.find((o) => o.provider === 'rules')!
    expect(r).toMatchObject({ signals: 5, evaluations: 2, trades: 4, calibrated: 3 })
    expect(r.winRate).toBeCloseTo(3 / 4, 12)
    expect(r.expectancyR).toBeCloseTo((1.5 - 1 + 0.2 + 1.5) / 4, 12)
    expect(r.profitFactor).toBeCloseTo(3.2, 12)
    expect(r.brier).toBeCloseTo((0.4 ** 2 + 0.6 ** 2 + 0.4 ** 2) / 3, 12)
    expect(out.find((o) => o.model === 'm1')).toMatchObject({ signals: 1, trades: 0, winRate: null, brier: null })
    expect(evaluationOutcomes(db, 5500, 10_000).find((o) => o.provider === 'rules')).toMatchObject({ signals: 1 })
  })
})
