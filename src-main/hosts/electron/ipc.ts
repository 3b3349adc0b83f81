import type { RpcServer } from '../../rpc/server'
import { isTrustedSender, type SenderFrameLike } from './security'

export const RPC_CHANNEL = 'rpc'

/** The parts of Electron's `ipcMain` and its events that the bridge uses (mockable in tests). */
export interface IpcEventLike {
  senderFrame: SenderFrameLike | null
  sender: {
    id: number
    send(channel: string, frame: unknown): void
    isDestroyed(): boolean
    once(ev: 'destroyed', cb: () => void): void
  }
}
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, frame: unknown) => void): void
}

/**
 * Carry RPC frames over Electron IPC: one connection per renderer, created on its first trusted
 * message. Messages from any other frame are dropped before they reach the dispatcher.
 */
export function bridgeRpcOverIpc(ipcMain: IpcMainLike, rpc: RpcServer, onRejected?: (reason: string) => void): void {
  const connections = new Map<number, ReturnType<RpcServer['connect']>>()
  ipcMain.on(RPC_CHANNEL, (event, frame) => {
    if (!isTrustedSender(event.senderFrame)) {
      onRejected?.(`IPC from untrusted frame ${event.senderFrame?.url ?? '(none)'}`)
      return
    }
    const sender = event.sender
    let conn = connections.get(sender.id)
    if (!conn) {
      conn = rpc.connect((out) => {
        if (!sender.isDestroyed()) sender.send(RPC_CHANNEL, out)
      })
      connections.set(sender.id, conn)
      sender.once('destroyed', () => {
        connections.get(sender.id)?.close()
        connections.delete(sender.id)
      })
    }
    conn.receive(frame)
  })
}
