// `npm run test:desktop`: the real-Electron smoke test (tests/desktop, playwright.desktop.config.ts).
// Without the Electron binary it prints one line and runs nothing (a skip, never a pass); with
// IBKR_WS_REQUIRE_DESKTOP=1 (CI) that skip fails. On Linux without a display it runs under xvfb-run.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './native-electron.mjs'

const electron = join(ROOT, 'node_modules', 'electron')
const DEFAULT_PATH = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' }
const pathFile = join(electron, 'path.txt')
const rel = existsSync(pathFile)
  ? readFileSync(pathFile, 'utf8').trim()
  : (DEFAULT_PATH[process.platform] ?? 'electron')
const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || (existsSync(pathFile) ? join(electron, 'dist') : null)
if (!dist || !existsSync(join(dist, rel))) {
  console.log(
    'SKIPPED: Electron binary not installed — desktop smoke not run ' +
      '(run `npm start` once, or set ELECTRON_OVERRIDE_DIST_PATH).',
  )
  process.exit(process.env.IBKR_WS_REQUIRE_DESKTOP === '1' ? 1 : 0)
}

const run = (cmd, args) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status ?? 1
if (run(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']) !== 0)
  process.exit(1)
if (run(process.execPath, [join(ROOT, 'scripts/native-electron.mjs')]) !== 0) process.exit(1)
const playwright = [
  join(ROOT, 'node_modules/@playwright/test/cli.js'),
  'test',
  '-c',
  'playwright.desktop.config.ts',
  ...process.argv.slice(2),
]
const xvfb = process.platform === 'linux' && !process.env.DISPLAY
process.exit(
  xvfb
    ? run('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', process.execPath, ...playwright])
    : run(process.execPath, playwright),
)
