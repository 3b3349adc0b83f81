import { BrowserWindow, session, type WebContents } from 'electron'
import { openExternalSafely } from './external'
import { APP_URL, gatewayCertificateVerdict, isAppUrl, isGatewayLoginUrl, SECURE_WEB_PREFERENCES } from './security'

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

/**
 * The gateway's own login page in a separate session: no preload, no IPC, navigation limited to
 * the loopback gateway origin, and its self-signed certificate accepted only by fingerprint.
 */
export function createGatewayLoginWindow(loginUrl: string, pinnedFingerprint: string | null): BrowserWindow {
  const partition = 'gateway-login'
  const loginSession = session.fromPartition(partition)
  loginSession.setCertificateVerifyProc((req, cb) => cb(gatewayCertificateVerdict(req, loginUrl, pinnedFingerprint)))
  loginSession.setPermissionRequestHandler((_wc, _p, cb) => cb(false))
  const win = new BrowserWindow({
    width: 900,
    height: 760,
    title: 'IBKR gateway login',
    backgroundColor: '#ffffff',
    webPreferences: { ...SECURE_WEB_PREFERENCES, partition },
  })
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isGatewayLoginUrl(url, loginUrl)) event.preventDefault()
  }
  win.webContents.on('will-navigate', guard)
  win.webContents.on('will-redirect', guard)
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  void win.loadURL(loginUrl)
  return win
}

/** The hidden, offscreen window that draws chart images for the model (ARCHITECTURE.md "Chart capture"). */
export function createCaptureWindow(): BrowserWindow {
  const win = new BrowserWindow({
    show: false,
    width: 1600,
    height: 1200,
    paintWhenInitiallyHidden: true,
    webPreferences: { ...SECURE_WEB_PREFERENCES, offscreen: true },
  })
  lockNavigation(win.webContents)
  return win
}
