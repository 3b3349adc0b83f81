import { describe, expect, it, vi } from 'vitest'
import type { PlaceOrderOutput } from '../../src-main/contract/steps'
import { buySignalReply } from '../fixtures/buy-signal'

import { useAppWithFakeModel } from '../fixtures/model-app'

// Part 4's path on the built-in simulator: a BUY from the model becomes a bracket order in paper
// mode (automatic approval), the entry fills, and every step of that is in the run's lineage; an
// ask-first strategy waits in the approval queue until a person approves it.

const t = useAppWithFakeModel({ apiKey: 'sk-test', reconciled: true })

async function run(strategyId: string) {
  t.llm.reply(buySignalReply)
  const { runId } = await t.client.call('runs.start', { strategyId })
  await t.app.executor.drain()
  return t.client.call('lineage.getRun', { runId })
}

describe('paper orders from a strategy run', () => {
  it('automatic approval: the BUY becomes a working bracket on the simulator and the entry fills', async () => {
    const spy = (await t.client.call('strategies.list', {})).find((s) => s.mode === 'paper' && s.approval === 'auto')!
    const r = await run(spy.id)
    expect(r.status).toBe('succeeded')
    const placed = r.steps.find((s) => s.step === 'place_order')!.output as PlaceOrderOutput
    expect(placed).toMatchObject({ mode: 'paper', dryRun: false, sent: true })
    expect(placed.gate?.allowed).toBe(true)
    expect(placed.submitted!.map((o) => o.leg)).toEqual(['parent', 'stop', 'target'])
    expect(placed.submitted!.every((o) => o.status === 'SUBMITTED' || o.status === 'FILLED')).toBe(true)
    expect(r.steps.find((s) => s.step === 'track_order')!.status).toBe('succeeded')
    const orders = await t.client.call('orders.list', { runId: r.id })
    expect(orders.map((o) => o.clientOrderId).sort()).toEqual(placed.orders.map((o) => o.clientOrderId).sort())
    expect(orders.every((o) => o.brokerOrderId !== null && o.symbol === 'SPY' && o.mode === 'paper')).toBe(true)
    // The entry is a marketable limit: the simulator fills it on its next ticks.
    const parentId = orders.find((o) => o.leg === 'parent')!.id
    await vi.waitFor(
      async () => {
        await t.app.trading.orders.refresh()
        expect((await t.client.call('orders.list', { runId: r.id })).find((o) => o.id === parentId)!.status).toBe(
          'FILLED',
        )
      },
      { timeout: 15_000, interval: 250 },
    )
    // The acknowledgement comes from the POST answer or, when the order stream is faster, from a broker report.
    const kinds = (await t.client.call('orders.events', { orderId: parentId })).map((e) => e.kind)
    expect(kinds.slice(0, 2)).toEqual(['intent', 'sent'])
    expect(kinds.some((k) => k === 'accepted' || k === 'broker')).toBe(true)
    expect((await t.client.call('orders.list', { runId: r.id })).every((o) => o.brokerOrderId !== null)).toBe(true)
  }, 60_000)

  it(
    'ask first: the proposed bracket waits for approval; a ' + 'rejection sends nothing, an approval sends it',
    async () => {
      const spy = (await t.client.call('strategies.list', {})).find((s) => s.mode === 'paper')!
      const [qqq] = await t.client.call('instruments.search', { query: 'QQQ' })
      await t.client.call('instruments.details', { conid: qqq!.conid })
      const ask = await t.client.call('strategies.create', {
        ...spy.config,
        name: 'QQQ ask first (test)',
        conid: qqq!.conid,
        symbol: 'QQQ',
        approval: 'ask',
      })
      const alerts: string[] = []
      const off = t.client.on(
        'alerts.raised',
        (a) => void alerts.push(`${a.title}${a.action ? `:${a.action.kind}` : ''}`),
      )

      const r1 = await run(ask.id)
      const p1 = r1.steps.find((s) => s.step === 'place_order')!.output as PlaceOrderOutput
      expect(p1).toMatchObject({ sent: false, awaitingApproval: { id: expect.any(String) } })
      expect(alerts).toContain('Approval needed:approval')
      expect((await t.client.call('approvals.list', { status: 'pending' })).map((a) => a.id)).toContain(
        p1.awaitingApproval!.id,
      )
      const rejected = await t.client.call('approvals.decide', {
        id: p1.awaitingApproval!.id,
        approve: false,
        reason: 'not today',
      })
      expect(rejected).toMatchObject({ approval: { status: 'rejected', reason: 'not today' }, orders: [] })
      expect(await t.client.call('orders.list', { runId: r1.id })).toEqual([])
      await expect(
        t.client.call('approvals.decide', { id: p1.awaitingApproval!.id, approve: true }),
      ).rejects.toMatchObject({ code: 'CONFLICT' })

      const r2 = await run(ask.id)
      const p2 = r2.steps.find((s) => s.step === 'place_order')!.output as PlaceOrderOutput
      expect(await t.client.call('orders.list', { runId: r2.id })).toEqual([])
      // The gate runs again on approval; while it refuses (the order-rate cap: one submission per 2 s)
      // the approval stays pending and can be approved again.
      const decided = await vi.waitFor(
        () => t.client.call('approvals.decide', { id: p2.awaitingApproval!.id, approve: true }),
        { timeout: 5_000, interval: 250 },
      )
      expect(decided.gate?.allowed).toBe(true)
      expect(decided.orders.map((o) => o.leg)).toEqual(['parent', 'stop', 'target'])
      const after = await t.client.call('lineage.getRun', { runId: r2.id })
      const attempts = after.steps.filter((s) => s.step === 'place_order')
      expect(attempts.map((s) => s.attempt)).toEqual([1, 2])
      expect(attempts[1]!.output).toMatchObject({ approval: 'approved', sent: true })
      off()
    },
    60_000,
  )
})
