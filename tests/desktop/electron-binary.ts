import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

// Where the Electron binary is, found the way scripts/start-desktop.mjs finds it — and never by
// `require('electron')`, which would start the lazy download (DESKTOP.md §2).

export const ROOT = resolve(__dirname, '../..')
const ELECTRON = join(ROOT, 'node_modules', 'electron')
const DEFAULT_PATH: Record<string, string> = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' }

export const SKIP_LINE = 'Electron binary not installed — desktop smoke not run'

export function electronBinary(): string | null {
  const pathFile = join(ELECTRON, 'path.txt')
  const rel = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : (DEFAULT_PATH[process.platform] ?? 'electron')
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || (existsSync(pathFile) ? join(ELECTRON, 'dist') : null)
  if (!dist) return null
  const exe = join(dist, rel)
  return existsSync(exe) ? exe : null
}

export const electronAbi = () => readFileSync(join(ELECTRON, 'abi_version'), 'utf8').trim()
