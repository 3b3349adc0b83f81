import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startSimGateway } from '../../src-main/sim'
import { startWebHost } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'
import { SymbolsPage } from './pages/symbols'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test('demo mode: connected paper account, search AAPL, open its chart, see candles stream, add an indicator', async ({
  page,
  host,
  consoleErrors,
}) => {
  await openApp(page, host)
  const badge = page.getByTestId('connection-badge')
  await expect(badge).toHaveAttribute('data-state', 'authenticated')
  await expect(page.getByTestId('paper-badge')).toHaveText('PAPER')

  const symbols = new SymbolsPage(page)
  await symbols.open()
  await symbols.search('AAPL')
  await expect(symbols.result('AAPL')).toContainText('265598')
  await symbols.watch('AAPL')
  await expect(page.getByTestId('last-AAPL')).not.toHaveText('—')
  await page.screenshot({ path: join(SHOTS, 'symbols.png'), fullPage: true })

  await symbols.openChart('AAPL')
  await expect(page.getByTestId('chart-symbol')).toHaveText('AAPL')
  const canvas = page.getByTestId('chart-canvas')
  await expect(canvas.locator('canvas').first()).toBeVisible()
  await expect(page.getByTestId('chart-legend')).toContainText('O')
  await expect(page.getByTestId('live-ticks')).toHaveText('Live', { timeout: 15_000 })
  const before = Number(await page.getByTestId('live-ticks').getAttribute('data-ticks'))
  await expect
    .poll(async () => Number(await page.getByTestId('live-ticks').getAttribute('data-ticks')))
    .toBeGreaterThan(before)

  await page.getByTestId('add-indicator').selectOption('macd')
  await expect(page.getByTestId('indicator-macd')).toBeVisible()
  await page.getByTestId('tf-1w').click()
  await expect(page.getByTestId('tf-1w')).toHaveClass(/on/)
  await page.getByTestId('tf-1d').click()
  await page.mouse.move(700, 400)
  await page.screenshot({ path: join(SHOTS, 'chart-aapl.png') })
  expect(consoleErrors).toEqual([])
})

test('the Connection page shows the session, the paper account and the login page link', async ({
  page,
  host,
  consoleErrors,
}) => {
  await openApp(page, host)
  await page.getByTestId('nav-connection').click()
  await expect(page.getByTestId('connection-page')).toBeVisible()
  await expect(page.getByTestId('gateway-detail')).toHaveText('Connected and authenticated.')
  await expect(page.getByTestId('accounts')).toContainText('DU1234567')
  await expect(page.getByTestId('accounts')).toContainText('Selected')
  await page.getByTestId('reauthenticate').click()
  // Reauthenticating re-runs IBKR's init sequence, whose paced reads (1 per 5 s each) may queue behind the
  // start-up reconciliation's: up to ~15 s right after the start.
  await expect(page.getByTestId('connection-status')).toContainText('Reauthentication requested', {
    timeout: 30_000,
  })
  await page.getByTestId('open-login').click()
  await expect(page.getByTestId('login-link')).toHaveAttribute('href', /^https:\/\/127\.0\.0\.1:\d+\/$/)
  await page.screenshot({ path: join(SHOTS, 'connection.png'), fullPage: true })
  expect(consoleErrors).toEqual([])
})

test('a separate local gateway is trusted by its certificate fingerprint, then connects', async ({
  page,
  consoleErrors,
}) => {
  const sim = await startSimGateway({ demo: true, seed: 9, rateLimit: { enabled: false } })
  const host = await startWebHost({ gateway: sim.origin })
  try {
    await openApp(page, host)
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-state', 'offline')
    await page.getByTestId('nav-connection').click()
    await expect(page.getByTestId('gateway-detail')).toContainText('certificate is not trusted yet')
    await expect(page.getByTestId('certificate-fingerprint')).toHaveText(sim.fingerprint!)
    await page.getByTestId('trust-certificate').click()
    await page.getByTestId('confirm-trust').click()
    await expect(page.getByRole('banner').getByTestId('connection-badge')).toHaveAttribute(
      'data-state',
      'authenticated',
    )
    await expect(page.getByTestId('certificate-panel')).toContainText('pinned for this gateway')
    await page.screenshot({ path: join(SHOTS, 'connection-trust.png'), fullPage: true })
  } finally {
    await host.stop()
    await sim.close()
  }
  expect(consoleErrors).toEqual([])
})
