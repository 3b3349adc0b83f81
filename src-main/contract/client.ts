import type { Input, Method, Output } from './api'
import type { EventData, EventName } from './events'
import type { ErrorCode } from './models'
import type { ClientFrame, HostFrame, RpcErrorBody } from './wire'

/** A failed call as the client sees it: the host's code, message and details. */
export class RpcCallError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(body: RpcErrorBody) {
    super(body.message)
    this.name = 'RpcCallError'
    this.code = body.code
    this.details = body.details
  }
}

/** What a client transport offers: frames out, frames in, and a signal when (re)connected. */
export interface ClientTransport {
  send(frame: ClientFrame): void
  onMessage(cb: (frame: HostFrame) => void): () => void
  /** Called on every (re)connection so the client can re-send its subscriptions. */
  onOpen?(cb: () => void): () => void
  /** Called when the connection is lost; pending calls fail with UNAVAILABLE. */
  onClose?(cb: (reason: string) => void): () => void
}

export interface RpcClient {
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>
  on<E extends EventName>(event: E, cb: (data: EventData<E>) => void): () => void
  close(): void
}

interface Pending {
  resolve(value: unknown): void
  reject(err: Error): void
}

/**
 * The one typed client, used by the renderer, tests and benchmarks. It knows nothing of the
 * carrier: frames go out through `transport.send` and come back through `transport.onMessage`.
 */
export function createRpcClient(transport: ClientTransport): RpcClient {
  let nextId = 1
  const pending = new Map<number, Pending>()
  const listeners = new Map<string, Set<(data: unknown) => void>>()

  const offMessage = transport.onMessage((frame) => {
    if (frame.t === 'ev') {
      for (const cb of listeners.get(frame.ev) ?? []) cb(frame.d)
      return
    }
    if (frame.id === null) return
    const p = pending.get(frame.id)
    if (!p) return
    pending.delete(frame.id)
    if (frame.t === 'ok') p.resolve(frame.r)
    else p.reject(new RpcCallError(frame.e))
  })
  const offOpen = transport.onOpen?.(() => {
    for (const ev of listeners.keys()) transport.send({ t: 'sub', ev })
  })
  const offClose = transport.onClose?.((reason) => {
    for (const p of pending.values()) p.reject(new RpcCallError({ code: 'UNAVAILABLE', message: reason }))
    pending.clear()
  })

  return {
    call(method, input) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        transport.send({ t: 'call', id, m: method, p: input })
      })
    },
    on(event, cb) {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
        transport.send({ t: 'sub', ev: event })
      }
      const listener = cb as (data: unknown) => void
      set.add(listener)
      return () => {
        const current = listeners.get(event)
        if (!current?.delete(listener) || current.size > 0) return
        listeners.delete(event)
        transport.send({ t: 'unsub', ev: event })
      }
    },
    close() {
      offMessage()
      offOpen?.()
      offClose?.()
      for (const p of pending.values()) p.reject(new RpcCallError({ code: 'UNAVAILABLE', message: 'client closed' }))
      pending.clear()
    },
  }
}
