// After `electron-builder --publish never` (CI, a machine with internet): run the packaged app's
// `--smoke-test` self-check, read its fuses, and check that only the Electron-ABI SQLite module ships
// (resources/native/better_sqlite3.node present; no node_modules/better-sqlite3/build in the app).
// Prints what it checked and exits 0 or 1.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { ROOT } from './native-electron.mjs'

export const SMOKE_FLAG = '--smoke-test'
export const NATIVE_IN_RESOURCES = 'native/better_sqlite3.node'
const require = createRequire(import.meta.url)
const release = join(ROOT, 'release')
const product = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

/** The unpacked app: its executable and its resources folder. */
function findApp() {
  const dirs = existsSync(release) ? readdirSync(release) : []
  if (process.platform === 'darwin') {
    for (const d of dirs.filter((d) => d.startsWith('mac'))) {
      const app = readdirSync(join(release, d)).find((f) => f.endsWith('.app'))
      if (app) {
        const contents = join(release, d, app, 'Contents')
        return { exe: join(contents, 'MacOS', app.replace(/\.app$/, '')), resources: join(contents, 'Resources') }
      }
    }
  }
  const unpacked = dirs.find((d) => d.endsWith('-unpacked'))
  if (!unpacked) return null
  const dir = join(release, unpacked)
  const name = process.platform === 'win32' ? `${product.productName}.exe` : product.name
  return { exe: join(dir, name), resources: join(dir, 'resources') }
}

const problems = []
const app = findApp()
if (!app || !existsSync(app.exe)) {
  console.error(`No unpacked app under ${release}; run \`npx electron-builder --publish never\` first.`)
  process.exit(1)
}

// 1. The self-check (checks 4–6, 9, 11 of DESKTOP.md §2), with a temp --user-data-dir.
const userData = mkdtempSync(join(tmpdir(), 'ibkr-ws-packaged-'))
const args = [SMOKE_FLAG, `--user-data-dir=${userData}`, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])]
const run = spawnSync(app.exe, args, { encoding: 'utf8', timeout: 120_000 })
const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('{'))
console.log(`self-check: exit ${run.status} ${line ?? '(no JSON line)'}`)
if (run.status !== 0 || !line || JSON.parse(line).smokeTest !== 'passed')
  problems.push('the packaged self-check failed')

// 2. Fuses as electron-builder.yml sets them.
const fuses = spawnSync(process.execPath, [require.resolve('@electron/fuses/dist/bin.js'), 'read', '--app', app.exe], {
  encoding: 'utf8',
})
console.log(fuses.stdout)
if (fuses.status !== 0 || !/RunAsNode.*is.*Disabled/.test(fuses.stdout)) problems.push('fuses not as configured')

// 3. Only the Electron-ABI SQLite module ships.
if (!existsSync(join(app.resources, NATIVE_IN_RESOURCES))) problems.push(`resources/${NATIVE_IN_RESOURCES} is missing`)
const asar = require('@electron/asar')
const files = asar.listPackage(join(app.resources, 'app.asar'), { isPack: false })
const nodeBuilds = files.filter((f) => /better-sqlite3[\\/](build|deps|src)([\\/]|$)/.test(f))
const unpacked = join(app.resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build')
if (nodeBuilds.length > 0 || existsSync(unpacked))
  problems.push(`the Node build of better-sqlite3 ships: ${nodeBuilds[0] ?? unpacked}`)

if (problems.length > 0) {
  console.error(`Packaged app check failed: ${problems.join('; ')}.`)
  process.exit(1)
}
console.log('Packaged app check passed: self-check, fuses, only the Electron-ABI SQLite module.')
