import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as electron from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { BrowserWindow as MockWindow, Tray as MockTray } from '../../../tests/mocks/electron'
import { APP_URL } from './security'

// Start the real desktop host against the mocked electron module: the engine, IPC bridge, window,
// tray and shutdown are wired as on a user's machine, minus the Electron binary.
describe('Electron host start-up and shutdown', () => {
  it('wires engine, IPC, window and tray, and stops cleanly on quit', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'ibkr-ws-electron-'))
    const m = electron as unknown as typeof import('../../../tests/mocks/electron')
    let ready!: () => void
    m.app.whenReady.mockReturnValue(new Promise<void>((ok) => (ready = ok)))
    m.app.getPath.mockReturnValue(userData)
    m.app.getAppPath.mockReturnValue(resolve(__dirname, '../../..'))
    delete process.env.IBKR_WS_DATA_DIR

    await import('./main')
    expect(m.app.requestSingleInstanceLock).toHaveBeenCalled()
    expect(m.app.enableSandbox).toHaveBeenCalled()
    expect(m.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })])

    ready()
    await vi.waitFor(() => expect((m.BrowserWindow as unknown as typeof MockWindow).created).toHaveLength(1), {
      timeout: 15_000,
    })
    const win = (m.BrowserWindow as unknown as typeof MockWindow).created[0]!
    expect(win.loadURL).toHaveBeenCalledWith(APP_URL)
    expect(m.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled()
    expect(m.protocol.handlers.has('app')).toBe(true)
    expect(m.ipcMain.listenerCount('rpc')).toBe(1)
    const tray = (m.Tray as unknown as typeof MockTray).created.at(-1)!
    expect(tray.tooltip).toContain('Gateway:')
    expect(existsSync(join(userData, 'data', 'workstation.sqlite'))).toBe(true)
    expect(existsSync(join(userData, 'data', 'engine.lock'))).toBe(true)

    let prevented = false
    m.app.emit('before-quit', { preventDefault: () => (prevented = true) })
    expect(prevented).toBe(true)
    await vi.waitFor(() => expect(m.app.exit).toHaveBeenCalledWith(0), { timeout: 15_000 })
    expect(existsSync(join(userData, 'data', 'engine.lock'))).toBe(false)
  })
})
