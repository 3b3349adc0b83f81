import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test(
  'create a strategy in the UI, run it now, watch the timeline fill in live, open the chart ' +
    'image and the analysis',
  async ({ page, host, consoleErrors }) => {
    await openApp(page, host)
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'authenticated')
    await page.getByTestId('nav-strategies').click()
    await expect(page.getByTestId('strategy-table')).toContainText('AAPL daily swing (demo, dry run)')

    // A refused save names the problem at its field and creates nothing.
    await page.getByTestId('strategy-new').click()
    await page.getByTestId('st-name').fill('MSFT swing (e2e)')
    await page.getByTestId('strategy-save').click()
    await expect(page.getByTestId('strategy-form-error')).toBeVisible()
    await expect(page.getByTestId('error-st-instrument')).toContainText(/instrument|symbol|conid/i)

    await page.getByTestId('st-instrument').fill('MSFT')
    await page.getByTestId('pick-MSFT').click()
    await expect(page.getByTestId('error-st-instrument')).toHaveCount(0)
    await page.getByTestId('st-cron').fill('0 2 * * 1-5')
    await expect(page.getByTestId('schedule-preview')).toContainText('daylight saving')
    await page.getByTestId('st-cron').fill('45 9 * * 1-5')
    await expect(page.getByTestId('schedule-preview').locator('li')).toHaveCount(5)
    await expect(page.getByTestId('schedule-preview').locator('li').first()).toContainText('09:45')
    await page.screenshot({ path: join(SHOTS, 'strategy-form.png'), fullPage: true })
    await page.getByTestId('strategy-save').click()
    const row = page.getByTestId('strategy-MSFT swing (e2e)')
    await expect(row).toBeVisible()
    await expect(row).toContainText('dry-run')

    await page.getByTestId('run-now-MSFT swing (e2e)').click()
    await expect(page).toHaveURL(/#\/lineage\/[0-9a-f-]{36}$/)
    const detail = page.getByTestId('run-detail')
    // Live: the steps appear as they are recorded, then the run ends.
    await expect(page.getByTestId('step-check_session')).toBeVisible()
    await expect(detail).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 })
    for (const step of [
      'check_session',
      'load_strategy',
      'fetch_market_data',
      'compute_indicators',
      'render_charts',
      'llm_analysis',
      'validate_signal',
      'risk_check',
      'place_order',
      'complete',
    ]) {
      await expect(page.getByTestId(`step-${step}`)).toHaveAttribute('data-status', 'succeeded')
    }
    await expect(page.getByTestId('step-track_order')).toHaveAttribute('data-status', 'skipped')
    await expect(page.getByTestId('confirmation')).toContainText('bull')
    await expect(page.getByTestId('signal-badge')).toBeVisible()
    await expect(page.getByTestId('llm-text')).toContainText('"symbol": "MSFT"')
    await expect(page.getByTestId('step-llm_analysis')).toContainText('Rules-based (no language model)')
    const runRow = page.locator('[data-testid^="run-"][data-status="succeeded"]').first()
    await expect(runRow).toContainText('MSFT swing (e2e)')

    const daily = page.getByTestId('chart-image-1D')
    await expect.poll(() => daily.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1024)
    await page.screenshot({ path: join(SHOTS, 'timeline-run.png') })
    await daily.click()
    await expect(page.getByTestId('lightbox-image')).toBeVisible()
    await page.screenshot({ path: join(SHOTS, 'timeline-lightbox.png') })
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('lightbox')).toHaveCount(0)

    // Replay the analysis from cache: a new run marked replay, identical to the original.
    const originalUrl = page.url()
    await page.getByTestId('replay-cached-llm_analysis').click()
    await expect(page).toHaveURL(/#\/lineage\/[0-9a-f-]{36}\/complete$/)
    await expect(page.getByTestId('replay-identical')).toBeVisible()
    await expect(page.getByTestId('run-detail')).toContainText('— replay')
    await page.screenshot({ path: join(SHOTS, 'timeline-replay.png') })
    await page.goto(originalUrl)
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded')

    // Deep link to one step.
    const url = new URL(page.url())
    await page.goto(`${url.origin}/${url.search}#${url.hash.slice(1)}/risk_check`)
    await expect(page.getByTestId('step-risk_check').locator('.step-body')).toBeVisible()
    await expect(page.getByTestId('step-place_order').locator('.step-body')).toHaveCount(0)
    await page.getByTestId('raw-risk_check').click()
    await expect(page.getByTestId('json-view')).toHaveAttribute('data-ready', 'true')
    await expect(page.getByTestId('json-view').locator('.view-lines')).toContainText('"signalId"')
    await page.getByTestId('json-view').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'timeline-raw-json.png') })

    // The risk check replays too, from its recorded inputs: a new replay run, identical, no order.
    await page.getByTestId('replay-cached-risk_check').click()
    await expect(page).toHaveURL(/#\/lineage\/[0-9a-f-]{36}\/complete$/)
    await expect(page.getByTestId('replay-identical')).toBeVisible()
    await expect(page.getByTestId('step-place_order')).toHaveCount(0)
    expect(consoleErrors).toEqual([])
  },
)
