import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as electron from 'electron'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { BrowserWindow as MockWindow, Tray as MockTray } from '../../../tests/mocks/electron'
import { closeStores, DAY, png, seedRun, tempStore } from '../../../tests/fixtures/bundles-fixture'
import { exportBundle } from '../../store/bundles'

// A double-clicked bundle against the mocked electron module: the first launch imports it read-only,
// shows it and starts in review mode (no tray, no trading engine); a second instance hands its bundle
// over through additionalData; "Start trading engine" then brings the tray up.

const T0 = Date.UTC(2026, 10, 2)
async function bundle(name: string): Promise<string> {
  const ts = await tempStore('ibkr-ws-dbl-')
  seedRun(ts, { id: name, startedAt: T0, steps: [[png(name.length)]] })
  const file = join(ts.dataDir, `${name}.wsbundle`)
  await exportBundle(ts.store, ts.dataDir, { runIds: [name] }, file, T0 + DAY)
  closeStores()
  return file
}

const m = electron as unknown as typeof import('../../../tests/mocks/electron')
const argv = process.argv
afterAll(() => {
  process.argv = argv
  m.app.emit('before-quit', { preventDefault: () => undefined })
})

describe('opening a .wsbundle from the desktop', () => {
  it('first launch: review mode with the bundle; a second instance hands over; trading starts on request', async () => {
    const [first, second] = [await bundle('first'), await bundle('second')]
    const userData = mkdtempSync(join(tmpdir(), 'ibkr-ws-electron-review-'))
    let ready!: () => void
    m.app.whenReady.mockReturnValue(new Promise<void>((ok) => (ready = ok)))
    m.app.getPath.mockReturnValue(userData)
    m.app.getAppPath.mockReturnValue(resolve(__dirname, '../../..'))
    delete process.env.IBKR_WS_DATA_DIR
    process.env.IBKR_WS_TEST_HOOKS = '1'
    process.argv = [argv[0]!, '.', '--some-chromium-switch', `file://${first}`]

    await import('./main')
    expect(m.app.requestSingleInstanceLock).toHaveBeenCalledWith({ openPaths: [first] })
    ready()
    const windows = (m.BrowserWindow as unknown as typeof MockWindow).created
    await vi.waitFor(() => expect(windows).toHaveLength(1), { timeout: 20_000 })
    const hook = () => (globalThis as unknown as { ibkrWsTest: { mode(): string; opened: string[] } }).ibkrWsTest
    await vi.waitFor(() => expect(hook().opened).toHaveLength(1), { timeout: 20_000 })
    const route = (id: string) => `window.location.hash = ${JSON.stringify(`#/lineage/review/${id}`)}`
    expect(windows[0]!.webContents.executeJavaScript).toHaveBeenCalledWith(route(hook().opened[0]!))
    expect(hook().mode()).toBe('review')
    const traysBefore = (m.Tray as unknown as typeof MockTray).created.length

    m.app.emit('second-instance', {}, ['/opt/ibkr', '--flag'], '/', { openPaths: [second, '/tmp/../etc.wsbundle'] })
    await vi.waitFor(() => expect(hook().opened).toHaveLength(2), { timeout: 20_000 })
    expect(windows).toHaveLength(1)
    expect(windows[0]!.webContents.executeJavaScript).toHaveBeenLastCalledWith(route(hook().opened[1]!))
    expect(hook().mode()).toBe('review')
    expect((m.Tray as unknown as typeof MockTray).created.length).toBe(traysBefore)

    // The renderer's banner button: system.startTrading over the IPC bridge.
    const { EventEmitter } = await import('node:events')
    const { APP_URL } = await import('./security')
    const reply = await new Promise((ok) => {
      const sender = Object.assign(new EventEmitter(), {
        id: 7,
        isDestroyed: () => false,
        send: (_c: string, f: unknown) => ok(f),
      })
      m.ipcMain.emit(
        'rpc',
        { senderFrame: { url: APP_URL, parent: null }, sender },
        { t: 'call', id: 1, m: 'system.startTrading', p: {} },
      )
    })
    expect(reply).toMatchObject({ t: 'ok', r: { mode: 'trading' } })
    expect(hook().mode()).toBe('trading')
    expect((m.Tray as unknown as typeof MockTray).created.length).toBe(traysBefore + 1)
  }, 60_000)
})
