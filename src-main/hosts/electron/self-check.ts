import { existsSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve, sep } from 'node:path'
import type { Engine } from '../../review-mode'
import { nativeBindingPath, openSqlite } from '../../store/sqlite'

// `--smoke-test`: the packaged app checks itself, because the inspect fuse stays off and Playwright
// cannot attach (DESKTOP.md §2, checks 4–6, 9 and 11). It prints one JSON line and exits 0 or 1.

export const SMOKE_FLAG = '--smoke-test'

export interface CheckResult {
  ok: boolean
  detail: string
}
export interface SelfCheckReport {
  smokeTest: 'passed' | 'failed'
  checks: Record<string, CheckResult>
}

/** The temp --user-data-dir the self-check insists on, or an error sentence. */
export function smokeUserDataDir(argv: readonly string[]): { dir: string } | { error: string } {
  const arg = argv.find((a) => a.startsWith('--user-data-dir='))
  const need = `${SMOKE_FLAG} needs --user-data-dir=<a new folder under ${tmpdir()}> so it never touches real data.`
  const raw = arg?.slice('--user-data-dir='.length)
  // A relative folder would depend on where the app was started from: only an absolute one is taken.
  if (!raw || !isAbsolute(raw)) return { error: need }
  const dir = resolve(raw)
  const roots = [tmpdir(), existsSync(tmpdir()) ? realpathSync(tmpdir()) : tmpdir()]
  return roots.some((r) => dir.startsWith(r + sep)) ? { dir } : { error: need }
}

export interface SelfCheckDeps {
  engine: Engine
  /** The main window's page (the bridge lives there). */
  page: () => { executeJavaScript(code: string): Promise<unknown> } | null
  trayPresent: () => boolean
  appVersion: string
  /** NODE_MODULE_VERSION this runtime needs (process.versions.modules). */
  abi: string
  dataDir: string
  scratchDir: string
  /** Release the data-folder lock after the engine stopped. */
  unlock: () => void
  gc?: () => void
  idleMs?: number
}

// A real call through window.bridge (contextBridge → IPC → engine) and back.
const BRIDGE_ROUND_TRIP = `new Promise((ok, fail) => {
  const id = 2147483000
  const timer = setTimeout(() => fail(new Error('no reply over the bridge in 10 s')), 10000)
  const off = window.bridge.onMessage((f) => {
    if (f && f.id === id) { clearTimeout(timer); off(); ok(f) }
  })
  window.bridge.send({ t: 'call', id, m: 'system.health', p: {} })
})`

async function check(fn: () => Promise<string> | string): Promise<CheckResult> {
  try {
    return { ok: true, detail: await fn() }
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) }
  }
}

function expect(cond: boolean, message: string): void {
  if (!cond) throw new Error(message)
}

/**
 * Prepare 10k statements, drop them, then idle (with GC when available): the ObjectWrap abort of
 * better-sqlite3 12 on Node ≥ 24.19 (DESKTOP.md §1) would kill the process here.
 */
export async function statementChurn(dir: string, idleMs: number, gc?: () => void): Promise<string> {
  const db = openSqlite(join(dir, 'churn.sqlite'))
  db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)')
  for (let i = 0; i < 10_000; i++) db.prepare(`SELECT x + ${i} FROM t`).all()
  db.close()
  gc?.()
  await new Promise((r) => setTimeout(r, idleMs))
  gc?.()
  return `10000 statements prepared, idled ${idleMs} ms${gc ? ' with GC' : ''}`
}

export async function runSelfCheck(d: SelfCheckDeps): Promise<SelfCheckReport> {
  const checks: Record<string, CheckResult> = {}
  checks.ipc = await check(async () => {
    const page = d.page()
    expect(page !== null, 'no main window')
    const frame = (await page!.executeJavaScript(BRIDGE_ROUND_TRIP)) as { t?: string; r?: { version?: string } }
    expect(frame.t === 'ok', `system.health answered ${JSON.stringify(frame)}`)
    expect(frame.r?.version === d.appVersion, `engine ${frame.r?.version} ≠ app ${d.appVersion}`)
    return `system.health over the bridge: version ${d.appVersion}`
  })
  checks.native = await check(() => {
    const db = openSqlite(':memory:')
    const v = db.prepare('SELECT sqlite_version()').pluck().get() as string
    db.close()
    expect(process.versions.modules === d.abi, `NODE_MODULE_VERSION ${process.versions.modules}, expected ${d.abi}`)
    expect(existsSync(join(d.dataDir, 'workstation.sqlite')), 'no database in the data folder')
    return `ABI ${d.abi}, SQLite ${v}, binding ${nativeBindingPath() ?? '(package default)'}`
  })
  checks.tray = await check(() => {
    expect(d.trayPresent(), 'no tray icon')
    return 'tray icon present'
  })
  checks.churn = await check(() => statementChurn(d.scratchDir, d.idleMs ?? 2000, d.gc))
  checks.quit = await check(async () => {
    await d.engine.stop()
    d.unlock()
    expect(!existsSync(join(d.dataDir, 'engine.lock')), 'the data-folder lock is still there')
    const db = openSqlite(join(d.dataDir, 'workstation.sqlite'), { readonly: true, fileMustExist: true })
    const integrity = db.pragma('integrity_check', { simple: true })
    db.close()
    expect(integrity === 'ok', `integrity_check: ${String(integrity)}`)
    return 'engine stopped, lock released, integrity_check ok'
  })
  const ok = Object.values(checks).every((c) => c.ok)
  return { smokeTest: ok ? 'passed' : 'failed', checks }
}
