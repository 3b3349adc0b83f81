import { BrowserWindow, type WebContents } from 'electron'
import { openExternalSafely } from './external'
import { APP_URL, isAppUrl, SECURE_WEB_PREFERENCES } from './security'

/** The one window factory: secure preferences, navigation locked to the app, no new windows. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0e1116',
    title: 'IBKR Workstation',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadPath },
  })
  lockNavigation(win.webContents)
  win.once('ready-to-show', () => win.show())
  void win.loadURL(APP_URL)
  return win
}

export function lockNavigation(contents: WebContents): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault()
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url)
    return { action: 'deny' }
  })
}
