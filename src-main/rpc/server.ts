import { isEventName, type EventName } from '../contract/events'
import { ClientFrame, MAX_FRAME_BYTES, MAX_HOST_FRAME_BYTES, type HostFrame } from '../contract/wire'
import type { Dispatcher } from './dispatcher'
import { describeIssues } from './dispatcher'
import type { EventBus } from './event-bus'

/** A connected client as the server sees it: raw text in, frames out. */
export interface Connection {
  /** Feed one raw message (JSON text, or an already-parsed object from Electron IPC). */
  receive(raw: unknown): void
  close(): void
}

export interface RpcServer {
  /** Attach a client; `send` delivers host frames to it. */
  connect(send: (frame: HostFrame) => void): Connection
  connections(): number
  /** Stop taking calls, wait for running ones, detach every client. */
  close(): Promise<void>
}

/**
 * Carrier-agnostic server: every transport (WebSocket, Electron IPC, in-process) feeds raw
 * messages to a `Connection`. Frames are size-capped, parsed, dispatched; subscriptions fan out.
 */
export function createRpcServer(
  dispatcher: Dispatcher,
  bus: EventBus,
  opts: { maxOutBytes?: number; onOversize?: (what: string, bytes: number) => void } = {},
): RpcServer {
  const maxOut = opts.maxOutBytes ?? MAX_HOST_FRAME_BYTES
  const live = new Set<{ subs: Set<EventName>; send: (frame: HostFrame) => void }>()
  /** The frame itself, or (over the cap) an error frame to the caller; an oversized event is dropped. */
  const capped = (frame: HostFrame): HostFrame | null => {
    const bytes = Buffer.byteLength(JSON.stringify(frame) ?? '', 'utf8')
    if (bytes <= maxOut) return frame
    const what = frame.t === 'ev' ? `event ${frame.ev}` : `reply to call ${frame.id ?? '?'}`
    opts.onOversize?.(what, bytes)
    if (frame.t === 'ev') return null
    const message =
      `The answer is ${bytes} bytes, over the ${maxOut}-byte frame ` +
      `limit: nothing was sent. Ask for less (a shorter range or ` +
      `fewer rows).`
    return { t: 'err', id: frame.id, e: { code: 'UNAVAILABLE', message } }
  }
  const offBus = bus.listen((event, data) => {
    let out: HostFrame | null | undefined
    for (const c of live) {
      if (!c.subs.has(event)) continue
      out ??= capped({ t: 'ev', ev: event, d: data })
      if (out) c.send(out)
    }
  })

  return {
    connect(send) {
      const conn = { subs: new Set<EventName>(), send }
      live.add(conn)
      let open = true
      const reply = (frame: HostFrame) => {
        const out = open ? capped(frame) : null
        if (out) send(out)
      }
      return {
        receive(raw) {
          if (!open) return
          const decoded = decode(raw)
          if ('error' in decoded) {
            reply({ t: 'err', id: decoded.id, e: { code: 'BAD_INPUT', message: decoded.error } })
            return
          }
          const frame = decoded.frame
          if (frame.t === 'call') {
            void dispatcher.dispatch(frame.id, frame.m, frame.p).then(reply)
          } else if (!isEventName(frame.ev)) {
            reply({ t: 'err', id: null, e: { code: 'NOT_FOUND', message: `No event named "${frame.ev}"` } })
          } else if (frame.t === 'sub') {
            conn.subs.add(frame.ev)
          } else {
            conn.subs.delete(frame.ev)
          }
        },
        close() {
          open = false
          live.delete(conn)
        },
      }
    },
    connections: () => live.size,
    async close() {
      await dispatcher.drain()
      offBus()
      live.clear()
    },
  }
}

type Decoded = { frame: ClientFrame } | { error: string; id: number | null }

function decode(raw: unknown): Decoded {
  let value = raw
  if (typeof raw === 'string') {
    if (Buffer.byteLength(raw, 'utf8') > MAX_FRAME_BYTES)
      return { error: `Frame larger than ${MAX_FRAME_BYTES} bytes`, id: null }
    try {
      value = JSON.parse(raw)
    } catch {
      return { error: 'Frame is not valid JSON', id: null }
    }
  } else if (JSON.stringify(raw ?? null).length > MAX_FRAME_BYTES) {
    return { error: `Frame larger than ${MAX_FRAME_BYTES} bytes`, id: null }
  }
  const parsed = ClientFrame.safeParse(value)
  if (parsed.success) return { frame: parsed.data }
  const id = (value as { id?: unknown } | null)?.id
  return {
    error: `Malformed frame: ${describeIssues(parsed.error)}`,
    id: Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : null,
  }
}
