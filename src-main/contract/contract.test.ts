import { describe, expect, it } from 'vitest'
import { api, METHODS } from './api'
import { EVENT_NAMES } from './events'
import { SettingsPatch } from './models'
import { ClientFrame } from './wire'

describe('contract', () => {
  it('pins the method and event names the renderer can use', () => {
    // Widening the renderer-callable surface must be a visible change to this list.
    expect(METHODS).toEqual([
      'system.health',
      'settings.get',
      'settings.update',
      'gateway.status',
      'gateway.reauthenticate',
      'gateway.openLogin',
      'gateway.certificate',
      'gateway.trustCertificate',
      'accounts.list',
      'accounts.select',
      'instruments.search',
      'instruments.details',
      'marketData.history',
      'marketData.watch',
      'marketData.quotes',
      'indicators.compute',
      'strategies.list',
      'strategies.get',
      'strategies.create',
      'strategies.update',
      'strategies.setActive',
      'strategies.previewSchedule',
      'runs.start',
      'schedules.list',
      'schedules.setPaused',
      'schedules.fires',
      'runs.list',
      'lineage.getRun',
      'lineage.stepStats',
      'lineage.stats',
      'lineage.replayStep',
      'signals.list',
      'watchlist.list',
      'watchlist.add',
      'watchlist.remove',
      'prompts.list',
      'prompts.history',
      'prompts.save',
      'prompts.preview',
      'prompts.setDefault',
      'prompts.archive',
      'prompts.restore',
      'prompts.test',
      'prompts.variables',
      'orders.list',
      'orders.events',
      'orders.place',
      'orders.preview',
      'orders.cancel',
      'orders.modify',
      'orders.answerReply',
      'orders.reconcile',
      'risk.get',
      'risk.setKillSwitch',
      'risk.resetDailyLoss',
      'risk.armLive',
      'risk.disarmLive',
      'approvals.list',
      'approvals.decide',
      'risk.getLimits',
      'risk.setLimits',
      'portfolio.get',
      'portfolio.snapshots',
      'portfolio.trades',
      'portfolio.fills',
      'lineage.export',
      'lineage.import',
      'bundles.cancel',
      'review.list',
      'review.remove',
      'review.listRuns',
      'review.getRun',
      'review.stepStats',
      'review.getArtifact',
      'review.listEvaluations',
      'review.evaluationReport',
      'review.evaluationDecisions',
      'retention.get',
      'retention.set',
      'retention.run',
      'system.mode',
      'system.startTrading',
      'lineage.pickBundle',
      'evaluations.estimate',
      'evaluations.start',
      'evaluations.get',
      'evaluations.decisions',
      'evaluations.list',
      'evaluations.cancel',
      'evaluations.report',
    ])
    expect(EVENT_NAMES).toEqual([
      'gateway.status',
      'db.changed',
      'alerts.raised',
      'market.tick',
      'lineage.stepRecorded',
      'lineage.runUpdated',
      'orders.changed',
      'portfolio.changed',
      'bundles.progress',
      'evaluations.progress',
    ])
  })

  it('names every method domain.verb', () => {
    for (const m of METHODS) expect(m).toMatch(/^[a-z][A-Za-z]+\.[a-z][A-Za-z]+$/)
  })

  it('rejects unknown keys on every object input', () => {
    for (const m of METHODS) {
      const r = api[m].input.safeParse({ surprise: 1 })
      expect(r.success, m).toBe(false)
    }
  })

  it('validates settings patches with readable messages', () => {
    expect(SettingsPatch.safeParse({ gateway: 'sim' }).success).toBe(true)
    expect(SettingsPatch.safeParse({ gateway: 'https://127.0.0.1:5000' }).success).toBe(true)
    expect(SettingsPatch.safeParse({ account: null }).success).toBe(true)
    const bad = SettingsPatch.safeParse({ gateway: 'ftp://x' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.message).toContain('Use "sim" or a gateway URL')
    expect(SettingsPatch.safeParse({ gateway: 'https://user:pw@host' }).success).toBe(false)
    expect(SettingsPatch.safeParse({ account: 'DU 123' }).success).toBe(false)
    expect(SettingsPatch.safeParse({ llmModel: 'x'.repeat(101) }).success).toBe(false)
    expect(SettingsPatch.safeParse({}).success).toBe(false)
  })

  it('accepts only well-formed client frames', () => {
    expect(ClientFrame.safeParse({ t: 'call', id: 1, m: 'system.health', p: {} }).success).toBe(true)
    expect(ClientFrame.safeParse({ t: 'sub', ev: 'db.changed' }).success).toBe(true)
    expect(ClientFrame.safeParse({ t: 'call', id: -1, m: 'x', p: {} }).success).toBe(false)
    expect(ClientFrame.safeParse({ t: 'call', id: 1.5, m: 'x', p: {} }).success).toBe(false)
    expect(ClientFrame.safeParse({ t: 'ok', id: 1, r: 1 }).success).toBe(false)
    expect(ClientFrame.safeParse({ t: 'sub', ev: 'x', extra: 1 }).success).toBe(false)
  })
})
