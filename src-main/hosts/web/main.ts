import { join, resolve } from 'node:path'
import { createRpcClient } from '../../contract/client'
import { startEngine } from '../../review-mode'
import { inProcessTransport } from '../../rpc/in-process'
import { ConfigError, parseWebHostConfig } from './config'
import { lockDataDir } from '../data-dir-lock'
import { startWebServer } from './server'
import { startChromiumCapture } from '../../charts/chromium-capture'
import { mkdirSync } from 'node:fs'
import { reviewRoute } from '../../contract/bundles-api'

/** `npm run web`: the engine under plain Node, serving the renderer to a browser on loopback. */
async function main(): Promise<void> {
  const cfg = parseWebHostConfig(process.argv.slice(2), process.env)
  const root = resolve(__dirname, '..', '..')
  mkdirSync(cfg.dataDir.value, { recursive: true, mode: 0o700 })
  const unlock = lockDataDir(cfg.dataDir.value)
  let app
  try {
    app = await startEngine({
      host: 'web',
      mode: cfg.review ? 'review' : 'trading',
      dataDir: cfg.dataDir,
      migrationsDir: join(root, 'migrations'),
      overrides: cfg.overrides,
      envApiKey: cfg.envApiKey,
      secrets: null,
      allowLive: cfg.allowLive,
      chartCapture: () =>
        startChromiumCapture({
          executablePath: process.env.IBKR_WS_CHROMIUM || '/usr/bin/chromium',
          rendererDir: join(root, 'out', 'renderer'),
        }),
      onInternalError: (where, err) => console.error(`[web] ${where}:`, err),
      // Tests switch the demo's first run off (IBKR_WS_DEMO_FIRST_RUN=0); a newcomer gets it.
      tuning: {
        demoFirstRun: process.env.IBKR_WS_DEMO_FIRST_RUN !== '0',
        ...(cfg.simSeed !== null ? { simSeed: cfg.simSeed } : {}),
      },
    })
  } catch (e) {
    unlock()
    throw e
  }
  const server = await startWebServer({ app, staticDir: join(root, 'out', 'renderer'), port: cfg.port })
  let route = ''
  if (cfg.review) {
    // The same read-only import as a double-click on the desktop; a bad bundle stops the start.
    const transport = inProcessTransport(app.rpc)
    const client = createRpcClient(transport)
    try {
      route = reviewRoute(await client.call('lineage.import', { file: cfg.review }))
    } catch (e) {
      await server.close()
      await app.stop()
      unlock()
      throw new ConfigError(`Could not open ${cfg.review}: ${(e as Error).message}`)
    } finally {
      client.close()
      transport.disconnect()
    }
  }
  process.stdout.write(
    JSON.stringify({
      url: server.url + route,
      port: server.port,
      token: server.token,
      dataDir: cfg.dataDir.value,
      mode: app.mode(),
    }) + '\n',
  )

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.error(`[web] ${signal}: stopping`)
    try {
      await server.close()
      await app.stop()
    } finally {
      unlock()
    }
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) {
    console.error(e.message)
    process.exit(2)
  }
  console.error(`[web] failed to start: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
