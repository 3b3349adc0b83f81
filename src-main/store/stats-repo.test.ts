import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StrategyInput } from '../contract/strategies'
import { openStore, type Store } from './db'
import { createRun, finishRun, recordStep } from './lineage-repo'
import { insertSignal, insertUsage } from './signals-repo'
import { modelStats, strategyStats, topErrors } from './stats-repo'
import { insertStrategy } from './strategies-repo'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

describe('statistics (F18)', () => {
  it(
    'aggregates runs per strategy, top errors per step, and ' + 'signals, tokens and cost per model and prompt',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-stats-'))
      const store = await openStore({
        file: join(dir, 'db.sqlite'),
        migrationsDir: resolve(__dirname, '../../migrations'),
        backupDir: join(dir, 'b'),
      })
      stores.push(store)
      const db = store.db
      const config = StrategyInput.parse({
        name: 'S',
        conid: 265598,
        symbol: 'AAPL',
        indicators: [],
        schedule: { cron: '0 10 * * 1-5', tz: 'America/New_York' },
      })
      insertStrategy(db, { id: 's1', key: 'k1', config, at: 0 })
      const errors = ['gateway timeout', 'gateway timeout', 'stale data']
      for (let i = 0; i < 6; i++) {
        const id = `r${i}`
        createRun(db, {
          id,
          strategyId: 's1',
          trigger: 'manual',
          startedAt: 1000 + i * 100,
          scheduledFor: null,
          replayOf: null,
          appVersion: 't',
        })
        const failed = i < 3
        recordStep(db, {
          runId: id,
          step: 'fetch_market_data',
          seq: 2,
          attempt: 1,
          status: failed ? 'failed' : 'succeeded',
          startedAt: 1000 + i * 100,
          durationMs: 10 + i,
          input: {},
          output: null,
          error: failed ? { message: errors[i]!, stack: null } : null,
          artifacts: [],
        })
        finishRun(db, id, failed ? 'failed' : 'succeeded', 1000 + i * 100 + 50 + i, null, null)
        if (!failed) {
          insertSignal(db, {
            id: `sig${i}`,
            runId: id,
            strategyId: 's1',
            conid: 265598,
            symbol: 'AAPL',
            action: i === 3 ? 'BUY' : i === 4 ? 'HOLD' : 'REVIEW',
            status: i === 5 ? 'REVIEW' : 'ACCEPTED',
            confidence: 0.6,
            entry: null,
            stop: null,
            targets: [],
            rewardRisk: null,
            provider: 'openai',
            model: 'm1',
            promptVersionId: null,
            payload: {},
            expiresAt: null,
            createdAt: 1000 + i * 100,
          })
          insertUsage(db, [
            {
              at: 1000 + i * 100,
              runId: id,
              strategyId: 's1',
              step: 'llm_analysis',
              provider: 'openai',
              model: 'm1',
              purpose: 'signal',
              promptTokens: 100,
              completionTokens: 10,
              costMicros: 250,
              priced: i !== 5,
              latencyMs: 5,
              ok: true,
              detail: null,
            },
          ])
        }
      }
      expect(topErrors(db, 0, 10_000)).toEqual([
        { step: 'fetch_market_data', message: 'gateway timeout', count: 2 },
        { step: 'fetch_market_data', message: 'stale data', count: 1 },
      ])
      expect(strategyStats(db, 0, 10_000)).toEqual([
        {
          strategyId: 's1',
          name: 'S',
          runs: 6,
          succeeded: 3,
          failed: 3,
          aborted: 0,
          p50Ms: 52,
          lastRunAt: 1500,
          signals: 3,
          actionable: 1,
          reviews: 1,
        },
      ])
      expect(modelStats(db, 0, 10_000)).toEqual([
        {
          provider: 'openai',
          model: 'm1',
          promptVersionId: null,
          promptLabel: null,
          signals: 3,
          accepted: 2,
          downgraded: 0,
          reviews: 1,
          buys: 1,
          sells: 0,
          holds: 1,
          promptTokens: 300,
          completionTokens: 30,
          costMicros: 750,
          unpricedCalls: 1,
        },
      ])
      expect(strategyStats(db, 5000, 6000)).toEqual([])
    },
  )
})
