import { BrowserWindow, shell } from 'electron'
import { describe, expect, it } from 'vitest'
import { createMainWindow } from './window'
import { APP_URL, SECURE_WEB_PREFERENCES } from './security'
import type { WebContents as MockContents } from '../../../tests/mocks/electron'

describe('main window factory', () => {
  it('uses the secure preferences plus the preload, and loads the app URL', () => {
    const win = createMainWindow('/app/out/preload/index.js') as unknown as {
      options: Record<string, unknown>
      loadURL: { mock: { calls: unknown[][] } }
    }
    expect(win.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, preload: '/app/out/preload/index.js' })
    expect(win.loadURL.mock.calls).toEqual([[APP_URL]])
    expect(BrowserWindow).toBeDefined()
  })

  it('blocks navigation away from the app and denies new windows', async () => {
    const win = createMainWindow('/p.js') as unknown as { webContents: MockContents }
    const contents = win.webContents
    const navigate = (ev: string, url: string) => {
      let prevented = false
      contents.emit(ev, { preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true)
    expect(navigate('will-redirect', 'app://main.evil/')).toBe(true)
    expect(navigate('will-navigate', 'app://main/index.html#/settings')).toBe(false)
    expect(navigate('will-attach-webview', 'app://main/')).toBe(true)

    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'https://www.interactivebrokers.com/' })).toEqual({ action: 'deny' })
    await Promise.resolve()
    expect((shell.openExternal as unknown as { mock: { calls: unknown[][] } }).mock.calls).toEqual([
      ['https://www.interactivebrokers.com/'],
    ])
  })
})

describe('gateway login window', () => {
  it('has no preload, its own session, pinned certificate and navigation kept on the gateway', async () => {
    const { createGatewayLoginWindow } = await import('./window')
    const { session } = await import('electron')
    const win = createGatewayLoginWindow('https://127.0.0.1:5001/', 'sha256/abc') as unknown as {
      options: { webPreferences: Record<string, unknown> }
      webContents: MockContents
    }
    expect(win.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES, partition: 'gateway-login' })
    expect(win.options.webPreferences.preload).toBeUndefined()

    const s = (
      session as unknown as {
        partitions: Map<
          string,
          { setCertificateVerifyProc: { mock: { calls: [(r: unknown, cb: (n: number) => void) => void][] } } }
        >
      }
    ).partitions.get('gateway-login')!
    const proc = s.setCertificateVerifyProc.mock.calls[0]![0]
    const verdict = (hostname: string, fingerprint: string) => {
      let v = NaN
      proc({ hostname, certificate: { fingerprint } }, (n) => (v = n))
      return v
    }
    expect(verdict('127.0.0.1', 'sha256/abc')).toBe(0)
    expect(verdict('127.0.0.1', 'sha256/other')).toBe(-3)
    expect(verdict('evil.example', 'sha256/abc')).toBe(-3)

    const prevented = (url: string) => {
      let p = false
      win.webContents.emit('will-navigate', { preventDefault: () => (p = true) }, url)
      return p
    }
    expect(prevented('https://127.0.0.1:5001/sso/Login')).toBe(false)
    expect(prevented('https://127.0.0.1:5002/')).toBe(true)
    expect(prevented('https://www.interactivebrokers.com/')).toBe(true)
    expect(prevented('http://127.0.0.1:5001/')).toBe(true)
    expect(win.webContents.windowOpenHandler!({ url: 'https://127.0.0.1:5001/x' })).toEqual({ action: 'deny' })
  })
})
