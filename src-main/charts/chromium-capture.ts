import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { ChartImageSpec } from '../contract/charts'
import { cspString } from '../contract/csp'
import { pngFromDataUrl, type ChartCapture } from './capture'

// Chart capture under the web host: one warm Chromium page (Debian's Chromium through
// playwright-core) on the renderer's capture page, served read-only from the build on loopback.

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
}): Promise<ChartCapture> {
  const { server, origin } = await serveBuild(opts.rendererDir)
  let browser: Browser | null = null
  let warm: Page
  try {
    // Loaded on first use: playwright-core takes ~0.5 s to load, which every start used to pay.
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({
      executablePath: opts.executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    warm = await browser.newPage({ viewport: { width: 1600, height: 1200 }, deviceScaleFactor: 1 })
    await warm.goto(`${origin}/capture.html`)
    await warm.waitForSelector('[data-capture-state="ready"]', { state: 'attached', timeout: 15_000 })
  } catch (e) {
    await browser?.close()
    server.close()
    throw new Error(
      `Chart capture could not start Chromium at ${opts.executablePath}: ` +
        `${e instanceof Error ? e.message : String(e)}. Install it (apt-get install chromium) or ` +
        `set IBKR_WS_CHROMIUM.`,
      { cause: e },
    )
  }
  let queue: Promise<unknown> = Promise.resolve()
  return {
    async capture(spec) {
      const valid = ChartImageSpec.parse(spec)
      // One capture at a time on the one warm page.
      // The spec crosses as one JSON string: Playwright's structured serialisation of a chart's
      // ~5,000 numbers costs 20-30 ms more per capture.
      const json = JSON.stringify(valid)
      const next = queue.then(async () =>
        pngFromDataUrl(
          await warm.evaluate(
            (s) => (globalThis as unknown as CapturePage).captureChart(JSON.parse(s) as ChartImageSpec),
            json,
          ),
        ),
      )
      queue = next.catch(() => undefined)
      return next
    },
    async close() {
      await browser?.close()
      await new Promise<void>((ok) => server.close(() => ok()))
    },
  }
}

/** What the capture page exposes (src-renderer/capture.ts). */
interface CapturePage {
  captureChart(spec: ChartImageSpec): Promise<string>
}
