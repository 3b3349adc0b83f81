import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from './db'
import { createRun } from './lineage-repo'
import { insertSignal, listSignals } from './signals-repo'

const stores: Store[] = []
afterEach(() => stores.splice(0).forEach((s) => s.close()))

describe('signals list (F11)', () => {
  it('shows a downgrade as the drafted action and the deciding rule; an accepted one as itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-signals-'))
    const store = await openStore({
      file: join(dir, 'db.sqlite'),
      migrationsDir: resolve(__dirname, '../../migrations'),
      backupDir: join(dir, 'b'),
    })
    stores.push(store)
    createRun(store.db, {
      id: 'r1',
      strategyId: null,
      trigger: 'manual',
      startedAt: 0,
      scheduledFor: null,
      replayOf: null,
      appVersion: 't',
    })
    const base = {
      runId: 'r1',
      strategyId: null,
      conid: 265598,
      symbol: 'AAPL',
      confidence: 0.6,
      entry: 190,
      stop: 185,
      targets: [197],
      rewardRisk: 1.4,
      provider: 'rules',
      model: 'rules-v1',
      promptVersionId: null,
      expiresAt: null,
    }
    insertSignal(store.db, {
      ...base,
      id: 'down',
      action: 'HOLD',
      status: 'DOWNGRADED',
      createdAt: 2000,
      payload: {
        verdict: {
          draft: { action: 'BUY' },
          violations: [
            { rule: 'V13', severity: 'flag', message: 'trend' },
            { rule: 'V7', severity: 'downgrade', message: 'reward/risk 1.40 is below 1.5' },
          ],
        },
        reason: 'reward/risk 1.40 is below 1.5',
      },
    })
    insertSignal(store.db, {
      ...base,
      id: 'ok',
      action: 'BUY',
      status: 'ACCEPTED',
      createdAt: 1000,
      payload: { verdict: { draft: { action: 'BUY' }, violations: [] }, reason: null },
    })
    insertSignal(store.db, { ...base, id: 'old', action: 'HOLD', status: 'ACCEPTED', createdAt: 500, payload: {} })
    const rows = listSignals(store.db, { limit: 10 })
    expect(rows.map((r) => [r.id, r.action, r.draftAction, r.rule])).toEqual([
      ['down', 'HOLD', 'BUY', 'V7'],
      ['ok', 'BUY', 'BUY', null],
      ['old', 'HOLD', null, null],
    ])
  })
})
