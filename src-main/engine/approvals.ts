import { randomUUID } from 'node:crypto'
import { StepId } from '../contract/models'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import {
  decideApproval,
  expiredApprovals,
  getApproval,
  insertApproval,
  listApprovals,
  type ApprovalRow,
} from '../store/approvals-repo'
import type { Db } from '../store/db'
import { nextAttempt, recordStep } from '../store/lineage-repo'
import type { Timers } from '../timers'
import type { OrderIntent, OrderManager, SubmitResult } from './order-manager'

// Approvals (F15): an ask-first strategy's proposed order waits for a person, in the app or from an
// actionable tray notification; approve submits it through the order manager (the risk gate runs
// again then), reject or the timeout drops it. Every decision is added to the run's lineage as a
// new attempt of its `place_order` step.

export const APPROVAL_TIMEOUT_MS = 15 * 60_000

export interface ApprovalSummary {
  symbol: string
  side: 'BUY' | 'SELL'
  qty: number
  entry: number
  stop: number | null
  target: number | null
  rewardRisk: number | null
  chartSha256: string | null
  strategyName: string
  mode: 'paper' | 'live'
}

export function createApprovals(d: {
  db: Db
  lineageDb: Db
  bus: EventBus
  now(): number
  timers: Timers
  orders: () => OrderManager
  alert(level: 'info' | 'warning' | 'error', title: string, message: string, action?: { approvalId: string }): void
}) {
  const changed = () => d.bus.emit('db.changed', { tables: ['approvals'] })
  const PLACE_SEQ = StepId.options.indexOf('place_order')

  function record(a: ApprovalRow, output: unknown): void {
    const rec = {
      runId: a.runId,
      step: 'place_order' as const,
      seq: PLACE_SEQ,
      attempt: nextAttempt(d.lineageDb, a.runId, 'place_order'),
      status: 'succeeded' as const,
      startedAt: d.now(),
      durationMs: 0,
      input: { approvalId: a.id },
      output,
      error: null,
      artifacts: [],
    }
    recordStep(d.lineageDb, rec)
    const { runId, ...step } = rec
    d.bus.emit('lineage.stepRecorded', { runId, ...step })
  }

  const stopExpiry = d.timers.every(() => {
    for (const a of expiredApprovals(d.db, d.now())) {
      if (!decideApproval(d.db, a.id, 'expired', 'timeout', 'no decision in time', d.now())) continue
      record(
        { ...a, status: 'expired' },
        { approval: 'expired', sent: false, note: 'No decision in time: the order was not placed.' },
      )
      d.alert(
        'warning',
        'Approval expired',
        `${(a.payload as { summary: ApprovalSummary }).summary.symbol}: no decision in time, the order was not placed.`,
      )
      changed()
    }
  }, 5_000)

  return {
    create(p: {
      runId: string
      signalId: string | null
      strategyId: string
      intent: OrderIntent
      summary: ApprovalSummary
    }): ApprovalRow {
      const id = randomUUID()
      insertApproval(d.db, {
        id,
        runId: p.runId,
        signalId: p.signalId,
        strategyId: p.strategyId,
        account: p.intent.account,
        payload: { intent: p.intent, summary: p.summary },
        createdAt: d.now(),
        expiresAt: d.now() + APPROVAL_TIMEOUT_MS,
      })
      const s = p.summary
      d.alert(
        'warning',
        'Approval needed',
        `${s.strategyName}: ${s.side} ${s.qty} ${s.symbol} at ` +
          `${s.entry}${s.stop !== null ? `, stop ${s.stop}` : ''}` +
          `${s.target !== null ? `, target ${s.target}` : ''}` +
          `${s.rewardRisk !== null ? ` (R ${s.rewardRisk.toFixed(2)})` : ''}.`,
        { approvalId: id },
      )
      changed()
      return getApproval(d.db, id)!
    },
    list: (status: ApprovalRow['status'] | null, limit = 100) => listApprovals(d.db, status, limit),
    async decide(
      id: string,
      approve: boolean,
      by: string,
      reason: string | null,
    ): Promise<{ approval: ApprovalRow; result: SubmitResult | null }> {
      const a = getApproval(d.db, id)
      if (!a) throw new RpcError('NOT_FOUND', `No approval ${id}`)
      if (a.status !== 'pending') throw new RpcError('CONFLICT', `This approval is already ${a.status}.`)
      if (a.expiresAt < d.now()) throw new RpcError('CONFLICT', 'This approval has expired; the order was not placed.')
      const intent = (a.payload as { intent: OrderIntent }).intent
      if (approve) {
        // The gate runs again now; if it refuses, the approval stays pending so the person can retry.
        const verdict = await d.orders().check(intent)
        if (!verdict.allowed)
          throw new RpcError(
            'FORBIDDEN',
            `Not sent yet: ${verdict.reason}. The approval is still pending; try again.`,
            verdict.checks,
          )
      }
      if (!decideApproval(d.db, id, approve ? 'approved' : 'rejected', by, reason, d.now()))
        throw new RpcError('CONFLICT', 'This approval was decided meanwhile.')
      changed()
      if (!approve) {
        record(a, { approval: 'rejected', by, reason, sent: false })
        return { approval: getApproval(d.db, id)!, result: null }
      }
      const result = await d.orders().submit(intent)
      record(a, {
        approval: 'approved',
        by,
        sent: result.orders.length > 0,
        gate: result.gate,
        orders: result.orders.map((o) => ({
          clientOrderId: o.clientOrderId,
          leg: o.leg,
          status: o.status,
          brokerOrderId: o.brokerOrderId,
        })),
      })
      return { approval: getApproval(d.db, id)!, result }
    },
    stop: stopExpiry,
  }
}

export type Approvals = ReturnType<typeof createApprovals>
