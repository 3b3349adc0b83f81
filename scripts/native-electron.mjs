// Build better-sqlite3 for the installed Electron's ABI into .native/ (DESKTOP.md §7), never in place:
// node_modules keeps the Node build the tests and the web host load. Idempotent: a stamp records the
// better-sqlite3 and Electron versions, and a matching stamp means nothing to do.
//   node scripts/native-electron.mjs          build if needed, print the addon path
//   node scripts/native-electron.mjs --check  exit 0 if up to date, 1 if a build is needed (no build)
// Needs the Electron headers (downloaded by node-gyp from ELECTRON_HEADERS_URL, default
// https://electronjs.org/headers, cached in ~/.electron-gyp), Python and a C++ toolchain.
import { spawn } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const HEADERS_URL = 'https://electronjs.org/headers'
export const ADDON = 'better_sqlite3.node'

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** Where the Electron-ABI addon for this machine lives, and the versions it must be stamped with. */
export function nativeTarget(root = ROOT, platform = process.platform, arch = process.arch) {
  const electron = readJson(join(root, 'node_modules/electron/package.json')).version
  const abi = readFileSync(join(root, 'node_modules/electron/abi_version'), 'utf8').trim()
  const betterSqlite3 = readJson(join(root, 'node_modules/better-sqlite3/package.json')).version
  const dir = join(root, '.native', `electron-${abi}-${platform}-${arch}`)
  return {
    dir,
    addon: join(dir, ADDON),
    stampFile: join(dir, 'stamp.json'),
    stamp: { betterSqlite3, electron, abi, platform, arch },
  }
}

/** True when the addon exists and its stamp matches both installed versions. */
export function isUpToDate(target) {
  if (!existsSync(target.addon) || !existsSync(target.stampFile)) return false
  try {
    const s = readJson(target.stampFile)
    return Object.entries(target.stamp).every(([k, v]) => s[k] === v)
  } catch {
    return false
  }
}

function run(cmd, args, opts) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'inherit', 'inherit'] })
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      fail(new Error(`node-gyp took longer than ${Math.round(opts.timeoutMs / 1000)} s`))
    }, opts.timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      fail(e)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) ok()
      else fail(new Error(`node-gyp exited with ${code ?? signal}`))
    })
  })
}

/**
 * Build the addon unless the stamp says it is current. Copies the package to .native/build, runs
 * node-gyp there for Electron, and installs the result with its stamp. Returns the addon path.
 */
export async function ensureElectronNative({ root = ROOT, timeoutMs = 15 * 60_000, log = console.error } = {}) {
  const target = nativeTarget(root)
  if (isUpToDate(target)) return { addon: target.addon, built: false }
  const { electron, betterSqlite3 } = target.stamp
  log(`Building better-sqlite3 ${betterSqlite3} for Electron ${electron} (ABI ${target.stamp.abi}) into .native/ …`)
  const work = join(root, '.native', 'build', 'better-sqlite3')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(dirname(work), { recursive: true })
  cpSync(join(root, 'node_modules/better-sqlite3'), work, {
    recursive: true,
    filter: (src) => !src.startsWith(join(root, 'node_modules/better-sqlite3/build')),
  })
  const gyp = join(root, 'node_modules/node-gyp/bin/node-gyp.js')
  const distUrl = process.env.ELECTRON_HEADERS_URL || HEADERS_URL
  await run(
    process.execPath,
    [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${electron}`, `--dist-url=${distUrl}`],
    { cwd: work, timeoutMs, env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: electron } },
  )
  mkdirSync(target.dir, { recursive: true })
  copyFileSync(join(work, 'build/Release', ADDON), target.addon)
  writeFileSync(
    target.stampFile,
    JSON.stringify({ ...target.stamp, builtAt: new Date().toISOString() }, null, 2) + '\n',
  )
  return { addon: target.addon, built: true }
}

/** One sentence for a failed build, naming what to do. */
export function buildFailure(e, electron) {
  const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0]
  return (
    `Could not build the SQLite module for Electron ${electron} (${reason}); it needs the Electron headers from ` +
    `ELECTRON_HEADERS_URL (default ${HEADERS_URL}), Python 3 and a C++ toolchain — or run \`npm run web\` ` +
    `for the same app in your browser.`
  )
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = nativeTarget()
  if (process.argv.includes('--check')) {
    console.log(isUpToDate(target) ? `up to date: ${target.addon}` : `needs a build: ${target.addon}`)
    process.exit(isUpToDate(target) ? 0 : 1)
  }
  ensureElectronNative().then(
    ({ addon, built }) => console.log(built ? `built ${addon}` : `up to date: ${addon}`),
    (e) => {
      console.error(buildFailure(e, target.stamp.electron))
      process.exit(2)
    },
  )
}
