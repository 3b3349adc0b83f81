import { EventEmitter } from 'node:events'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HostFrame } from '../../contract/wire'
import { spyHandlers } from '../../../tests/fixtures/handlers'
import { createDispatcher } from '../../rpc/dispatcher'
import { createEventBus } from '../../rpc/event-bus'
import { createRpcServer } from '../../rpc/server'
import { bridgeRpcOverIpc, RPC_CHANNEL, type IpcEventLike } from './ipc'
import { APP_URL } from './security'

function setup() {
  const { handlers, spies } = spyHandlers({
    'system.health': () => ({
      ok: true,
      version: '1',
      gateway: { url: 'sim', state: 'offline' as const },
      db: 'ok' as const,
      host: 'electron' as const,
      startedAt: 0,
      dataDir: '/d',
    }),
  })
  const health = spies['system.health']
  const ipcMain = new EventEmitter()
  const rejected: string[] = []
  bridgeRpcOverIpc(ipcMain as never, createRpcServer(createDispatcher(handlers), createEventBus()), (r) =>
    rejected.push(r),
  )
  return { ipcMain, health, rejected }
}

function sender(id: number) {
  const out: HostFrame[] = []
  const s = Object.assign(new EventEmitter(), {
    id,
    send: (_ch: string, f: HostFrame) => out.push(f),
    isDestroyed: () => false,
  })
  return { s, out }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

describe('IPC bridge', () => {
  it('dispatches frames from our top-level frame and replies on the same channel', async () => {
    const { ipcMain, health } = setup()
    const { s, out } = sender(1)
    const event: IpcEventLike = { senderFrame: { url: APP_URL, parent: null }, sender: s as never }
    ipcMain.emit(RPC_CHANNEL, event, { t: 'call', id: 1, m: 'system.health', p: {} })
    await flush()
    expect(health).toHaveBeenCalledOnce()
    expect(out[0]).toMatchObject({ t: 'ok', id: 1 })
  })

  it('drops forged senders before any handler runs (RELIABILITY.md T2)', async () => {
    const { ipcMain, health, rejected } = setup()
    const forged = fc.oneof(
      fc.constant(null),
      fc.record({ url: fc.constant(APP_URL), parent: fc.constant({}) }),
      fc.record({ url: fc.webUrl(), parent: fc.constant(null) }),
      fc.record({
        url: fc.constantFrom(
          'data:text/html,x',
          'file:///x',
          'app://evil/',
          'app://main.evil/',
          'about:blank',
          'devtools://x',
        ),
        parent: fc.constant(null),
      }),
    )
    let n = 0
    fc.assert(
      fc.property(forged, (frame) => {
        const { s } = sender(++n)
        ipcMain.emit(RPC_CHANNEL, { senderFrame: frame, sender: s }, { t: 'call', id: 1, m: 'system.health', p: {} })
      }),
      { numRuns: 1000, seed: 11 },
    )
    await flush()
    expect(health).not.toHaveBeenCalled()
    expect(rejected).toHaveLength(1000)
  })

  it('closes the connection when the renderer goes away', async () => {
    const { ipcMain } = setup()
    const { s, out } = sender(5)
    ipcMain.emit(
      RPC_CHANNEL,
      { senderFrame: { url: APP_URL, parent: null }, sender: s },
      { t: 'sub', ev: 'db.changed' },
    )
    s.emit('destroyed')
    ipcMain.emit(
      RPC_CHANNEL,
      { senderFrame: { url: APP_URL, parent: null }, sender: s },
      { t: 'call', id: 2, m: 'system.health', p: {} },
    )
    await flush()
    expect(out).toHaveLength(1)
  })
})
