// `npm start`: the desktop app on this machine (DESKTOP.md §7). Finds the Electron binary (or installs
// it, honouring ELECTRON_MIRROR, within 120 s), builds the app, ensures the Electron-ABI SQLite module
// (scripts/native-electron.mjs), then runs Electron, forwarding its exit code and signals. Where the
// binary cannot be had it exits 2 with one sentence naming `npm run web` and the variables to set.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildFailure, ensureElectronNative, ROOT } from './native-electron.mjs'

const INSTALL_TIMEOUT_MS = Number(process.env.IBKR_WS_ELECTRON_INSTALL_TIMEOUT_MS) || 120_000
const electronDir = join(ROOT, 'node_modules', 'electron')
const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
const PLATFORM_PATH = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' }

function die(sentence, code = 2) {
  console.error(sentence)
  process.exit(code)
}

function noBinary(reason) {
  return (
    `The desktop app needs the Electron ${version} binary, which is not installed and could not be downloaded ` +
    `(${reason}): run \`npm run web\` for the same app in your browser, or download Electron from a mirror with ` +
    `\`ELECTRON_MIRROR=<url> npm start\`, or set \`ELECTRON_OVERRIDE_DIST_PATH\` to an unpacked Electron ${version}.`
  )
}

function platformPath() {
  const file = join(electronDir, 'path.txt')
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : (PLATFORM_PATH[process.platform] ?? 'electron')
}

/** The Electron executable: ELECTRON_OVERRIDE_DIST_PATH, or node_modules/electron/dist; null if absent. */
function findElectron() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, platformPath())
    if (!existsSync(exe)) die(noBinary(`ELECTRON_OVERRIDE_DIST_PATH has no ${platformPath()}`))
    return exe
  }
  const exe = join(electronDir, 'dist', platformPath())
  return existsSync(join(electronDir, 'path.txt')) && existsSync(exe) ? exe : null
}

/** Run electron's own installer (the @electron/get cache, ELECTRON_MIRROR) with a timeout. */
function installElectron() {
  console.log(
    `Downloading Electron ${version}${process.env.ELECTRON_MIRROR ? ` from ${process.env.ELECTRON_MIRROR}` : ''} …`,
  )
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (r.error?.code === 'ETIMEDOUT') return `no download within ${INSTALL_TIMEOUT_MS / 1000} s`
  if (r.error) return r.error.message
  if (r.status !== 0) {
    const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim())
    const err = lines.find((l) => /^(\w*Error|HTTPError|RequestError)\b/.test(l)) ?? lines.find((l) => l !== '')
    return (err ?? `installer exited with ${r.status}`).replace(/^\w*Error: /, '').replace(/[.\s]+$/, '')
  }
  return null
}

const args = process.argv.slice(2)
let exe = findElectron()
if (!exe) {
  const failure = installElectron()
  exe = findElectron()
  if (!exe) die(noBinary(failure ?? 'the installer left no binary'))
}

if (process.env.IBKR_WS_SKIP_BUILD !== '1') {
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (build.status !== 0) die('The app did not build (see the errors above); fix them and run `npm start` again.', 1)
}

try {
  await ensureElectronNative({ root: ROOT })
} catch (e) {
  die(buildFailure(e, version))
}

const launch = ['.', ...args]
if (process.platform === 'linux' && process.getuid?.() === 0 && !launch.includes('--no-sandbox')) {
  console.error('Running as root: starting Electron with --no-sandbox (Chromium refuses its sandbox as root).')
  launch.push('--no-sandbox')
}
const env = { ...process.env }
delete env.ELECTRON_RUN_AS_NODE
const child = spawn(exe, launch, { cwd: ROOT, stdio: 'inherit', env })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('error', (e) => die(`Could not start Electron at ${exe} (${e.message}); run \`npm run web\` instead.`, 1))
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal)
  else process.exit(code ?? 1)
})
