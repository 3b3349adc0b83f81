import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, expect, test, type ConsoleMessage } from '@playwright/test'
import { closeStores, DAY, png, seedRun, tempStore } from '../fixtures/bundles-fixture'
import { exportBundle } from '../../src-main/store/bundles'
import { openSqlite } from '../../src-main/store/sqlite'
import { electronAbi, electronBinary, ROOT, SKIP_LINE } from './electron-binary'

// DESKTOP.md §2: the eleven checks of a minimal but meaningful smoke test of the real desktop app.
// Without the Electron binary it skips with one line and never triggers the download.

const exe = electronBinary()
test.skip(exe === null, SKIP_LINE)

interface Hooks {
  trayPresent(): boolean
  mode(): string
  opened: string[]
  native(): { modules: string; binding: string | null; sqlite: string }
  churn(): Promise<string>
  capturePng(): Promise<{ bytes: number; signature: string }>
}
const hooks = 'globalThis.ibkrWsTest' // evaluated in main: (globalThis as { ibkrWsTest: Hooks })

const T0 = Date.UTC(2026, 10, 2)
async function bundleFile(): Promise<string> {
  const ts = await tempStore('ibkr-ws-desktop-bundle-')
  seedRun(ts, { id: 'smoke-run', startedAt: T0, steps: [[png(3)]] })
  const file = join(ts.dataDir, 'smoke.wsbundle')
  await exportBundle(ts.store, ts.dataDir, { runIds: ['smoke-run'] }, file, T0 + DAY)
  closeStores()
  return file
}

const BRIDGE_HEALTH = () =>
  new Promise<{ t: string; r?: { version: string } }>((ok, fail) => {
    const w = window as unknown as {
      bridge: { send(f: unknown): void; onMessage(cb: (f: { id?: number; t: string }) => void): () => void }
    }
    const id = 2147483001
    const timer = setTimeout(() => fail(new Error('no reply over the bridge')), 10_000)
    const off = w.bridge.onMessage((f) => {
      if (f.id === id) {
        clearTimeout(timer)
        off()
        ok(f as { t: string; r?: { version: string } })
      }
    })
    w.bridge.send({ t: 'call', id, m: 'system.health', p: {} })
  })

test('the desktop app starts, works and quits cleanly', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'ibkr-ws-desktop-')) // (1) its own user-data dir and lock
  const env = { ...process.env, IBKR_WS_TEST_HOOKS: '1' } as Record<string, string>
  delete env.IBKR_WS_DATA_DIR
  const app = await _electron.launch({
    executablePath: exe!,
    args: ['.', `--user-data-dir=${userData}`],
    cwd: ROOT,
    env,
  })
  const problems: string[] = []
  const page = await app.firstWindow()
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text())
  })

  // (2) the window loads app://main/ with no console errors or CSP violations
  await expect(page).toHaveURL(/^app:\/\/main\//)
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready', { timeout: 60_000 })

  // (3) sandbox + contextIsolation: only the bridge, no Node in the page
  expect(
    await page.evaluate(() => ({
      keys: Object.keys((window as unknown as { bridge: object }).bridge).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    })),
  ).toEqual({ keys: ['onMessage', 'pathForFile', 'send'], require: 'undefined', process: 'undefined' })

  // (4) an RPC round trip through the bridge; the engine's version is the app's
  const health = await page.evaluate(BRIDGE_HEALTH)
  expect(health.t).toBe('ok')
  expect(health.r?.version).toBe(await app.evaluate(({ app: a }) => a.getVersion()))

  // (5) the native module loads with Electron's ABI, from the Electron build, and the DB is in the temp dir
  const native = (await app.evaluate(`${hooks}.native()`)) as ReturnType<Hooks['native']>
  expect(native.modules).toBe(electronAbi())
  expect(native.binding).toMatch(/better_sqlite3\.node$/)
  expect(native.sqlite).toMatch(/^3\.\d+\.\d+$/)
  expect(existsSync(join(userData, 'data', 'workstation.sqlite'))).toBe(true)

  // (6) the tray exists
  expect(await app.evaluate(`${hooks}.trayPresent()`)).toBe(true)

  // (7) Monaco mounts with its worker served from app://
  const worker = page.waitForEvent('worker')
  await page.evaluate(() => (window.location.hash = '#/prompts'))
  await expect(page.locator('.monaco-editor').first()).toBeVisible()
  expect((await worker).url()).toMatch(/^app:\/\/main\//)

  // (8) one offscreen chart capture gives a PNG
  const capture = (await app.evaluate(`${hooks}.capturePng()`)) as Awaited<ReturnType<Hooks['capturePng']>>
  expect(capture.signature).toBe('89504e470d0a1a0a')
  expect(capture.bytes).toBeGreaterThan(1000)

  // (9) statement churn, then idle with GC: the ObjectWrap abort would end the process here
  expect(await app.evaluate(`${hooks}.churn()`)).toContain('10000 statements')
  expect(app.process().exitCode).toBeNull()

  // (10) a second instance with a .wsbundle hands it to the first and exits
  const bundle = await bundleFile()
  const second = spawn(
    exe!,
    ['.', `--user-data-dir=${userData}`, bundle, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    {
      cwd: ROOT,
      env,
      stdio: 'ignore',
    },
  )
  const secondExit = await new Promise<number | null>((ok) => second.on('exit', (code) => ok(code)))
  expect(secondExit).toBe(0)
  await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}$/)
  expect(await app.evaluate(`${hooks}.mode()`)).toBe('trading') // a running instance keeps its engine

  // (11) quit exits 0 within 10 s, releases the lock, and the database is intact
  const started = Date.now()
  const exited = new Promise<number | null>((ok) => app.process().on('exit', (code) => ok(code)))
  await app.close()
  expect(await exited).toBe(0)
  expect(Date.now() - started).toBeLessThan(10_000)
  expect(existsSync(join(userData, 'data', 'engine.lock'))).toBe(false)
  const db = openSqlite(join(userData, 'data', 'workstation.sqlite'), { readonly: true })
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
  db.close()
  expect(problems).toEqual([])
})
