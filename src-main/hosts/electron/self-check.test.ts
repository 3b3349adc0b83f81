import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as electron from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { HostFrame } from '../../contract/wire'
import type { BrowserWindow as MockWindow } from '../../../tests/mocks/electron'
import { APP_URL } from './security'
import { smokeUserDataDir } from './self-check'

// `--smoke-test` against the mocked electron module: the real engine, IPC bridge, tray and shutdown,
// with the page's bridge call simulated as the IPC message the preload would send.

describe('packaged self-check (--smoke-test)', () => {
  it('accepts only a --user-data-dir under the temp folder', () => {
    expect(smokeUserDataDir(['app', '--smoke-test'])).toHaveProperty('error')
    expect(smokeUserDataDir(['app', '--user-data-dir=/home/me/.config/IBKR'])).toHaveProperty('error')
    expect(smokeUserDataDir(['app', '--user-data-dir=relative'])).toHaveProperty('error')
    const dir = join(tmpdir(), 'x-smoke')
    expect(smokeUserDataDir(['app', `--user-data-dir=${dir}`])).toEqual({ dir })
  })

  it('runs checks 4-6, 9 and 11, prints one JSON line and exits 0', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'ibkr-ws-smoke-'))
    const m = electron as unknown as typeof import('../../../tests/mocks/electron')
    let ready!: () => void
    m.app.whenReady.mockReturnValue(new Promise<void>((ok) => (ready = ok)))
    m.app.getPath.mockReturnValue(userData)
    m.app.getAppPath.mockReturnValue(resolve(__dirname, '../../..'))
    delete process.env.IBKR_WS_DATA_DIR
    const argv = process.argv
    process.argv = [argv[0]!, '.', '--smoke-test', `--user-data-dir=${userData}`]
    const lines: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      lines.push(String(s))
      return true
    })
    try {
      await import('./main')
      // What the preload does for `window.bridge.send(...)`: an IPC message from the app:// frame.
      m.WebContents.script = async (code: string) => {
        expect(code).toContain("window.bridge.send({ t: 'call', id, m: 'system.health', p: {} })")
        return new Promise((ok) => {
          const sender = Object.assign(new EventEmitter(), {
            id: 99,
            isDestroyed: () => false,
            send: (_ch: string, f: HostFrame) => ok(f),
          })
          m.ipcMain.emit(
            'rpc',
            { senderFrame: { url: APP_URL, parent: null }, sender },
            {
              t: 'call',
              id: 2147483000,
              m: 'system.health',
              p: {},
            },
          )
        })
      }
      ready()
      await vi.waitFor(() => expect((m.BrowserWindow as unknown as typeof MockWindow).created).toHaveLength(1), {
        timeout: 20_000,
      })
      await vi.waitFor(() => expect(m.app.exit).toHaveBeenCalled(), { timeout: 25_000 })
    } finally {
      write.mockRestore()
      process.argv = argv
      m.WebContents.script = null
    }
    const json = lines.filter((l) => l.startsWith('{'))
    expect(json).toHaveLength(1)
    const report = JSON.parse(json[0]!) as { smokeTest: string; checks: Record<string, { ok: boolean }> }
    expect(Object.keys(report.checks)).toEqual(['ipc', 'native', 'tray', 'churn', 'quit'])
    expect(report, json[0]).toMatchObject({ smokeTest: 'passed' })
    expect(m.app.exit).toHaveBeenCalledWith(0)
    expect(existsSync(join(userData, 'data', 'engine.lock'))).toBe(false)
  }, 40_000)
})
