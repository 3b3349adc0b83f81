import type { SimClock } from './clock'
import { parseOrder, stopPrice, type OrderInput, type SimOrder } from './order-model'
import type { Portfolio } from './portfolio'
import { isOnIncrement } from '../domain/prices'
import { simIncrement, type PriceEngine } from './prices'
import { quoteFields } from './quotes'
import type { SimInstrument } from './reference'
import { hash32, stream } from './rng'

// Order entry (IBKR.md §7.7): validation, cOID uniqueness over 24 virtual hours, the reply-message
// chain with prompt rules and suppression, modify and cancel. Matching lives in matching.ts.

export interface SimResult {
  status: number
  body: unknown
}

export type PromptId = 'o354' | 'o163' | 'o383' | 'o451' | 'o403' | 'o10331' | 'o10151'

export interface OrderOptions {
  /** Prompt ids evaluated in this order; o10151 (MKT) is off by default. */
  prompts: Record<PromptId, boolean>
  replyTtlMs: number
}

export const DEFAULT_ORDER_OPTIONS: OrderOptions = {
  prompts: { o354: true, o163: true, o383: true, o451: true, o403: true, o10331: true, o10151: false },
  replyTtlMs: 120_000,
}

const SURE = '\nAre you sure you want to submit this order?'
const usd = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/**
 * IBKR's own prompt texts (its CPAPI documentation and answers seen by public clients), so clients
 * that answer prompts by matching the text ("price exceeds the Percentage constraint of 3%",
 * "exceeds the Total Value Limit of", "…may result in erroneous and unexpected trades.") find them.
 */
export function promptText(id: string, o: { desc: string; descWithPrice: string; notional: number }): string {
  switch (id) {
    case 'o354':
      return (
        'You are submitting an order without market data. We strongly recommend against this as it ' +
        `may result in erroneous and unexpected trades.${SURE}`
      )
    case 'o163':
      return `The following order "${o.descWithPrice}" price exceeds the Percentage constraint of 3%.${SURE}`
    case 'o383':
      return `The following order "${o.desc}" size exceeds the Size Limit of 500.${SURE}`
    case 'o451':
      return (
        `The following order "${o.desc}" value estimate of ${usd.format(o.notional)} USD exceeds ` +
        `the Total Value Limit of 100,000 USD.${SURE}`
      )
    case 'o403':
      return `This order will most likely trigger and fill immediately.${SURE}`
    case 'o10331':
      return (
        'You are about to submit a stop order. Please be aware of the various stop order types available ' +
        `and the risks associated with each one.${SURE}`
      )
    // IBKR.md §3.5: o10151 warns of the risks of market orders (the "Market Order Confirmation" title
    // belongs to the cash-quantity prompts, o10164/o10223); worded like o10331, its stop-order twin.
    case 'o10151':
      return (
        'You are about to submit a market order. Please be aware of the risks associated with market ' +
        `orders: they may execute at prices far from the last price.${SURE}`
      )
    default:
      return `${id}${SURE}`
  }
}

/** IBKR's answer to a price off the contract's increment (TWS error 110's text). */
function offIncrement(o: OrderInput): string | null {
  for (const p of [o.price, o.auxPrice])
    if (p !== null && !isOnIncrement(p, simIncrement(p)))
      return (
        'The price does not conform to the minimum price variation for this contract. ' +
        `(${p}: increment ${simIncrement(p)})`
      )
  return null
}

const DAY_MS = 86_400_000
const ok = (body: unknown): SimResult => ({ status: 200, body })
const bad = (error: string): SimResult => ({ status: 400, body: { error } })

interface Prompt {
  id: string
  text: string
}

interface PendingReply {
  prompts: Prompt[]
  expiresAt: number
  commit: () => SimResult
}

export interface OrderBookDeps {
  clock: SimClock
  engine: PriceEngine
  portfolio: Portfolio
  instruments: ReadonlyMap<number, SimInstrument>
  accountId: string
  seed: number
  halted: ReadonlySet<number>
  /** Conids with a snapshot or `smd` this session (o354 fires without one). */
  marketDataSeen: ReadonlySet<number>
  options: OrderOptions
  /** Order changes for the `sor` stream: the order id plus what changed. */
  onOrderChange: (o: SimOrder) => void
  /** A notification for the `ntf` stream (rejects, server prompts). */
  notify: (args: Record<string, unknown>) => void
}

