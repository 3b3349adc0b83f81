import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const DAY = 86_400_000
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

test('define two arms and the primary metric before the run, see both estimates, read the A/B verdict', async ({
  page,
  host,
  consoleErrors,
}) => {
  test.setTimeout(180_000)
  await openApp(page, host)
  await page.keyboard.press('Alt+l')
  await expect(page.getByTestId('lab-page')).toBeVisible()
  await page.getByTestId('lab-strategy').selectOption({ label: 'AAPL daily swing (demo, dry run) (AAPL)' })
  await page.getByTestId('lab-from').fill(iso(Date.now() - 150 * DAY))
  await page.getByTestId('lab-to').fill(iso(Date.now() - 45 * DAY))
  await page.getByTestId('lab-analyst').selectOption('rules')
  // One arm: no A/B controls, one estimate line.
  await expect(page.getByTestId('lab-primary')).toHaveCount(0)
  // The rules analyst is deterministic: no repeat-call noise floor to pay for.
  await expect(page.getByTestId('lab-noise')).toBeDisabled()
  await expect(page.getByTestId('lab-noise')).not.toBeChecked()
  await expect(page.getByTestId('lab-estimate')).toContainText(/Estimate: \d+ decisions · 0 model calls/)
  const single = Number((await page.getByTestId('lab-estimate').textContent())!.match(/Estimate: (\d+)/)![1])

  // Two arms: B starts as a copy of A; its analyst is the strategy's own. The model and prompt
  // fields are off for the rules analyst and on for the others.
  await page.getByTestId('lab-ab-toggle').check()
  await expect(page.getByTestId('lab-arm-a-model')).toBeDisabled()
  await page.getByTestId('lab-arm-b-analyst').selectOption('own')
  await expect(page.getByTestId('lab-arm-b-model')).toBeEnabled()
  await expect(page.getByTestId('lab-arm-b-prompt')).toBeEnabled()
  // The primary metric is declared before the run; mean R net is the default.
  await expect(page.getByTestId('lab-primary')).toHaveValue('meanR')
  await page.getByTestId('lab-primary').selectOption('hitRate')
  const table = page.getByTestId('lab-estimates')
  const rows = table.locator('tbody tr')
  await expect(rows).toHaveCount(3)
  await expect(rows.nth(0)).toContainText(`Arm A${single}`)
  await expect(rows.nth(1)).toContainText(`Arm B${single}`)
  await expect(rows.nth(2)).toContainText(`Total${2 * single}`)
  await expect(page.getByTestId('lab-estimate')).toContainText(`Estimate: ${2 * single} decisions`)
  await page.getByTestId('lab-form').screenshot({ path: join(SHOTS, 'evaluation-ab-form.png') })

  await page.getByTestId('lab-start').click()
  await expect(page).toHaveURL(/#\/lab\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('lab-progress')).toHaveAttribute('data-status', 'succeeded', { timeout: 150_000 })
  const ab = page.getByTestId('lab-ab')
  await expect(ab).toContainText('hit rate, paired by date')
  await expect(ab).toContainText(/Not enough data|better on hit rate|No significant difference in hit rate/)
  // Every paired statistic beside its own repeat-call noise floor; the declared one is marked.
  const floors = page.getByTestId('lab-ab-noise').locator('tbody tr')
  await expect(floors).toHaveCount(4)
  await expect(floors.nth(0)).toContainText('mean R net')
  await expect(floors.nth(1)).toContainText('hit rate (declared)')
  await expect(floors.nth(2)).toContainText('Brier score')
  await expect(floors.nth(3)).toContainText('κ on actions')
  for (let k = 0; k < 4; k++)
    await expect(floors.nth(k).locator('td').nth(3)).toHaveText(
      /^(—|±\d+\.\d+( R)?|0 \(deterministic: rules analyst\))$/,
    )
  await ab.screenshot({ path: join(SHOTS, 'evaluation-ab-report.png') })
  expect(consoleErrors).toEqual([])
})
