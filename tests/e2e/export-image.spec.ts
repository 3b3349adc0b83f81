import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { connectRpc } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

// "Save as PNG" and "Copy image" (html-to-image) for the chart panel with its HTML legend and for a
// run's step card, in Chromium: the download and the clipboard each hold a real, non-empty PNG, and
// fonts are embedded once for all captures.

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const PNG_SIGNATURE = '89504e470d0a1a0a'

async function savedPng(page: Page, button: string, copyTo: string): Promise<Buffer> {
  const download = page.waitForEvent('download')
  await page.getByTestId(button).click()
  const d = await download
  const bytes = readFileSync((await d.path())!)
  writeFileSync(join(SHOTS, copyTo), bytes)
  return bytes
}

test('the chart panel and a step card export as PNG, by download and to the clipboard', async ({
  page,
  host,
  consoleErrors,
}) => {
  const origin = `http://127.0.0.1:${host.port}`
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  await openApp(page, host)
  await page.goto(`${origin}/#/chart/265598`)
  await expect(page.getByTestId('chart-symbol')).toHaveText('AAPL')
  await expect.poll(() => page.getByTestId('chart-canvas').getAttribute('data-bars')).not.toBe('0')
  await expect(page.getByTestId('chart-legend')).toContainText('O')

  const chart = await savedPng(page, 'chart-export-save', 'export-chart-panel.png')
  expect(chart.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE)
  expect(chart.length).toBeGreaterThan(10_000)
  await expect(page.getByTestId('chart-export-note')).toContainText('Saved chart-AAPL-')

  await page.getByTestId('chart-export-copy').click()
  await expect(page.getByTestId('chart-export-note')).toContainText('Copied')
  const clip = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read()
    const blob = await item!.getType('image/png')
    const head = new Uint8Array(await blob.slice(0, 8).arrayBuffer())
    return { size: blob.size, head: Array.from(head, (b) => b.toString(16).padStart(2, '0')).join('') }
  })
  expect(clip.head).toBe(PNG_SIGNATURE)
  expect(clip.size).toBeGreaterThan(10_000)
  // Two captures, one font embedding.
  await expect(page.getByTestId('chart-export')).toHaveAttribute('data-font-embeds', '1')

  // A run's step card (the same exporter; still one font embedding).
  const { client, ws } = await connectRpc(host.port, host.token)
  const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
  const { runId } = await client.call('runs.start', { strategyId: strategy.id })
  await expect
    .poll(async () => (await client.call('lineage.getRun', { runId })).status, { timeout: 30_000 })
    .toBe('succeeded')
  ws.terminate()
  await page.goto(`${origin}/#/lineage/${runId}/render_charts`)
  const card = page.getByTestId('step-render_charts')
  await expect(card.getByTestId('export-step-render_charts-save')).toBeVisible()
  const step = await savedPng(page, 'export-step-render_charts-save', 'export-step-card.png')
  expect(step.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE)
  expect(step.length).toBeGreaterThan(5_000)
  await expect(card.getByTestId('export-step-render_charts')).toHaveAttribute('data-font-embeds', '1')
  await page.screenshot({ path: join(SHOTS, 'export-step-card-page.png') })
  expect(consoleErrors).toEqual([])
})
