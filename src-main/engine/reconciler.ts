import { randomUUID } from 'node:crypto'
import type { Broker, Execution, LiveOrder, Position } from '../broker/broker'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { insertIntent, listOrders, orderByBrokerId, orderByClientId, type OrderRow } from '../store/orders-repo'
import { crashPoint } from '../crash-points'
import type { GatewayConnection } from './gateway-status'
import type { OrderManager } from './order-manager'

// Reconciliation (F14, RELIABILITY.md §1 invariant 5): at start-up and after every reconnect, the
// broker's live orders, trades and positions are loaded and matched to local intents by client
// order id. Orders whose outcome was unknown are settled from that evidence (NOT_PLACED only after
// three reads without them); orders the app did not place are recorded as external; position drift
// is raised as an alert and latches the kill switch. New submissions wait until a cycle succeeds.

const ABSENT_CYCLES = 3
const OPEN_OR_UNCLEAR = [
  'PENDING_SUBMIT',
  'AWAITING_REPLY',
  'UNKNOWN',
  'SUBMITTED',
  'PARTIALLY_FILLED',
  'PENDING_CANCEL',
] as const

export interface ReconcileReport {
  at: number
  account: string
  settled: { clientOrderId: string; from: string; to: string }[]
  external: string[]
  drift: { conid: number; local: number; broker: number }[]
  executions: number
}

export interface ReconcilerDeps {
  db: Db
  bus: EventBus
  now(): number
  broker(): Broker
  gateway(): GatewayConnection
  orders: OrderManager
  /** Fills into the portfolio (idempotent by execution id). */
  ingest(executions: Execution[]): void
  /** Local net position per conid for the account, across strategies. */
  localPositions(account: string): Map<number, number>
  latchKillSwitch(account: string, reason: string): void
  alert(level: 'info' | 'warning' | 'error', title: string, message: string): void
}

