import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as v8 from 'node:v8'
import * as vm from 'node:vm'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron'
import { BUNDLE_EXT, reviewRoute } from '../../contract/bundles-api'
import { createRpcClient } from '../../contract/client'
import { startEngine, type Engine } from '../../review-mode'
import { inProcessTransport } from '../../rpc/in-process'
import { nativeBindingPath, openSqlite, useNativeBinding } from '../../store/sqlite'
import { lockDataDir } from '../data-dir-lock'
import { envApiKey, resolveDataDir, resolveOverrides } from '../overrides'
import { startElectronCapture } from './capture'
import { wireTray } from './desktop-tray'
import { bridgeRpcOverIpc } from './ipc'
import { electronNativeBinding } from './native'
import { bundlePathOf, bundlePaths, handOffPaths, launchArgs, type HandOff } from './open-paths'
import { registerAppScheme, serveRenderer } from './protocol'
import { createKeychainSecretStore } from './secrets'
import { allowPermission } from './security'
import { runSelfCheck, SMOKE_FLAG, smokeUserDataDir, statementChurn } from './self-check'
import { createGatewayLoginWindow, createMainWindow } from './window'

// The thin desktop host: the engine plus windows, tray, notifications and the keychain. A launch with
// `.wsbundle` files (double-click, argv, file:// URL, macOS open-file) opens them in the review
// library; the first launch from a bundle starts in review mode (review-mode.ts).

// The heap grows by 100 % of what survives a full collection (V8 picks up to 4x by itself): the evaluation lab's
// garbage otherwise held ~100 MB more at its peak. `npm run web` passes the same flag to the web host.
v8.setFlagsFromString('--heap-growing-percent=100')

const smokeTest = process.argv.includes(SMOKE_FLAG)
const launchBundles = bundlePaths(launchArgs(process.argv, app.isPackaged))
let engine: Engine | null = null
let win: BrowserWindow | null = null
let trayPresent = false
const opened: string[] = []

// macOS delivers double-clicked documents as open-file, at launch before `ready`: listen now.
app.on('open-file', (event, path) => {
  event.preventDefault()
  const p = bundlePathOf(path)
  if (!p) return
  if (engine) void openBundles([p])
  else if (!launchBundles.includes(p)) launchBundles.push(p)
})

const smokeRefusal = smokeTest ? smokeUserDataDir(process.argv) : null
if (smokeRefusal && 'error' in smokeRefusal) {
  process.stdout.write(JSON.stringify({ smokeTest: 'failed', error: smokeRefusal.error }) + '\n')
  app.exit(1)
} else if (!app.requestSingleInstanceLock({ openPaths: launchBundles } satisfies HandOff)) {
  app.quit()
} else {
  app.enableSandbox()
  registerAppScheme()
  void app.whenReady().then(start, fail)
}

function showWindow(): BrowserWindow {
  const preload = join(__dirname, '../preload/index.js')
  if (!win || win.isDestroyed()) win = createMainWindow(preload)
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
  return win
}

function openAt(route?: string): void {
  const w = showWindow()
  if (route) void w.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(route)}`)
}

/** Import each bundle read-only into the review library (the RPC import path) and show the last. */
async function openBundles(paths: string[]): Promise<void> {
  if (!engine || paths.length === 0) return
  const transport = inProcessTransport(engine.rpc)
  const client = createRpcClient(transport)
  for (const file of paths) {
    try {
      const lib = await client.call('lineage.import', { file })
      opened.push(lib.id)
      openAt(reviewRoute(lib))
    } catch (e) {
      dialog.showErrorBox('Could not open the review bundle', `${file}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  client.close()
  transport.disconnect()
}

function nativeBinding(): void {
  // Only the real Electron needs its own build; under plain Node (tests) the package's build loads.
  if (!process.versions.electron) return
  const b = electronNativeBinding({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  })
  useNativeBinding(b.path, b.fix)
}