export class OrderBook {
  readonly orders: SimOrder[] = []
  readonly suppressed = new Set<string>()
  private readonly replies = new Map<string, PendingReply>()
  private readonly cOIDs = new Map<string, number>()
  private readonly orderedConids = new Set<number>()
  /** Server prompts switched on by `control.enablePrompt` (only p12 is modelled). */
  readonly serverPrompts = new Set<string>()
  private readonly awaitingAnswer = new Map<number, { reqId: string; orders: SimOrder[] }>()
  private nextOrderId: number
  private uuidCounter = 0

  constructor(readonly d: OrderBookDeps) {
    this.nextOrderId = 1_000_000_000 + (hash32(d.seed, 'orderIdBase') % 900_000_000)
  }

  /** A new brokerage session: suppression and pending replies do not survive it. */
  resetSession(): void {
    this.suppressed.clear()
    this.replies.clear()
    this.orderedConids.clear()
    this.awaitingAnswer.clear()
  }

  last(conid: number): number {
    return Number(quoteFields(this.d.engine, conid, this.d.clock.now(), false)['31']!.replace(/^[CH]/, ''))
  }

  submit(body: unknown): SimResult {
    const list = Array.isArray(body) ? (body as unknown[]) : (body as { orders?: unknown } | null)?.orders
    if (!Array.isArray(list) || list.length === 0) return bad('Bad Request: body must be {"orders":[…]}')
    const inputs: OrderInput[] = []
    for (const raw of list) {
      const parsed = parseOrder(raw, this.d.accountId, (c) => this.d.instruments.has(c))
      if (typeof parsed === 'string') return bad(parsed)
      const offGrid = offIncrement(parsed)
      if (offGrid) return bad(offGrid)
      inputs.push(parsed)
    }
    const now = this.d.clock.now()
    const seen = new Set<string>()
    for (const o of inputs) {
      if (!o.cOID) continue
      const at = this.cOIDs.get(o.cOID)
      if ((at !== undefined && now - at < DAY_MS) || seen.has(o.cOID))
        return bad(`Order couldn't be submitted: Local order ID=${o.cOID} is already registered.`)
      seen.add(o.cOID)
    }
    for (const o of inputs)
      if (o.parentId && !seen.has(o.parentId))
        return bad(`Bad Request: parentId ${o.parentId} is not an order of this request`)
    // A new submission supersedes every pending reply id (sim-defined; reproduces IBKR's race).
    this.replies.clear()
    const prompts = inputs.flatMap((o) => this.promptsFor(o))
    const once = prompts.filter((x, i) => prompts.findIndex((y) => y.id === x.id) === i)
    return this.chain(once, () => this.commit(inputs))
  }

  /** Prompts an order raises, in rule order, without suppressed ones. */
  private promptsFor(o: OrderInput): Prompt[] {
    const p = this.d.options.prompts
    const last = this.last(o.conid)
    const limit = o.orderType === 'LMT' || o.orderType === 'STOP_LIMIT' ? o.price : null
    const stop = stopPrice(o)
    const notional = o.quantity * (limit ?? stop ?? last)
    const hits: string[] = []
    if (p.o354 && !this.d.marketDataSeen.has(o.conid) && !this.orderedConids.has(o.conid)) hits.push('o354')
    if (p.o163 && limit !== null && Math.abs(limit - last) / last > 0.03) hits.push('o163')
    if (p.o383 && o.quantity > 500) hits.push('o383')
    if (p.o451 && notional > 100_000) hits.push('o451')
    // A stop already through the market triggers at once.
    if (p.o403 && stop !== null && !o.parentId && (o.side === 'BUY' ? last >= stop : last <= stop)) hits.push('o403')
    if (p.o10331 && (o.orderType === 'STP' || o.orderType === 'STOP_LIMIT')) hits.push('o10331')
    if (p.o10151 && o.orderType === 'MKT') hits.push('o10151')
    const inst = this.d.instruments.get(o.conid)!
    const desc = `${o.side} ${o.quantity} ${inst.symbol} ${inst.exchange === 'NASDAQ' ? 'NASDAQ.NMS' : inst.exchange}`
    const priced = limit ?? stop
    const facts = { desc, descWithPrice: `${desc} @ ${priced === null ? 'MKT' : String(priced)}`, notional }
    return hits.filter((id) => !this.suppressed.has(id)).map((id) => ({ id, text: promptText(id, facts) }))
  }

