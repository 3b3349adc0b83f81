import { join } from 'node:path'

// Which better-sqlite3 build the desktop app loads (DESKTOP.md §7): node_modules keeps the Node
// build, so Electron always loads its own copy through nativeBinding — never the package's default.

export const ADDON = 'better_sqlite3.node'

export interface NativeBindingContext {
  isPackaged: boolean
  /** process.resourcesPath (packaged: the addon ships via extraResources to resources/native/). */
  resourcesPath: string
  /** app.getAppPath() (dev: the repo root, where scripts/native-electron.mjs writes .native/). */
  appPath: string
  /** process.versions.modules: Electron's NODE_MODULE_VERSION. */
  abi: string
  platform: string
  arch: string
}

/** The absolute addon path for this launch, and the fix to name if it does not load. */
export function electronNativeBinding(c: NativeBindingContext): { path: string; fix: string } {
  if (c.isPackaged)
    return {
      path: join(c.resourcesPath, 'native', ADDON),
      fix: 'reinstall IBKR Workstation, whose installer ships this file',
    }
  return {
    path: join(c.appPath, '.native', `electron-${c.abi}-${c.platform}-${c.arch}`, ADDON),
    fix: 'run `node scripts/native-electron.mjs` to build it for Electron (`npm start` does this for you)',
  }
}
