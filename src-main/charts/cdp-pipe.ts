import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

// Headless Chromium driven over the DevTools protocol on its own pipe (fds 3 and 4, messages ended by
// NUL), with nothing in between: the chart capture needs a page, a viewport and an evaluate, and
// playwright-core's client and server cost the engine ~65 MB of resident memory for that (issue #10
// item 7). The switches are the ones playwright-core 1.65 launches headless Chromium with, so pages
// render exactly as they did.

const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
]

export const HEADLESS_SWITCHES = [
  '--disable-field-trial-config',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-back-forward-cache',
  '--disable-breakpad',
  '--disable-component-extensions-with-background-pages',
  '--disable-component-update',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  `--disable-features=${DISABLED_FEATURES.join(',')}`,
  '--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies',
  '--allow-pre-commit-input',
  '--disable-hang-monitor',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--force-color-profile=srgb',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
  '--no-service-autorun',
  '--disable-search-engine-choice-screen',
  '--enable-unsafe-swiftshader',
  '--disable-stack-profiler',
  '--disable-infobars',
  '--disable-sync',
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4',
  '--no-sandbox',
]

type Params = Record<string, unknown>
interface Reply {
  id?: number
  result?: Params
  error?: { message: string }
  method?: string
  params?: Params
  sessionId?: string
}

export interface CdpBrowser {
  /** One protocol call; `sessionId` addresses an attached page. */
  send(method: string, params?: Params, sessionId?: string): Promise<Params>
  /** The next event of this name (on this session), or a rejection after `timeoutMs`. */
  once(method: string, sessionId: string, timeoutMs: number): Promise<Params>
  /** Browser.close, then the process is killed if it has not exited within two seconds. */
  close(): Promise<void>
  readonly process: ChildProcess
}

export async function launchChromium(executablePath: string, extraArgs: string[] = []): Promise<CdpBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ibkr-ws-chromium-'))
  const proc = spawn(
    executablePath,
    [
      ...HEADLESS_SWITCHES,
      ...extraArgs,
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      '--no-startup-window',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  )
  let stderr = ''
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
  const toBrowser = proc.stdio[3] as Writable
  const fromBrowser = proc.stdio[4] as Readable
  const pending = new Map<number, { ok: (r: Params) => void; fail: (e: Error) => void }>()
  const waiters = new Set<{ method: string; sessionId: string; ok: (p: Params) => void; fail: (e: Error) => void }>()
  let nextId = 1
  let gone: Error | null = null
  const exited = new Promise<void>((ok) =>
    proc.once('exit', (code, signal) => {
      gone = new Error(`Chromium exited (${signal ?? code})${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`)
      for (const p of pending.values()) p.fail(gone)
      for (const w of waiters) w.fail(gone)
      pending.clear()
      waiters.clear()
      rmSync(profile, { recursive: true, force: true })
      ok()
    }),
  )
  proc.once('error', (e) => {
    gone = e
    for (const p of pending.values()) p.fail(e)
    pending.clear()
    rmSync(profile, { recursive: true, force: true })
  })
  toBrowser.on('error', () => {}) // a closed pipe surfaces as the exit above

  let buffered: Buffer[] = []
  fromBrowser.on('data', (chunk: Buffer) => {
    let start = 0
    for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
      buffered.push(chunk.subarray(start, end))
      const msg = JSON.parse(Buffer.concat(buffered).toString('utf8')) as Reply
      buffered = []
      start = end + 1
      if (msg.id !== undefined) {
        const p = pending.get(msg.id)
        pending.delete(msg.id)
        if (msg.error) p?.fail(new Error(msg.error.message))
        else p?.ok(msg.result ?? {})
      } else if (msg.method) {
        for (const w of waiters)
          if (w.method === msg.method && w.sessionId === msg.sessionId) {
            waiters.delete(w)
            w.ok(msg.params ?? {})
          }
      }
    }
    if (start < chunk.length) buffered.push(chunk.subarray(start))
  })

  const browser: CdpBrowser = {
    process: proc,
    send(method, params = {}, sessionId) {
      if (gone) return Promise.reject(gone)
      const id = nextId++
      return new Promise((ok, fail) => {
        pending.set(id, { ok, fail })
        toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0')
      })
    },
    once(method, sessionId, timeoutMs) {
      if (gone) return Promise.reject(gone)
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(w)
          fail(new Error(`Timed out after ${timeoutMs} ms waiting for ${method}`))
        }, timeoutMs)
        const w = {
          method,
          sessionId,
          ok: (p: Params) => (clearTimeout(timer), ok(p)),
          fail: (e: Error) => (clearTimeout(timer), fail(e)),
        }
        waiters.add(w)
      })
    },
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const kill = setTimeout(() => proc.kill('SIGKILL'), 2000)
        void browser.send('Browser.close').catch(() => undefined)
        await exited
        clearTimeout(kill)
      }
    },
  }
  await browser.send('Browser.getVersion')
  return browser
}
