import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createApp, type AppConfig } from '../src-main/app'
import { startChromiumCapture } from '../src-main/charts/chromium-capture'
import { createRpcClient } from '../src-main/contract/client'
import { inProcessTransport } from '../src-main/rpc/in-process'

/**
 * The whole engine in this process for a bench: a fresh data folder, the built-in simulator, chart capture
 * in Debian's Chromium, a typed client; resolves once the simulator session is up.
 */
export async function startBenchApp(name: string, tuning?: AppConfig['tuning']) {
  const root = resolve(__dirname, '..')
  const app = await createApp({
    host: 'test',
    dataDir: { value: mkdtempSync(join(tmpdir(), `ibkr-ws-${name}-bench-`)), source: 'flag' },
    migrationsDir: join(root, 'migrations'),
    overrides: {},
    envApiKey: null,
    secrets: null,
    ...(tuning ? { tuning } : {}),
    chartCapture: () =>
      startChromiumCapture({
        executablePath: process.env.IBKR_WS_CHROMIUM ?? '/usr/bin/chromium',
        rendererDir: join(root, 'out', 'renderer'),
      }),
  })
  const client = createRpcClient(inProcessTransport(app.rpc))
  while (app.gateway().current().state !== 'authenticated') await new Promise((r) => setTimeout(r, 20))
  return { app, client }
}
