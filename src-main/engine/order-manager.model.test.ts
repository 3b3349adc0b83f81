import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../broker/ibkr/fake-gateway.test-util'
import { openStore, type Store } from '../store/db'
import { getOrder, listOrders } from '../store/orders-repo'
import { orderEvents } from '../store/schema'
import type { OrderIntent } from './order-manager'
import { setupCore, type Real } from './order-manager.model.test-util'

// RELIABILITY.md T4: a reference model of the order manager, driven by random operation sequences
// with faults (submit with every broker answer, reply questions, acks, partial and full fills,
// cancel request and ack, rejects, duplicate and out-of-order reports, disconnect, reconnect,
// modify), compared with the implementation after every step. The model is written from the
// spec, independently of domain/orders/state.ts. The broker is an in-process double whose answers
// each command picks; the store, the gate and the order manager are the real ones.

type St = 'SUBMITTED' | 'PARTIALLY_FILLED' | 'FILLED' | 'PENDING_CANCEL' | 'CANCELED' | 'REJECTED'
type MStatus = St | 'NOT_PLACED' | 'UNKNOWN'
interface MOrder {
  id: string
  brokerId: string | null
  status: MStatus
  qty: number
  filled: number
}
interface Model {
  orders: MOrder[]
  up: boolean
}
const TERMINAL = new Set<MStatus>(['FILLED', 'CANCELED', 'REJECTED', 'NOT_PLACED'])

/** The spec's reaction to a broker report (RELIABILITY.md §1.1), written out by hand. */
function modelReport(o: MOrder, status: string, cum: number): void {
  if (o.status === 'NOT_PLACED' || o.status === 'REJECTED' || o.status === 'FILLED') return
  if (o.status === 'CANCELED') {
    o.filled = Math.min(o.qty, Math.max(o.filled, cum)) // a late fill still counts
    return
  }
  if (o.status === 'UNKNOWN') o.status = 'SUBMITTED'
  o.filled = Math.min(o.qty, Math.max(o.filled, cum))
  if (o.filled >= o.qty) {
    o.status = 'FILLED'
    return
  }
  const s = status.toLowerCase()
  if (s === 'cancelled') o.status = 'CANCELED'
  else if (s === 'rejected' || s === 'inactive') o.status = 'REJECTED'
  else if (o.status !== 'PENDING_CANCEL') o.status = o.filled > 0 ? 'PARTIALLY_FILLED' : 'SUBMITTED'
}

function compare(m: Model, r: Real): void {
  const rows = listOrders(store.db, { account: r.account, limit: 1000 })
  expect(rows.length).toBe(m.orders.length)
  for (const o of m.orders) {
    const row = getOrder(store.db, o.id)!
    expect([row.clientOrderId, row.status, row.filledQty, row.qty]).toEqual([
      row.clientOrderId,
      o.status,
      o.filled,
      o.qty,
    ])
    expect(row.filledQty).toBeLessThanOrEqual(row.qty)
  }
  for (const n of r.posts.values()) expect(n).toBe(1) // never sent twice
}

const pick = (m: Model, i: number, f: (o: MOrder) => boolean) => {
  const c = m.orders.filter(f)
  return c.length === 0 ? null : c[i % c.length]!
}

class Submit implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly qty: number,
    readonly answer: Real['nextAnswer'],
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    r.clock.t += 5_000
    r.nextAnswer = this.answer
    const cOID = `c${r.account}-${m.orders.length}-${r.clock.t}`
    const intent: OrderIntent = {
      runId: null,
      signalId: null,
      origin: 'manual',
      mode: 'paper',
      account: r.account,
      marketHours: 'any',
      allowShort: false,
      tickets: [
        {
          clientOrderId: cOID,
          leg: 'single',
          parentClientOrderId: null,
          conid: 1,
          side: 'BUY',
          orderType: 'LMT',
          tif: 'DAY',
          qty: this.qty,
          price: 100,
          outsideRth: false,
        },
      ],
    }
    const p = r.om.submit(intent)
    if (m.up && (this.answer === 'ask-yes' || this.answer === 'ask-no')) {
      await until(() => r.om.pendingReplies().length > 0, 'the question')
      r.om.answerReply(r.om.pendingReplies()[0]!.orderIds[0]!, this.answer === 'ask-yes')
    }
    const res = await p
    if (!m.up) {
      expect(res.gate.allowed).toBe(false)
      expect(res.gate.reason).toMatch(/^session:/)
      return
    }
    const row = res.orders[0]!
    const status: MStatus =
      this.answer === 'accept' || this.answer === 'allowlisted' || this.answer === 'ask-yes'
        ? 'SUBMITTED'
        : this.answer === 'ask-no'
          ? 'NOT_PLACED'
          : this.answer === 'reject'
            ? 'REJECTED'
            : 'UNKNOWN'
    m.orders.push({
      id: row.id,
      brokerId: status === 'SUBMITTED' ? row.brokerOrderId : null,
      status,
      qty: this.qty,
      filled: 0,
    })
    compare(m, r)
  }
  toString = () => `submit(${this.qty}, ${this.answer})`
}

