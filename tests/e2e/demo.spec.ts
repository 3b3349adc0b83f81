import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_CANDIDATES } from '../../src-main/engine/demo-first-run'
import { TEST_SIM_SEED } from '../fixtures/sim-seed'
import { startWebHost, tempDataDir } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

// The newcomer's path (issue 10): a fresh data folder, no API key, no fake model, `npm run web` as
// shipped. Within a minute the paper demo strategy has run by itself with the rules analyst and its
// bracket has filled: the dashboard shows the position and the run, the chart draws the signal's
// levels, the fill and the average cost, the portfolio holds the position, and the timeline has
// the run with every step.

test('a fresh start shows a filled demo bracket on dashboard, chart, portfolio and timeline within a minute', async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(120_000)
  // The simulator's market is seeded per data folder; this one gets the seed the in-process demo test
  // (tests/integration/demo-first-run.test.ts, via test-app) runs on, so both watch the same market.
  const host = await startWebHost({
    dataDir: tempDataDir(),
    env: { IBKR_WS_DEMO_FIRST_RUN: '1', IBKR_WS_SIM_SEED: String(TEST_SIM_SEED) },
  })
  try {
    await page.setViewportSize({ width: 1280, height: 800 })
    const started = Date.now()
    await openApp(page, host)
    await expect(page.getByTestId('dashboard-page')).toBeVisible()
    await expect(page.getByTestId('dash-pnl')).toContainText('1 position(s)', { timeout: 60_000 })
    expect(Date.now() - started).toBeLessThan(60_000)
    await expect(page.getByTestId('dash-runs')).toContainText('(demo, paper, automatic)')
    await expect(page.getByTestId('dash-signals')).toContainText('BUY')
    await page.screenshot({ path: join(SHOTS, 'demo-dashboard.png') })

    await page.getByTestId('nav-portfolio').click()
    const position = page.locator('[data-testid^="position-"]').first()
    await expect(position).toBeVisible({ timeout: 15_000 })
    const symbol = (await position.getAttribute('data-testid'))!.slice('position-'.length)
    const conid = DEMO_CANDIDATES.find((c) => c.symbol === symbol)!.conid
    await page.screenshot({ path: join(SHOTS, 'demo-portfolio.png') })

    await page.evaluate((c) => (window.location.hash = `#/chart/${c}`), conid)
    await expect(page.getByTestId('chart-symbol')).toHaveText(symbol)
    const canvas = page.getByTestId('chart-canvas')
    await expect(canvas).toHaveAttribute('data-levels', /^[3-7]$/)
    await expect(canvas).toHaveAttribute('data-fills', /^[1-9]/)
    await expect(canvas).toHaveAttribute('data-avg-cost', /^\d+(\.\d+)?$/)
    await expect(page.getByTestId('chart-signal')).toContainText('BUY')
    await expect(page.getByTestId('chart-position')).toContainText('Position')
    await page.screenshot({ path: join(SHOTS, 'demo-chart.png') })

    await page.getByTestId('nav-dashboard').click()
    await page.getByTestId('dash-runs').locator('a').first().click()
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded')
    await expect(page.getByTestId('signal-badge')).toContainText('BUY')
    await expect(page.getByTestId('step-place_order')).toBeVisible()
    await page.screenshot({ path: join(SHOTS, 'demo-run.png') })
    expect(consoleErrors).toEqual([])
  } finally {
    await host.stop()
  }
})
