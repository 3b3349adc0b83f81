import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron'
import { createApp, type App } from '../../app'
import type { Alert, GatewayStatus } from '../../contract/models'
import { lockDataDir } from '../data-dir-lock'
import { envApiKey, resolveDataDir, resolveOverrides } from '../overrides'
import { startElectronCapture } from './capture'
import { bridgeRpcOverIpc } from './ipc'
import { notify } from './notifications'
import { registerAppScheme, serveRenderer } from './protocol'
import { createKeychainSecretStore } from './secrets'
import { allowPermission } from './security'
import { createTray } from './tray'
import { createGatewayLoginWindow, createMainWindow } from './window'

// The thin desktop host: the engine plus windows, tray, notifications and the keychain.

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.enableSandbox()
  registerAppScheme()
  void app.whenReady().then(start, fail)
}

let engine: App | null = null
let win: BrowserWindow | null = null

function showWindow(): void {
  const preload = join(__dirname, '../preload/index.js')
  if (!win || win.isDestroyed()) win = createMainWindow(preload)
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)))
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission))
  const root = app.getAppPath()
  serveRenderer(join(root, 'out', 'renderer'), () => engine?.artifact ?? null)

  const userData = app.getPath('userData')
  const dataDir = resolveDataDir(undefined, process.env, join(userData, 'data'))
  mkdirSync(dataDir.value, { recursive: true })
  const unlock = lockDataDir(dataDir.value)
  engine = await createApp({
    host: 'electron',
    dataDir,
    migrationsDir: join(root, 'migrations'),
    overrides: resolveOverrides({}, process.env),
    envApiKey: envApiKey(process.env),
    secrets: createKeychainSecretStore({
      file: join(userData, 'secrets.json'),
      safeStorage,
      platform: process.platform,
    }),
    onInternalError: (where, err) => console.error(`[engine] ${where}:`, err),
    chartCapture: () => startElectronCapture(),
    openGatewayLogin: async (url, fingerprint) => {
      createGatewayLoginWindow(url, fingerprint)
      return true
    },
  }).catch((e: unknown) => {
    unlock()
    throw e
  })
  bridgeRpcOverIpc(ipcMain, engine.rpc, (reason) => console.warn(`[ipc] ${reason}`))

  const core = engine
  const openAt = (route?: string) => {
    showWindow()
    if (route) void win?.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(route)}`)
  }
  const recent: string[] = []
  const tray = createTray(
    join(root, 'resources', 'tray.png'),
    {
      open: openAt,
      quit: () => app.quit(),
      setKillSwitch: (on) => {
        const account = core.gateway().current().account
        if (account) core.trading.risk.setKillSwitch(account, on, 'from the tray', 'user')
      },
    },
    core.gateway().current(),
  )
  const refreshTray = () => {
    const account = core.gateway().current().account
    tray.update({
      killSwitch: account ? core.trading.risk.flags(account).killSwitch : null,
      pendingApprovals: core.trading.approvals.list('pending').length,
      lastAlerts: [...recent],
    })
  }
  refreshTray()
  core.bus.listen((event, data) => {
    if (event === 'gateway.status') {
      tray.update({ status: data as GatewayStatus })
      refreshTray()
    }
    if (
      event === 'db.changed' &&
      (data as { tables: string[] }).tables.some((t) => t === 'risk_state' || t === 'approvals')
    )
      refreshTray()
    if (event === 'alerts.raised') {
      const alert = data as Alert
      recent.unshift(`${alert.title}: ${alert.message}`.slice(0, 90))
      recent.splice(5)
      refreshTray()
      notify(
        alert,
        openAt,
        (id, approve) =>
          void core.trading.approvals.decide(id, approve, 'tray', null).catch((e: unknown) =>
            notify(
              {
                id: `${id}-failed`,
                level: 'error',
                title: 'Approval not applied',
                message: e instanceof Error ? e.message : String(e),
                at: Date.now(),
              },
              openAt,
            ),
          ),
      )
    }
  })

  app.on('second-instance', showWindow)
  app.on('window-all-closed', () => {
    // Stays in the tray: schedules keep running with no window open.
  })
  let stopping = false
  app.on('before-quit', (event) => {
    if (stopping || !engine) return
    event.preventDefault()
    stopping = true
    void engine.stop().finally(() => {
      tray.destroy()
      unlock()
      app.exit(0)
    })
  })
  showWindow()
}

function fail(e: unknown): void {
  dialog.showErrorBox('IBKR Workstation could not start', e instanceof Error ? e.message : String(e))
  app.exit(1)
}
