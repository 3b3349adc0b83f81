import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { cspString } from '../contract/csp'
import { pngFromDataUrl, type ChartCapture } from './capture'
import { launchChromium, type CdpBrowser } from './cdp-pipe'
import { RECYCLE_AFTER, startWarmCapture } from './warm-capture'

// Chart capture under the web host: one warm Chromium page (Debian's Chromium, driven over the
// DevTools protocol on a pipe) on the renderer's capture page, served read-only from the build on loopback.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

async function serveBuild(root: string): Promise<{ server: Server; origin: string }> {
  const base = resolve(root)
  const server = createServer((req, res) => {
    const file = resolve(base, '.' + new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
    if (req.method !== 'GET' || !file.startsWith(base + sep) || !TYPES[extname(file)]) {
      res.writeHead(404).end()
      return
    }
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(file)]!, 'content-security-policy': cspString() }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

export async function startChromiumCapture(opts: {
  executablePath: string
  rendererDir: string
  /** Captures before the browser is replaced by a fresh one (its memory creeps up over thousands of charts). */
  recycleAfter?: number
}): Promise<ChartCapture> {
  const { server, origin } = await serveBuild(opts.rendererDir)
  const closeServer = () => new Promise<void>((ok) => server.close(() => ok()))
  let warm: ChartCapture
  try {
    warm = await startWarmCapture<WarmPage>({
      launch: () => launchWarm(opts.executablePath, `${origin}/capture.html`),
      alive: ({ browser }) => browser.process.exitCode === null && browser.process.signalCode === null,
      dispose: ({ browser }) => browser.close(),
      // The spec crosses as one JSON string literal: data, never code.
      draw: async ({ browser, page }, spec) =>
        pngFromDataUrl(
          await evaluate(browser, page, `globalThis.captureChart(JSON.parse(${JSON.stringify(JSON.stringify(spec))}))`),
        ),
      recycleAfter: opts.recycleAfter ?? RECYCLE_AFTER,
    })
  } catch (e) {
    server.close()
    throw e
  }
  return {
    capture: (spec) => warm.capture(spec),
    async close() {
      await warm.close()
      await closeServer()
    },
  }
}

interface WarmPage {
  browser: CdpBrowser
  /** The capture page's session id. */
  page: string
}

/** Chromium with the capture page open and ready, or an error that says what to install. */
async function launchWarm(executablePath: string, url: string): Promise<WarmPage> {
  let browser: CdpBrowser | null = null
  try {
    browser = await withTimeout(
      launchChromium(executablePath, ['--disable-gpu']),
      START_TIMEOUT_MS,
      'Chromium did not answer',
    )
    return { browser, page: await openWarmPage(browser, url) }
  } catch (e) {
    await browser?.close()
    throw new Error(
      `Chart capture could not start Chromium at ${executablePath}: ` +
        `${e instanceof Error ? e.message : String(e)}. Install it (apt-get install chromium) or ` +
        `set IBKR_WS_CHROMIUM.`,
      { cause: e },
    )
  }
}

const START_TIMEOUT_MS = 15_000

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} within ${ms / 1000} s`)), ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** A page at 1600×1200, scale 1, on `url`, once the capture page says it is ready; its session id. */
async function openWarmPage(browser: CdpBrowser, url: string): Promise<string> {
  const { browserContextId } = await browser.send('Target.createBrowserContext', { disposeOnDetach: true })
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank', browserContextId })
  const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as {
    sessionId: string
  }
  await browser.send('Page.enable', {}, sessionId)
  await browser.send(
    'Emulation.setDeviceMetricsOverride',
    { width: 1600, height: 1200, deviceScaleFactor: 1, mobile: false, screenWidth: 1600, screenHeight: 1200 },
    sessionId,
  )
  const loaded = browser.once('Page.loadEventFired', sessionId, START_TIMEOUT_MS)
  const nav = (await browser.send('Page.navigate', { url }, sessionId)) as { errorText?: string }
  if (nav.errorText) throw new Error(`${url}: ${nav.errorText}`)
  await loaded
  await evaluate(
    browser,
    sessionId,
    `new Promise((ok, fail) => {
      const ready = () => document.querySelector('[data-capture-state="ready"]')
      if (ready()) return ok('ready')
      const timer = setTimeout(() => fail(new Error('the capture page was not ready within 15 s')), ${START_TIMEOUT_MS})
      new MutationObserver((_, o) => {
        if (ready()) { o.disconnect(); clearTimeout(timer); ok('ready') }
      }).observe(document, { subtree: true, attributes: true, childList: true })
    })`,
  )
  return sessionId
}

/** Evaluate `expression` in the page, awaiting a promise; its string value, or the page's error. */
async function evaluate(browser: CdpBrowser, sessionId: string, expression: string): Promise<string> {
  const r = (await browser.send(
    'Runtime.evaluate',
    { expression, awaitPromise: true, returnByValue: true },
    sessionId,
  )) as { result?: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }
  if (r.exceptionDetails)
    throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? 'evaluation failed')
  return String(r.result?.value)
}