  private chain(prompts: Prompt[], commit: () => SimResult): SimResult {
    if (prompts.length === 0) return commit()
    const id = this.uuid()
    this.replies.set(id, { prompts, expiresAt: this.d.clock.now() + this.d.options.replyTtlMs, commit })
    return ok([{ id, isSuppressed: false, message: [prompts[0]!.text], messageIds: [prompts[0]!.id] }])
  }

  reply(id: string, body: unknown): SimResult {
    const pending = this.replies.get(id)
    this.replies.delete(id)
    if (!pending || pending.expiresAt < this.d.clock.now()) return bad(`reply id not found: '${id}'`)
    if ((body as { confirmed?: unknown } | null)?.confirmed !== true) return bad('Order not confirmed ')
    return this.chain(pending.prompts.slice(1), pending.commit)
  }

  suppress(body: unknown): SimResult {
    const ids = (body as { messageIds?: unknown } | null)?.messageIds
    if (!Array.isArray(ids) || ids.length > 51 || !ids.every((x) => typeof x === 'string'))
      return bad('Bad Request: messageIds must be a list of at most 51 ids')
    for (const x of ids as string[]) this.suppressed.add(x)
    return ok({ status: 'submitted' })
  }

  private commit(inputs: OrderInput[]): SimResult {
    const now = this.d.clock.now()
    const byCOID = new Map<string, SimOrder>()
    const oca = inputs.some((o) => o.isSingleGroup) ? `oca-${this.nextOrderId}` : null
    const created: SimOrder[] = []
    for (const input of inputs) {
      const parent = input.parentId ? (byCOID.get(input.parentId) ?? null) : null
      const order: SimOrder = {
        ...input,
        orderId: this.nextOrderId++,
        status: 'Submitted',
        filled: 0,
        avgPrice: 0,
        triggered: false,
        parentOrderId: parent?.orderId ?? null,
        // Bracket children form one OCA group per parent; isSingleGroup makes the whole array one.
        ocaGroup: oca ?? (parent ? `bracket-${parent.orderId}` : null),
        placedAt: now,
        lastExecutionAt: null,
        cancelAt: null,
      }
      // IBKR's lifecycle starts in PendingSubmit (streamed on `sor`), then rests or works.
      this.d.onOrderChange({ ...order, status: 'PendingSubmit' })
      order.status = this.restingStatus(order)
      const reject = this.rejectReason(order)
      if (reject) {
        order.status = 'Inactive'
        this.d.notify({
          id: `reject-${order.orderId}`,
          text: `Order ${order.orderId} rejected: ${reject}`,
          title: 'Order rejected',
        })
      }
      if (input.cOID) {
        this.cOIDs.set(input.cOID, now)
        byCOID.set(input.cOID, order)
      }
      this.orderedConids.add(input.conid)
      this.orders.push(order)
      created.push(order)
      this.d.onOrderChange(order)
    }
    if (this.serverPrompts.has('p12')) return this.advancedReject(created)
    return ok(created.map((o) => ({ order_id: String(o.orderId), order_status: o.status, encrypt_message: '1' })))
  }

  /** IBKR's "advanced reject" (p12): the orders wait in PendingSubmit until `/iserver/notification` answers. */
  private advancedReject(created: SimOrder[]): SimResult {
    const live = created.filter((o) => o.status !== 'Inactive')
    if (live.length === 0)
      return ok(created.map((o) => ({ order_id: String(o.orderId), order_status: o.status, encrypt_message: '1' })))
    for (const o of live) o.status = 'PendingSubmit'
    const orderId = live[0]!.orderId
    const reqId = this.uuid()
    this.awaitingAnswer.set(orderId, { reqId, orders: live })
    const prompt = {
      orderId,
      reqId,
      dismissable: [],
      text: 'This order will be handled by the Price Management Algo. Do you want to use it?',
      options: ['Use on this order', 'Always use', 'Do not use'],
      type: 'M',
      messageId: 'p12',
      prompt: true,
    }
    this.d.notify(prompt)
    return ok([prompt])
  }

  answerNotification(body: unknown): SimResult {
    const b = (body ?? {}) as { orderId?: unknown; reqId?: unknown; text?: unknown }
    const waiting = this.awaitingAnswer.get(Number(b.orderId))
    if (!waiting || waiting.reqId !== b.reqId) return bad(`Bad Request: no prompt for order ${String(b.orderId)}`)
    if (b.text !== 'Use on this order' && b.text !== 'Always use' && b.text !== 'Do not use')
      return bad('Bad Request: text must be one of the options')
    if (b.text === 'Always use') this.serverPrompts.delete('p12')
    this.awaitingAnswer.delete(Number(b.orderId))
    for (const o of waiting.orders) {
      if (o.status !== 'PendingSubmit') continue
      o.status = this.restingStatus(o)
      this.d.onOrderChange(o)
    }
    return ok({ status: 'submitted', order_id: String(b.orderId) })
  }

