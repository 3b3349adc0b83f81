import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test('evaluate the demo strategy with the rules analyst over one year, read the report, open a decision run', async ({
  page,
  host,
  consoleErrors,
}) => {
  test.setTimeout(240_000)
  await openApp(page, host)
  // Keyboard reachable: Alt+L opens the lab.
  await page.keyboard.press('Alt+l')
  await expect(page.getByTestId('lab-page')).toBeVisible()
  await page.getByTestId('lab-strategy').selectOption({ label: 'AAPL daily swing (demo, dry run) (AAPL)' })
  await page.getByTestId('lab-analyst').selectOption('rules')
  // The estimate is shown before anything starts.
  await expect(page.getByTestId('lab-estimate')).toContainText(/Estimate: 2\d\d decisions · 0 model calls/)
  await expect(page.getByTestId('lab-list')).toContainText('No evaluations yet')
  await page.getByTestId('lab-start').click()
  await expect(page).toHaveURL(/#\/lab\/[0-9a-f-]{36}$/)
  const progress = page.getByTestId('lab-progress')
  await expect(progress).toBeVisible()
  await expect(progress).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 })

  const report = page.getByTestId('lab-report')
  await expect(report).toBeVisible()
  await expect(page.getByTestId('lab-lookahead')).toContainText('Look-ahead self-test passed')
  await expect(report).toContainText('data: the simulator')
  const metrics = page.getByTestId('lab-metrics')
  await expect(metrics).toContainText('Win rate')
  await expect(metrics).toContainText('Expectancy (mean R, net)')
  await expect(page.getByTestId('lab-baselines')).toContainText('Buy-and-hold')
  await expect(page.getByTestId('lab-r-histogram')).toBeVisible()
  await expect(page.getByTestId('lab-reliability')).toBeVisible()
  await expect(page.getByTestId('lab-list')).toContainText('succeeded')
  await page.screenshot({ path: join(SHOTS, 'evaluation-report.png'), fullPage: true })
  // The evaluation exports as one bundle (decision runs, the report as stored data, the decisions).
  await page.getByTestId('export-bundle').click()
  await expect(page.getByTestId('export-result')).toContainText(/2\d\d run\(s\)/, { timeout: 60_000 })
  const bundle = (await page.getByTestId('export-file').textContent())!
  expect(bundle).toMatch(/evaluation-[0-9a-f-]{36}\.wsbundle$/)

  // The win rate links to the trades behind it; each decision opens its run.
  await metrics.getByRole('button').first().click()
  await expect(page.locator('#lab-decisions h2')).toContainText('closed trades')
  const rows = page.getByTestId('lab-decisions').locator('tbody tr')
  expect(await rows.count()).toBeGreaterThan(0)
  const firstR = await rows.first().locator('td').nth(9).textContent()
  expect(firstR).toMatch(/^-?\d+\.\d{2}$/)
  await rows.first().click()
  await expect(page).toHaveURL(/#\/lineage\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded')
  await expect(page.getByTestId('step-llm_analysis')).toHaveAttribute('data-status', 'succeeded')
  await expect(page.getByTestId('step-place_order')).toHaveAttribute('data-status', 'skipped')
  await page.screenshot({ path: join(SHOTS, 'evaluation-decision-run.png'), fullPage: true })

  // Statistics: the evaluation's outcomes under its analyst, apart from live trades (none yet: "—", never 0).
  await page.getByTestId('nav-stats').click()
  const evalRows = page.getByTestId('stats-outcomes-evaluation').locator('tbody tr')
  await expect(evalRows.first()).toContainText('Rules-based (no language model)')
  await expect(evalRows.first().locator('td').nth(5)).toHaveText(/^\d+\.\d %$/)
  await expect(evalRows.first().locator('td').nth(6)).toHaveText(/^[+−]?\d+\.\d{2} R$/)
  await expect(page.getByTestId('stats-outcomes-live')).toBeVisible()
  await page.getByTestId('stats-outcomes').scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(SHOTS, 'stats-outcomes.png'), fullPage: true })

  // Imported into the review library, the same report and decisions read offline from the bundle.
  await page.evaluate(() => (location.hash = '#/lineage'))
  await page.getByText('Type a path instead').click()
  await page.getByTestId('import-path').fill(bundle)
  await page.getByTestId('import-bundle').click()
  // An evaluation bundle opens at its report; the timeline's library bar links back to it.
  await expect(page).toHaveURL(/#\/lab\/review\/[0-9a-f]{24}$/, { timeout: 60_000 })
  await page.getByRole('button', { name: 'Decision runs in the timeline' }).click()
  await expect(page.getByTestId('run-list').locator('[data-testid^="run-"]').first()).toBeVisible()
  await page.getByTestId('library-evaluation').click()
  await expect(page.getByTestId('lab-review')).toBeVisible()
  const offline = page.getByTestId('lab-report')
  await expect(offline).toContainText('read-only, from an imported bundle')
  await expect(page.getByTestId('lab-lookahead')).toContainText('Look-ahead self-test passed')
  await expect(page.getByTestId('lab-metrics')).toContainText('Win rate')
  const offlineRows = page.getByTestId('lab-decisions').locator('tbody tr')
  await expect(offlineRows.first()).toBeVisible()
  expect(await offlineRows.count()).toBeGreaterThan(200)
  await page.screenshot({ path: join(SHOTS, 'evaluation-review.png'), fullPage: true })
  await offlineRows.first().click()
  await expect(page).toHaveURL(/#\/lineage\/review\/[0-9a-f]{24}\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded')
  expect(consoleErrors).toEqual([])
})
