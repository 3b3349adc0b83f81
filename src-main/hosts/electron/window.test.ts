import { BrowserWindow, shell } from 'electron'
import { describe, expect, it } from 'vitest'
import { createMainWindow } from './window'
import { APP_URL, SECURE_WEB_PREFERENCES } from './security'
import type { WebContents as MockContents } from '../../../tests/mocks/electron'

describe('main window factory', () => {
  it('uses the secure preferences plus the preload, and loads the app URL', () => {
    const win = createMainWindow('/app/out/preload/index.js') as unknown as { options: Record<string, unknown>; loadURL: { mock: { calls: unknown[][] } } }
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
    expect((shell.openExternal as unknown as { mock: { calls: unknown[][] } }).mock.calls).toEqual([['https://www.interactivebrokers.com/']])
  })
})