  private rejectReason(o: SimOrder): string | null {
    if (this.d.halted.has(o.conid)) return 'the instrument is halted'
    if (o.side === 'SELL') return null
    const summary = this.d.portfolio.summary() as Record<string, { amount: number }>
    const notional = o.quantity * (o.price ?? this.last(o.conid))
    const committed = this.orders
      .filter((x) => x !== o && x.side === 'BUY' && this.isLive(x))
      .reduce((a, x) => a + (x.quantity - x.filled) * (x.price ?? this.last(x.conid)), 0)
    return notional + committed > summary.buyingpower!.amount ? 'insufficient buying power' : null
  }

  /** PreSubmitted while waiting: bracket child, untriggered stop, or outside RTH without outsideRTH. */
  restingStatus(o: SimOrder): 'PreSubmitted' | 'Submitted' {
    if (o.parentOrderId !== null) {
      const parent = this.find(o.parentOrderId)
      if (parent && parent.status !== 'Filled') return 'PreSubmitted'
    }
    if (stopPrice(o) !== null && !o.triggered) return 'PreSubmitted'
    if (!o.outsideRTH && !this.d.engine.calendar.isOpen(this.d.clock.now())) return 'PreSubmitted'
    return 'Submitted'
  }

  find(orderId: number): SimOrder | undefined {
    return this.orders.find((o) => o.orderId === orderId)
  }

  isLive(o: SimOrder): boolean {
    return (
      o.status === 'PendingSubmit' ||
      o.status === 'PreSubmitted' ||
      o.status === 'Submitted' ||
      o.status === 'PendingCancel'
    )
  }

  modify(orderId: number, body: unknown): SimResult {
    const o = this.find(orderId)
    if (!o || !this.isLive(o) || o.status === 'PendingCancel') return bad(`OrderID ${orderId} doesn't exist`)
    const parsed = parseOrder(body, this.d.accountId, (c) => this.d.instruments.has(c), true)
    if (typeof parsed === 'string') return bad(parsed)
    if (parsed.conid !== o.conid || parsed.side !== o.side) return bad('Bad Request: conid and side cannot be modified')
    if (parsed.quantity < o.filled) return bad('Bad Request: quantity below the filled size')
    this.replies.clear()
    const prompts = this.promptsFor({ ...parsed, conid: o.conid }).filter((p) => p.id !== 'o354')
    return this.chain(prompts, () => {
      if (!this.isLive(o)) return bad(`OrderID ${orderId} doesn't exist`)
      Object.assign(o, {
        orderType: parsed.orderType,
        price: parsed.price,
        auxPrice: parsed.auxPrice,
        quantity: parsed.quantity,
        tif: parsed.tif,
        outsideRTH: parsed.outsideRTH,
      })
      o.status = this.restingStatus(o)
      this.d.onOrderChange(o)
      return ok([{ order_id: String(o.orderId), order_status: o.status, encrypt_message: '1' }])
    })
  }

  /** DELETE answers at once; the order becomes Cancelled on the next tick (with its bracket children). */
  cancel(orderId: number): SimResult {
    const targets =
      orderId === -1
        ? this.orders.filter((o) => this.isLive(o))
        : [this.find(orderId)].filter((o): o is SimOrder => o !== undefined && this.isLive(o))
    if (targets.length === 0) return bad(`OrderID ${orderId} doesn't exist`)
    const now = this.d.clock.now()
    for (const t of targets) {
      for (const o of [t, ...this.orders.filter((c) => c.parentOrderId === t.orderId && this.isLive(c))]) {
        if (o.status === 'PendingCancel') continue
        o.status = 'PendingCancel'
        o.cancelAt = now
        this.d.onOrderChange(o)
      }
    }
    const first = targets[0]!
    return ok({
      msg: 'Request was submitted',
      order_id: orderId === -1 ? -1 : first.orderId,
      conid: orderId === -1 ? -1 : first.conid,
      account: this.d.accountId,
    })
  }

  private uuid(): string {
    const r = stream(this.d.seed, `uuid:${this.uuidCounter++}`)
    const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`
  }
}
