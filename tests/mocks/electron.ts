// Stand-in for the `electron` module under vitest (aliased in vitest.config.ts). Each piece records
// what the host did with it, so tests can check window options, IPC wiring and the preload surface
// without the Electron binary (STACK.md §2).
import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

export const exposed: Record<string, unknown> = {}
export const contextBridge = {
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    exposed[key] = api
  }),
}

export const ipcRenderer = Object.assign(new EventEmitter(), { send: vi.fn() })
export const ipcMain = new EventEmitter()
export const webUtils = { getPathForFile: vi.fn((f: { name: string }) => `/dropped/${f.name}`) }

export class WebContents extends EventEmitter {
  static nextId = 1
  id = WebContents.nextId++
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h
  }
  send = vi.fn()
  isDestroyed = () => false
  /** Whether the renderer process has crashed; a test flips it to crash the page. */
  isCrashed = vi.fn(() => false)
  /** Set by a test to answer page scripts for every web contents created from now on. */
  static script: ((code: string) => Promise<unknown>) | null = null
  executeJavaScript = vi.fn(async (code: string) =>
    WebContents.script ? WebContents.script(code) : 'data:image/png;base64,iVBORw0KGgo=',
  )
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = []
  /** Set by a test to answer `loadURL` for every window created from now on (a rejection: the page failed). */
  static load: ((url: string) => Promise<void>) | null = null
  webContents = new WebContents()
  loadURL = vi.fn(async (url: string) => BrowserWindow.load?.(url))
  show = vi.fn()
  focus = vi.fn()
  restore = vi.fn()
  isMinimized = () => false
  destroyed = false
  isDestroyed = () => this.destroyed
  destroy = vi.fn(() => {
    this.destroyed = true
  })
  constructor(public options: Record<string, unknown>) {
    super()
    BrowserWindow.created.push(this)
  }
}

export const protocol = {
  handlers: new Map<string, (req: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn((scheme: string, handler: (req: Request) => Promise<Response>) => {
    protocol.handlers.set(scheme, handler)
  }),
}

export const shell = { openExternal: vi.fn(async () => {}) }

export const app = Object.assign(new EventEmitter(), {
  requestSingleInstanceLock: vi.fn(() => true),
  enableSandbox: vi.fn(),
  whenReady: vi.fn(() => new Promise(() => {})),
  getPath: vi.fn(() => '/tmp/ibkr-ws-electron-mock'),
  getAppPath: vi.fn(() => process.cwd()),
  getVersion: vi.fn(() => '0.1.0'),
  isPackaged: false,
  quit: vi.fn(),
  exit: vi.fn(),
})

function mockSession() {
  return { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setCertificateVerifyProc: vi.fn() }
}
export const session = {
  defaultSession: mockSession(),
  partitions: new Map<string, ReturnType<typeof mockSession>>(),
  fromPartition: vi.fn((name: string) => {
    if (!session.partitions.has(name)) session.partitions.set(name, mockSession())
    return session.partitions.get(name)!
  }),
}

export class Tray extends EventEmitter {
  static created: Tray[] = []
  tooltip = ''
  menu: unknown = null
  constructor(public image: unknown) {
    super()
    Tray.created.push(this)
  }
  setToolTip(t: string) {
    this.tooltip = t
  }
  setContextMenu(m: unknown) {
    this.menu = m
  }
  destroy = vi.fn()
}

export const Menu = { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })) }
export const nativeImage = { createFromPath: vi.fn((p: string) => ({ path: p })) }

export class Notification extends EventEmitter {
  static shown: Notification[] = []
  static isSupported = () => true
  constructor(public options: Record<string, unknown>) {
    super()
  }
  show() {
    Notification.shown.push(this)
  }
}

export const safeStorage = {
  isAsyncEncryptionAvailable: vi.fn(async () => false),
  encryptStringAsync: vi.fn(),
  decryptStringAsync: vi.fn(),
  getSelectedStorageBackend: vi.fn(() => 'basic_text'),
}

export const dialog = {
  showErrorBox: vi.fn(),
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
}

export default {
  contextBridge,
  ipcRenderer,
  webUtils,
  ipcMain,
  BrowserWindow,
  protocol,
  shell,
  app,
  session,
  Tray,
  Menu,
  nativeImage,
  Notification,
  safeStorage,
  dialog,
}