async function start(): Promise<void> {
  nativeBinding()
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)))
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission))
  const root = app.getAppPath()
  serveRenderer(join(root, 'out', 'renderer'), () => engine?.artifact ?? null)

  const userData = app.getPath('userData')
  const dataDir = resolveDataDir(undefined, process.env, join(userData, 'data'))
  mkdirSync(dataDir.value, { recursive: true })
  const unlock = lockDataDir(dataDir.value)
  const review = !smokeTest && launchBundles.length > 0
  engine = await startEngine({
    host: 'electron',
    mode: review ? 'review' : 'trading',
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
    pickBundleFile: async () => {
      const options = {
        title: 'Open a review bundle',
        filters: [{ name: 'Review bundles', extensions: [BUNDLE_EXT.slice(1)] }],
        properties: ['openFile' as const],
      }
      const r =
        win && !win.isDestroyed() ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
  }).catch((e: unknown) => {
    unlock()
    throw e
  })
  const running = engine
  bridgeRpcOverIpc(ipcMain, running.rpc, (reason) => console.warn(`[ipc] ${reason}`))

  let tray: { destroy(): void } | null = null
  running.onTrading((core) => {
    tray = wireTray(core, join(root, 'resources', 'tray.png'), openAt, () => app.quit())
    trayPresent = true
  })
  if (process.env.IBKR_WS_TEST_HOOKS === '1') Object.assign(globalThis, { ibkrWsTest: testHooks(running, userData) })

  app.on('second-instance', (_event, argv, cwd, additionalData) => {
    showWindow()
    void openBundles(handOffPaths(additionalData, argv, cwd))
  })
  app.on('window-all-closed', () => {
    // Stays in the tray: schedules keep running with no window open.
  })
  let stopping = false
  app.on('before-quit', (event) => {
    if (stopping || !engine) return
    event.preventDefault()
    stopping = true
    void running.stop().finally(() => {
      tray?.destroy()
      unlock()
      app.exit(0)
    })
  })
  const first = showWindow()
  if (smokeTest) return selfCheck(running, first, dataDir.value, userData, unlock)
  await openBundles(launchBundles.splice(0))
}

async function selfCheck(running: Engine, first: BrowserWindow, dataDir: string, userData: string, unlock: () => void) {
  const gc = exposeGc()
  const report = await runSelfCheck({
    engine: running,
    page: () => (first.isDestroyed() ? null : first.webContents),
    trayPresent: () => trayPresent,
    appVersion: app.getVersion(),
    abi: process.versions.modules,
    dataDir,
    scratchDir: userData,
    unlock,
    gc,
  })
  process.stdout.write(JSON.stringify(report) + '\n')
  app.exit(report.smokeTest === 'passed' ? 0 : 1)
}

/** What the desktop smoke test (tests/desktop) reads through electronApp.evaluate; only with IBKR_WS_TEST_HOOKS=1. */
function testHooks(running: Engine, userData: string) {
  return {
    trayPresent: () => trayPresent,
    mode: () => running.mode(),
    opened,
    native: () => {
      const db = openSqlite(':memory:')
      const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string
      db.close()
      return { modules: process.versions.modules, binding: nativeBindingPath() ?? null, sqlite }
    },
    churn: () => statementChurn(userData, 3000, exposeGc()),
    capturePng: async () => {
      const capture = await startElectronCapture()
      try {
        const t0 = Date.UTC(2026, 0, 5)
        const bars = Array.from({ length: 60 }, (_, i) => {
          const c = 100 + Math.sin(i / 5) * 3
          return { t: t0 + i * 86_400_000, o: c - 0.5, h: c + 1, l: c - 1, c, v: 1000 + i }
        })
        const png = await capture.capture({
          title: 'Smoke',
          width: 640,
          height: 400,
          bars,
          indicators: [],
          levels: null,
        })
        return { bytes: png.length, signature: png.subarray(0, 8).toString('hex') }
      } finally {
        await capture.close()
      }
    },
  }
}

function exposeGc(): (() => void) | undefined {
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as (() => void) | undefined
}

function fail(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e)
  if (smokeTest) {
    process.stdout.write(JSON.stringify({ smokeTest: 'failed', error: message }) + '\n')
    return app.exit(1)
  }
  dialog.showErrorBox('IBKR Workstation could not start', message)
  app.exit(1)
}
