import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { connectRpc, startWebHost, tempDataDir } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test('export a run to a bundle, import it on an engine with no gateway and no key, and review it offline', async ({
  page,
  host,
  consoleErrors,
}) => {
  const { client, ws } = await connectRpc(host.port, host.token)
  await expect
    .poll(async () => (await client.call('gateway.status', {})).state, { timeout: 15_000 })
    .toBe('authenticated')
  const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
  const { runId } = await client.call('runs.start', { strategyId: strategy.id })
  await expect
    .poll(async () => (await client.call('lineage.getRun', { runId })).status, { timeout: 30_000 })
    .toBe('succeeded')
  ws.terminate()

  await openApp(page, host)
  await page.goto(`${new URL(page.url()).origin}/#/lineage/${runId}`)
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded')
  await page.getByTestId('export-bundle').first().click()
  const file = (await page.getByTestId('export-file').textContent())!
  expect(file).toMatch(/\.wsbundle$/)

  // A second engine: nothing listens at its gateway URL, and there is no API key.
  const offline = await startWebHost({ dataDir: tempDataDir(), gateway: 'https://127.0.0.1:9' })
  try {
    await openApp(page, offline)
    await expect(page.getByTestId('connection-badge')).not.toHaveAttribute('data-state', 'authenticated')
    await page.getByTestId('nav-lineage').click()
    await page.getByText('Type a path instead').click()
    await page.getByTestId('import-path').fill(file)
    await page.getByTestId('import-bundle').click()
    await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}$/)
    await page.getByTestId(`run-${runId}`).click()
    const detail = page.getByTestId('run-detail')
    await expect(detail).toHaveAttribute('data-run-status', 'succeeded')
    await expect(detail).toContainText('review library (read-only)')
    await expect(page.getByTestId('step-llm_analysis')).toContainText('Rules-based (no language model)')
    await expect(page.getByTestId('llm-text')).toContainText('"symbol": "AAPL"')
    const daily = page.getByTestId('chart-image-1D')
    await expect.poll(() => daily.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1024)
    await page.screenshot({ path: join(SHOTS, 'review-offline.png') })
    // Replay works on the imported run with no gateway: read from the bundle, recorded in this app's store.
    const reviewUrl = page.url()
    await page.getByTestId('replay-cached-risk_check').click()
    await expect(page).toHaveURL(/#\/lineage\/[0-9a-f-]{36}\/complete$/)
    await expect(page.getByTestId('replay-identical')).toBeVisible()
    await expect(page.getByTestId('run-detail')).toContainText('— replay')
    await expect(page.getByTestId('replay-of')).toContainText('the original run in its imported bundle')
    await page.screenshot({ path: join(SHOTS, 'review-replay.png') })
    await page.getByTestId('replay-of').getByRole('link').click()
    await expect(page).toHaveURL(new RegExp(`#/lineage/review/[0-9a-f]{24}/${runId}/risk_check$`))
    await expect(page.getByTestId('run-detail')).toContainText('review library (read-only)')
    expect(reviewUrl).toContain('/lineage/review/')
    // No session: the Orders page says so and the order ticket cannot send (RELIABILITY.md T11, UI leg).
    await page.getByTestId('nav-orders').click()
    await expect(page.getByTestId('ticket-session')).toContainText('orders are disabled')
    await expect(page.getByTestId('ticket-place')).toBeDisabled()
  } finally {
    await offline.stop()
  }
  expect(consoleErrors).toEqual([])
})
