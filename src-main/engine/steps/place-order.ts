import type { PlaceOrderOutput, RiskCheckOutput, SubmittedOrder, ValidateSignalOutput } from '../../contract/steps'
import type { Strategy } from '../../contract/strategies'
import { orderIntent } from '../../domain/runs/risk'
import { nyDate } from '../../domain/runs/market-data'
import type { OrderRow } from '../../store/orders-repo'
import type { Approvals } from '../approvals'
import type { OrderIntent, OrderManager } from '../order-manager'

// Step 9, place_order: the risk decision's tickets with their client order ids. A dry run records
// them and sends nothing; paper and live go through the order manager (its risk gate decides), or
// wait for a person when the strategy asks for approval.

export interface PlaceOrderInput {
  runId: string
  strategy: Pick<Strategy, 'id' | 'key' | 'name' | 'mode' | 'approval' | 'config'>
  decision: RiskCheckOutput
  signal: Pick<ValidateSignalOutput, 'signalId' | 'numbers'>
  account: string
  /** The run's number among the strategy's runs today (part of each client order id). */
  daySeq: number
  /** The first chart image, shown with an approval request. */
  chartSha256: string | null
  now: number
}

export interface PlaceOrderServices {
  orders(): Pick<OrderManager, 'submit'>
  approvals(): Pick<Approvals, 'create'>
}

export function placeOrderInput(strategy: Pick<Strategy, 'mode' | 'approval'>, decision: RiskCheckOutput) {
  return {
    mode: strategy.mode,
    approval: strategy.approval,
    decision: { kind: decision.kind, side: decision.side, qty: decision.qty },
  }
}

export async function placeOrder(i: PlaceOrderInput, s: PlaceOrderServices): Promise<PlaceOrderOutput> {
  const { strategy, decision } = i
  const cfg = strategy.config
  const tickets = orderIntent(decision, {
    strategyKey: strategy.key,
    tradingDate: nyDate(i.now),
    daySeq: i.daySeq,
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
    runId: i.runId,
    signalId: i.signal.signalId,
    origin: 'strategy',
    mode: strategy.mode as 'paper' | 'live',
    account: i.account,
    tickets,
    marketHours: cfg.marketHours,
    allowShort: cfg.risk.allowShort,
  }
  if (strategy.approval === 'ask') {
    const a = s.approvals().create({
      runId: i.runId,
      signalId: i.signal.signalId,
      strategyId: strategy.id,
      intent,
      summary: {
        symbol: cfg.symbol,
        side: tickets[0]!.side,
        qty: tickets[0]!.qty,
        entry: tickets[0]!.price,
        stop: decision.stop,
        target: decision.target,
        rewardRisk: i.signal.numbers?.rMultiples[0] ?? null,
        chartSha256: i.chartSha256,
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
  const result = await s.orders().submit(intent)
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
}

/** An order row as the lineage shows it. */
export function orderState(o: OrderRow): SubmittedOrder {
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
