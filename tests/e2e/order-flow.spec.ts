import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { buySignalReply } from '../fixtures/buy-signal'
import { startFakeOpenAI } from '../fixtures/fake-openai'
import { startWebHost, tempDataDir } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test(
  'a BUY from the model becomes an approved bracket on the simulator, fills, shows in Orders ' +
    'and Portfolio, and its trade links back to the run',
  async ({ page, consoleErrors }) => {
    test.setTimeout(120_000)
    const llm = await startFakeOpenAI()
    for (let i = 0; i < 5; i++) llm.reply(buySignalReply)
    const host = await startWebHost({
      dataDir: tempDataDir(),
      env: { OPENAI_API_KEY: 'sk-e2e', OPENAI_BASE_URL: llm.baseURL },
    })
    try {
      await openApp(page, host)
      await expect(page.getByTestId('dashboard-page')).toBeVisible()
      await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'authenticated')

      // Make the paper demo strategy ask first, in the UI.
      await page.getByTestId('nav-strategies').click()
      const row = page.getByTestId('strategy-SPY trend (demo, paper, automatic)')
      await row.getByText('Edit').click()
      await page.getByRole('button', { name: 'Ask first' }).click()
      await page.getByTestId('strategy-save').click()
      await expect(row).toContainText('ask first')

      await page.getByTestId('run-now-SPY trend (demo, paper, automatic)').click()
      await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 })
      await expect(page.getByTestId('step-llm_analysis')).toContainText('gpt-4o-mini')
      await expect(page.getByTestId('signal-badge')).toContainText('BUY')
      await expect(page.getByTestId('awaiting-approval')).toContainText('Waiting for a person')
      const runUrl = page.url()

      await page.getByTestId('nav-orders').click()
      const approval = page.locator('[data-testid^="approval-"]').filter({ hasText: 'SPY' }).first()
      await expect(approval).toContainText('BUY')
      await page.screenshot({ path: join(SHOTS, 'orders-approval.png') })
      await approval.getByTestId('approval-approve').click()
      // Seconds after the start the first reconciliation may still be reading live orders (IBKR's 1 per
      // 5 s, three reads): the gate waits for it rather than refusing, so the bracket can take ~15 s.
      await expect(page.getByTestId('blotter')).toContainText('SPY', { timeout: 30_000 })
      await page.getByTestId('blotter-all').click()
      const parent = page.locator('[data-testid^="order-row-"][data-testid$="-P"]').first()
      await expect(parent).toHaveAttribute('data-status', 'FILLED', { timeout: 30_000 })
      await expect(page.locator('[data-testid^="order-row-"][data-testid$="-S"]').first()).toHaveAttribute(
        'data-status',
        /SUBMITTED|FILLED|CANCELED/,
      )
      await page.screenshot({ path: join(SHOTS, 'orders-blotter.png') })

      await page.getByTestId('nav-portfolio').click()
      await expect(page.getByTestId('position-SPY')).toBeVisible({ timeout: 15_000 })
      await page.screenshot({ path: join(SHOTS, 'portfolio-spy.png'), fullPage: true })
      const link = page.getByTestId('trade-run-link').first()
      await expect(link).toHaveAttribute(
        'href',
        new RegExp(`#/lineage/${runUrl.split('#/lineage/')[1]!.split('/')[0]}`),
      )
      await link.click()
      await expect(page.getByTestId('run-detail')).toContainText('SPY trend')
      // The approval is in the run's lineage as a second attempt of place_order.
      await expect(page.locator('[data-testid="step-place_order"]')).toHaveCount(2)
      await expect(page.getByTestId('approval-decision')).toContainText('Approval approved by user')

      await page.getByTestId('nav-dashboard').click()
      await expect(page.getByTestId('dash-pnl')).toContainText('1 position(s)')
      await expect(page.getByTestId('dash-signals')).toContainText('SPY')
      await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true })
      expect(consoleErrors).toEqual([])
    } finally {
      await host.stop()
      await llm.close()
    }
  },
)