export function createReconciler(d: ReconcilerDeps) {
  const absent = new Map<string, number>()
  let reconciledFor: string | null = null
  let running: Promise<ReconcileReport | null> | null = null
  let last: ReconcileReport | null = null

  async function cycle(): Promise<ReconcileReport | null> {
    const status = d.gateway().current()
    const account = status.account
    if (status.state !== 'authenticated' || !account) return null
    const broker = d.broker()
    const [live, trades, positions] = await Promise.all([
      broker.liveOrders({ accountId: account, force: true }),
      broker.trades({ accountId: account, days: 7 }),
      positionsOf(broker, account),
    ])
    const report: ReconcileReport = {
      at: d.now(),
      account,
      settled: [],
      external: [],
      drift: [],
      executions: trades.length,
    }
    crashPoint('during-reconcile')
    d.ingest(trades)

    const liveByCoid = new Map(live.filter((l) => l.cOID).map((l) => [l.cOID!, l]))
    const liveById = new Map(live.map((l) => [l.orderId, l]))
    const filledByCoid = new Map<string, number>()
    const brokerIdByCoid = new Map<string, string>()
    for (const t of trades) {
      if (!t.cOID) continue
      filledByCoid.set(t.cOID, (filledByCoid.get(t.cOID) ?? 0) + t.size)
      if (t.orderId) brokerIdByCoid.set(t.cOID, t.orderId)
    }

    for (const o of listOrders(d.db, { status: [...OPEN_OR_UNCLEAR], account, limit: 5000 })) {
      const before = o.status
      const l = (o.brokerOrderId ? liveById.get(o.brokerOrderId) : undefined) ?? liveByCoid.get(o.clientOrderId)
      const filled = filledByCoid.get(o.clientOrderId) ?? 0
      if (l) {
        absent.delete(o.id)
        d.orders.onBrokerOrder({
          orderId: l.orderId,
          order_ref: o.clientOrderId,
          status: l.status,
          filledQuantity: l.filledQuantity,
          avgPrice: l.avgPrice,
        })
      } else if (filled > 0) {
        absent.delete(o.id)
        d.orders.onBrokerOrder({
          orderId: o.brokerOrderId ?? brokerIdByCoid.get(o.clientOrderId),
          order_ref: o.clientOrderId,
          status: filled >= o.qty ? 'Filled' : 'Submitted',
          filledQuantity: filled,
        })
      } else if (o.brokerOrderId) {
        // Acknowledged but no longer live: its own status record says how it ended.
        const s = await broker.orderStatus(o.brokerOrderId).catch(() => null)
        if (s)
          d.orders.onBrokerOrder({
            orderId: s.orderId,
            status: s.status,
            filledQuantity: s.filled,
            avgPrice: s.averagePrice,
          })
      } else if (o.status === 'UNKNOWN' || o.status === 'PENDING_SUBMIT' || o.status === 'AWAITING_REPLY') {
        const n = (absent.get(o.id) ?? 0) + 1
        absent.set(o.id, n)
        if (n >= ABSENT_CYCLES) {
          d.orders.apply(
            o.status === 'AWAITING_REPLY' ? { ...o, status: 'UNKNOWN' } : o,
            { kind: 'absent_confirmed' },
            { cycles: n },
          )
          absent.delete(o.id)
        }
      }
      const after = currentStatus(o)
      if (after !== before) report.settled.push({ clientOrderId: o.clientOrderId, from: before, to: after })
    }

    for (const l of live) {
      if ((l.cOID && orderByClientId(d.db, l.cOID)) || orderByBrokerId(d.db, l.orderId)) continue
      recordExternal(account, l)
      report.external.push(l.orderId)
    }
    if (report.external.length > 0)
      d.alert(
        'warning',
        'Orders placed outside the app',
        `${report.external.length} working order(s) on ${account} were not placed by this app; ` +
          `they are shown as external on the Orders page.`,
      )

    const local = d.localPositions(account)
    const conids = new Set([...local.keys(), ...positions.map((p) => p.conid)])
    for (const conid of conids) {
      const b = positions.find((p) => p.conid === conid)?.position ?? 0
      const l = local.get(conid) ?? 0
      if (b !== l) report.drift.push({ conid, local: l, broker: b })
    }
    if (report.drift.length > 0) {
      const text = report.drift.map((x) => `${x.conid}: app ${x.local}, broker ${x.broker}`).join('; ')
      d.alert(
        'error',
        'Position drift',
        `Positions differ from the broker (${text}). The kill switch is on until you check and reset it.`,
      )
      d.latchKillSwitch(account, `position drift: ${text}`)
    }
    reconciledFor = account
    last = report
    d.bus.emit('db.changed', { tables: ['orders', 'order_events', 'executions', 'positions'] })
    return report
  }

  function currentStatus(o: OrderRow): string {
    return orderByClientId(d.db, o.clientOrderId)?.status ?? o.status
  }

  function recordExternal(account: string, l: LiveOrder): void {
    const side = l.side.toUpperCase().startsWith('S') ? 'SELL' : 'BUY'
    const type = /STP|STOP/i.test(l.orderType) ? 'STP' : /MKT|MARKET/i.test(l.orderType) ? 'MKT' : 'LMT'
    const qty = Math.max(1, Math.round(l.totalSize ?? (l.filledQuantity ?? 0) + (l.remainingQuantity ?? 0)))
    insertIntent(
      d.db,
      [
        {
          id: randomUUID(),
          clientOrderId: l.cOID ?? `ext-${l.orderId}`,
          runId: null,
          signalId: null,
          parentId: null,
          leg: 'single',
          origin: 'external',
          mode: d.gateway().current().paper ? 'paper' : 'live',
          account,
          conid: l.conid,
          side,
          orderType: type,
          tif: 'DAY',
          qty,
          limitPrice: type === 'STP' ? null : l.price,
          auxPrice: type === 'STP' ? l.price : null,
          outsideRth: false,
          status: 'SUBMITTED',
          brokerOrderId: l.orderId,
          filledQty: Math.min(qty, Math.round(l.filledQuantity ?? 0)),
        },
      ],
      d.now(),
      'external_order',
      l,
    )
  }

  return {
    /** One reconciliation cycle; concurrent callers share it. */
    reconcile(): Promise<ReconcileReport | null> {
      running ??= cycle().finally(() => (running = null))
      return running
    },
    /** Reconciled since the last (re)connect of the selected account. */
    reconciled(): boolean {
      const s = d.gateway().current()
      return s.state === 'authenticated' && s.account !== null && reconciledFor === s.account
    },
    /** The cycle in flight, if any. */
    inFlight: (): Promise<ReconcileReport | null> | null => running,
    /** The session dropped or changed: nothing is sent until the next successful cycle. */
    invalidate(): void {
      reconciledFor = null
    },
    last: () => last,
  }
}

async function positionsOf(broker: Broker, account: string): Promise<Position[]> {
  const out: Position[] = []
  for (let page = 0; page < 20; page++) {
    const rows = await broker.positions(account, page)
    out.push(...rows)
    if (rows.length < 100) break
  }
  return out
}

export type Reconciler = ReturnType<typeof createReconciler>
