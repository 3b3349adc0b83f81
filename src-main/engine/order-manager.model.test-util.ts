import type { Broker, BrokerEvent, OrderAnswer } from '../broker/broker'
import { GatewayHttpError } from '../broker/ibkr/errors'
import { manualTimers } from '../broker/ibkr/fake-gateway.test-util'
import type { GatewayStatus } from '../contract/models'
import { DEFAULT_RISK_LIMITS } from '../domain/risk/limits'
import { createEventBus } from '../rpc/event-bus'
import type { Store } from '../store/db'
import { createOrderGate } from './order-gate'
import { createOrderManager, type OrderManager } from './order-manager'

// The implementation side of the T4 model test (order-manager.model.test.ts): the real order
// manager and gate on a real store, with a broker double whose next answer each command picks.

export type Report = { orderId: string; status: string; filledQuantity: number }
export interface Real {
  om: OrderManager
  account: string
  setUp(up: boolean): void
  nextAnswer: 'accept' | 'allowlisted' | 'ask-yes' | 'ask-no' | 'reject' | 'lost'
  cancelFails: boolean
  emit(r: Report): void
  delivered: Report[]
  posts: Map<string, number>
  clock: { t: number }
}

let seqNo = 0
/** A fresh order manager for one sequence: its own account, the real gate, an in-process broker double. */
export function setupCore(store: Store): Real {
  const account = `DU${++seqNo}`
  const clock = { t: Date.parse('2026-11-24T16:00:00Z') }
  let up = true
  const listeners = new Set<(e: BrokerEvent) => void>()
  const posts = new Map<string, number>()
  let ids = 0
  const real = {} as Real
  const status = (): GatewayStatus => ({
    state: up ? 'authenticated' : 'unauthenticated',
    account,
    paper: true,
    url: 'double',
    detail: '',
    loginUrl: null,
    checkedAt: clock.t,
  })
  const accepted = (cOIDs: string[]): OrderAnswer => ({
    kind: 'accepted',
    orders: cOIDs.map(() => ({ orderId: `b${account}-${++ids}`, status: 'Submitted' })),
  })
  let pendingCOIDs: string[] = []
  const broker = {
    onEvent: (cb: (e: BrokerEvent) => void) => (listeners.add(cb), () => listeners.delete(cb)),
    snapshot: async () => [
      { conid: 1, raw: {}, values: { '31': 100 }, closed: false, halted: false, updatedAt: clock.t },
    ],
    summary: async () => ({ netliquidation: 1e12 }),
    placeOrders: async (_a: string, tickets: { cOID: string }[]) => {
      for (const t of tickets) posts.set(t.cOID, (posts.get(t.cOID) ?? 0) + 1)
      pendingCOIDs = tickets.map((t) => t.cOID)
      switch (real.nextAnswer) {
        case 'accept':
          return accepted(pendingCOIDs)
        case 'allowlisted':
          return { kind: 'confirm', replyId: 'r1', messageIds: ['o163'], messages: ['price'] }
        case 'ask-yes':
        case 'ask-no':
          return { kind: 'confirm', replyId: 'r2', messageIds: ['o451'], messages: ['value'] }
        case 'reject':
          throw new GatewayHttpError(400, 'rejected by the venue', '/orders')
        case 'lost':
          throw new Error('socket hang up')
      }
    },
    reply: async (_id: string, yes: boolean) => (yes ? accepted(pendingCOIDs) : { kind: 'accepted', orders: [] }),
    cancelOrder: async (_a: string, orderId: string) => {
      if (real.cancelFails) throw new Error('disconnected')
      return { orderId, message: 'Request was submitted' }
    },
    modifyOrder: async () => {
      if (!up) throw new GatewayHttpError(401, 'not authenticated', '/order')
      return { kind: 'accepted', orders: [] }
    },
    orderStatus: async () => {
      throw new Error('not used')
    },
    liveOrders: async () => [],
  } as unknown as Broker
  const gate = createOrderGate({
    db: store.db,
    now: () => clock.t,
    gateway: () => ({ current: status }) as never,
    risk: () => ({ killSwitch: false, dailyLossLatched: false }),
    reconciled: () => true,
    liveArmed: () => false,
    positions: () => new Map(),
    limits: () => ({
      ...DEFAULT_RISK_LIMITS,
      maxOrderNotional: 1e9,
      maxSymbolNotional: 1e12,
      ratePerTwoSeconds: 10,
      ratePerMinute: 100,
      ratePerDay: 5000,
    }),
    quote: async () => ({ last: 100, ageMs: 0 }),
    mark: () => 100,
    netLiquidation: async () => 1e12,
  })
  const om = createOrderManager({
    db: store.db,
    bus: createEventBus(),
    now: () => clock.t,
    timers: manualTimers(),
    broker: () => broker,
    gateway: () => ({ current: status }) as never,
    gate,
    allowShort: () => false,
    onFills: () => undefined,
    alert: () => undefined,
  })
  Object.assign(real, {
    om,
    account,
    setUp: (v: boolean) => (up = v),
    nextAnswer: 'accept',
    cancelFails: false,
    delivered: [],
    posts,
    clock,
    emit(r: Report) {
      real.delivered.push(r)
      for (const l of listeners) l({ type: 'orders', orders: [r as unknown as Record<string, unknown>] })
    },
  } satisfies Partial<Real>)
  return real
}
