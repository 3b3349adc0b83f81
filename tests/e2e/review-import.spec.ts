import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closeStores, DAY, png, seedRun, tempStore } from '../fixtures/bundles-fixture'
import { startWebHost, tempDataDir } from '../fixtures/web-host'
import { exportBundle } from '../../src-main/store/bundles'
import { expect, openApp, test } from './fixtures'

// Review bundles as a user opens them: a launch with a bundle starts in review mode with a banner to
// start trading (the web host's --review, as a double-click on the desktop); the file picker uploads;
// dropping a file imports it. Typed paths stay behind "Type a path instead".

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const T0 = Date.UTC(2026, 10, 2)

async function bundle(runId: string): Promise<string> {
  const ts = await tempStore('ibkr-ws-e2e-bundle-')
  seedRun(ts, { id: runId, startedAt: T0, steps: [[png(runId.length)]] })
  const file = join(ts.dataDir, `${runId}.wsbundle`)
  await exportBundle(ts.store, ts.dataDir, { runIds: [runId] }, file, T0 + DAY)
  closeStores()
  return file
}

test('a launch with a bundle starts in review mode; "Start trading engine" starts it', async ({
  page,
  consoleErrors,
}) => {
  const file = await bundle('review-first')
  const host = await startWebHost({ dataDir: tempDataDir(), args: ['--review', file] })
  try {
    expect((host as unknown as { mode: string }).mode).toBe('review')
    await openApp(page, host)
    await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}$/)
    const banner = page.getByTestId('review-mode-banner')
    await expect(banner).toContainText('Review mode')
    await expect(page.getByTestId('run-review-first')).toBeVisible()
    await page.screenshot({ path: join(SHOTS, 'review-mode-banner.png') })

    await page.getByTestId('start-trading').click()
    await expect(banner).toHaveCount(0, { timeout: 30_000 })
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready')
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'authenticated', {
      timeout: 30_000,
    })
    await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}$/)
    await expect(page.getByTestId('run-review-first')).toBeVisible()
    expect(consoleErrors).toEqual([])
  } finally {
    await host.stop()
  }
})

test('import by the file picker (upload) and by dropping a file', async ({ page, host, consoleErrors }) => {
  const [picked, dropped] = [await bundle('picked-run'), await bundle('dropped-run')]
  await openApp(page, host)
  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('bundle-drop')).toBeVisible()
  await expect(page.getByTestId('import-path')).toBeHidden() // typed paths only behind the fallback
  await page.getByTestId('bundle-drop').screenshot({ path: join(SHOTS, 'bundle-drop-zone.png') })

  await page.getByTestId('bundle-file-input').setInputFiles(picked)
  await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}$/)
  await expect(page.getByTestId('run-picked-run')).toBeVisible()

  await page.goto(page.url().replace(/#.*$/, '#/lineage'))
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name }) => {
      const dt = new DataTransfer()
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name))
      return dt
    },
    { b64: readFileSync(dropped).toString('base64'), name: 'dropped-run.wsbundle' },
  )
  await page.getByTestId('bundle-drop').dispatchEvent('dragover', { dataTransfer })
  await page.getByTestId('bundle-drop').dispatchEvent('drop', { dataTransfer })
  await expect(page.getByTestId('run-dropped-run')).toBeVisible()
  await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}$/)
  await page.screenshot({ path: join(SHOTS, 'bundle-dropped.png') })
  expect(consoleErrors).toEqual([])
})

test('the upload endpoint wants the token, a .wsbundle name and a real bundle', async ({ page, host }) => {
  const origin = `http://127.0.0.1:${host.port}`
  const post = (query: string, data: Buffer) =>
    page.request.post(`${origin}/review-upload?${query}`, {
      data,
      headers: { 'content-type': 'application/octet-stream' },
    })
  expect((await post('name=a.wsbundle', Buffer.from('x'))).status()).toBe(401)
  const token = encodeURIComponent(host.token)
  expect((await post(`token=${token}&name=a.zip`, Buffer.from('x'))).status()).toBe(400)
  expect((await post(`token=${token}&name=..%2Fa.wsbundle`, Buffer.from('x'))).status()).toBe(400)
  const junk = await post(`token=${token}&name=junk.wsbundle`, Buffer.from('not a bundle'))
  expect(junk.status()).toBe(422)
  expect(((await junk.json()) as { error: string }).error.length).toBeGreaterThan(10)
})