/** A broker report for an order: ack, partial fill, fill, cancel ack or reject. */
class Report_ implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly i: number,
    readonly kind: 'ack' | 'partial' | 'fill' | 'cancelled' | 'rejected',
    readonly k: number,
  ) {}
  check = (m: Readonly<Model>) => m.orders.some((o) => o.brokerId !== null || o.status === 'UNKNOWN')
  async run(m: Model, r: Real) {
    const o = pick(m, this.i, (x) => x.brokerId !== null || x.status === 'UNKNOWN')!
    o.brokerId ??= `b-${o.id}`
    const cum =
      this.kind === 'partial' ? Math.min(o.qty - 1, o.filled + this.k) : this.kind === 'fill' ? o.qty : o.filled
    const status = {
      ack: 'Submitted',
      partial: 'Submitted',
      fill: 'Filled',
      cancelled: 'Cancelled',
      rejected: 'Rejected',
    }[this.kind]
    if (this.kind === 'partial' && cum <= o.filled) return
    // An UNKNOWN order is found by its client order id (as the stream's order_ref carries it).
    r.emit({
      orderId: o.brokerId,
      status,
      filledQuantity: cum,
      ...({ order_ref: getOrder(store.db, o.id)!.clientOrderId } as object),
    })
    modelReport(o, status, cum)
    compare(m, r)
  }
  toString = () => `report(${this.i}, ${this.kind}, ${this.k})`
}

/** A report delivered again (duplicate) or an older one arriving late (out of order): nothing regresses. */
class Replay implements fc.AsyncCommand<Model, Real> {
  constructor(readonly back: number) {}
  check = () => true
  async run(m: Model, r: Real) {
    const e = r.delivered[Math.max(0, r.delivered.length - 1 - this.back)]
    if (!e) return
    const before = store.db.select().from(orderEvents).all().length
    r.emit(e)
    const o = m.orders.find((x) => x.brokerId === e.orderId)!
    const was = JSON.stringify(o)
    modelReport(o, e.status, e.filledQuantity)
    compare(m, r)
    // A report that changes nothing records nothing (duplicates are idempotent).
    if (JSON.stringify(o) === was) expect(store.db.select().from(orderEvents).all().length).toBe(before)
  }
  toString = () => `replay(${this.back})`
}

class Cancel implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly i: number,
    readonly fails: boolean,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const o = pick(m, this.i, () => true)
    if (!o) return
    r.cancelFails = this.fails || !m.up
    const ok = await r.om.cancel(o.id).then(
      () => true,
      () => false,
    )
    const allowed = !TERMINAL.has(o.status) && o.brokerId !== null && o.status !== 'UNKNOWN' && !r.cancelFails
    expect(ok).toBe(allowed)
    if (allowed && (o.status === 'SUBMITTED' || o.status === 'PARTIALLY_FILLED')) o.status = 'PENDING_CANCEL'
    compare(m, r)
  }
  toString = () => `cancel(${this.i}, ${this.fails})`
}

class Modify implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly i: number,
    readonly qty: number,
  ) {}
  check = () => true
  async run(m: Model, r: Real) {
    const o = pick(m, this.i, () => true)
    if (!o) return
    r.clock.t += 5_000
    const ok = await r.om.modify(o.id, { qty: this.qty }).then(
      () => true,
      () => false,
    )
    const allowed =
      m.up &&
      o.brokerId !== null &&
      (o.status === 'SUBMITTED' || o.status === 'PARTIALLY_FILLED') &&
      this.qty >= o.filled &&
      getOrder(store.db, o.id)!.brokerOrderId !== null
    expect(ok).toBe(allowed)
    // Shrunk to what is filled, it stays as it is until the broker's next report settles it.
    if (allowed) o.qty = this.qty
    compare(m, r)
  }
  toString = () => `modify(${this.i}, ${this.qty})`
}

class Session implements fc.AsyncCommand<Model, Real> {
  constructor(readonly up: boolean) {}
  check = () => true
  async run(m: Model, r: Real) {
    r.setUp(this.up)
    m.up = this.up
    compare(m, r)
  }
  toString = () => (this.up ? 'reconnect' : 'disconnect')
}

let store: Store
beforeAll(async () => {
  const dir = mkdtempSync(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'ibkr-ws-t4-'))
  store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
  // A model test of states, not of durability: no fsync per commit, so 2,000 sequences run in seconds.
  store.sqlite.pragma('synchronous = OFF')
})
afterAll(() => store.close())

const commands = [
  fc
    .tuple(
      fc.integer({ min: 2, max: 20 }),
      fc.constantFrom('accept', 'accept', 'allowlisted', 'ask-yes', 'ask-no', 'reject', 'lost' as const),
    )
    .map(([q, a]) => new Submit(q, a as Real['nextAnswer'])),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('ack', 'partial', 'partial', 'fill', 'cancelled', 'rejected' as const),
      fc.integer({ min: 1, max: 5 }),
    )
    .map(([i, k, n]) => new Report_(i, k as Report_['kind'], n)),
  fc.integer({ min: 0, max: 4 }).map((b) => new Replay(b)),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, f]) => new Cancel(i, f)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 25 })).map(([i, q]) => new Modify(i, q)),
  fc.boolean().map((u) => new Session(u)),
]

describe('order manager ≡ reference model under random operations with faults (RELIABILITY.md T4)', () => {
  it('2,000 sequences of up to 50 commands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 50 }), async (cmds) => {
        const model: Model = { orders: [], up: true }
        const real = setupCore(store)
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds)
        } finally {
          real.om.stop()
          // Each sequence starts from an empty book (and the queries stay as fast as the first).
          store.sqlite.exec('DELETE FROM order_events; DELETE FROM orders;')
        }
      }),
      { numRuns: Number(process.env.T4_RUNS ?? 2_000), seed: 4 },
    )
  }, 120_000)
})
