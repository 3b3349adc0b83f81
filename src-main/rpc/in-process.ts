import type { ClientTransport } from '../contract/client'
import type { ClientFrame, HostFrame } from '../contract/wire'
import type { RpcServer } from './server'

/**
 * A client transport wired straight to the server in the same process. Frames still go through
 * JSON so that tests see exactly what a real carrier would carry.
 */
export function inProcessTransport(server: RpcServer): ClientTransport & { disconnect(): void } {
  const listeners = new Set<(frame: HostFrame) => void>()
  const conn = server.connect((frame) => {
    const copy = JSON.parse(JSON.stringify(frame)) as HostFrame
    queueMicrotask(() => {
      for (const cb of listeners) cb(copy)
    })
  })
  return {
    send(frame: ClientFrame) {
      conn.receive(JSON.stringify(frame))
    },
    onMessage(cb) {
      listeners.add(cb)
      return () => listeners.delete(cb)
    },
    disconnect() {
      conn.close()
    },
  }
}
