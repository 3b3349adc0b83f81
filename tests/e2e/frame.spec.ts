import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startWebHost } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'
import { SettingsPage } from './pages/settings'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test('the frame renders with its token, lists only real pages, shows the connection, and logs no errors', async ({
  page,
  host,
  consoleErrors,
}) => {
  await openApp(page, host)
  expect(new URL(page.url()).searchParams.get('token')).toBeNull()
  await expect(page.locator('.sidebar nav a')).toHaveText([
    'Dashboard',
    'Symbols',
    'Chart',
    'Strategies',
    'Prompts',
    'Timeline',
    'Signals',
    'Statistics',
    'Evaluation lab',
    'Portfolio',
    'Orders',
    'Connection',
    'Settings',
  ])
  // Every page opens and says something real (no placeholder), with no console errors.
  for (const [id, text] of [
    ['dashboard', 'Next runs'],
    ['orders', 'Order ticket'],
    ['strategies', 'AAPL daily swing'],
    ['prompts', 'Combined'],
    ['lineage', 'Pick a run'],
    ['signals', 'Signals'],
    ['stats', 'Steps'],
    ['lab', 'New evaluation'],
  ] as const) {
    await page.getByTestId(`nav-${id}`).click()
    await expect(page.locator('main.content')).toContainText(text)
  }
  const badge = page.getByTestId('connection-badge')
  await expect(badge).toBeVisible()
  await expect(badge).toHaveAttribute(
    'data-state',
    /offline|unauthenticated|authenticated|competing|expired|maintenance/,
  )
  await new SettingsPage(page).open()
  await expect(page.getByTestId('data-dir')).toHaveValue(host.dataDir)
  await page.screenshot({ path: join(SHOTS, 'frame-settings.png'), fullPage: true })

  // Retention (F21): off by default; a value out of range is refused with its reason; then on, and a cleanup.
  await expect(page.getByTestId('retention')).toContainText('Off: nothing is ever deleted automatically')
  await page.getByTestId('retention-runs').fill('3')
  await page.getByTestId('retention-save').click()
  await expect(page.getByTestId('retention-message')).toContainText('at least 7 days')
  await page.getByTestId('retention-runs').fill('90')
  await page.getByTestId('retention-save').click()
  await expect(page.getByTestId('retention')).toContainText('On: runs older than 90 days')
  await page.getByTestId('retention-run').click()
  await expect(page.getByTestId('retention-message')).toContainText('0 run(s)')
  expect(consoleErrors).toEqual([])
})

test('a setting changed in the page persists across a host restart', async ({ page, consoleErrors }) => {
  const first = await startWebHost()
  const settings = new SettingsPage(page)
  try {
    await openApp(page, first)
    await settings.open()
    await settings.field('llmModel').fill('llava:13b')
    await settings.field('account').fill('DU7654321')
    await settings.save()
    await expect(settings.status()).toHaveText('Saved.')
  } finally {
    expect(await first.stop()).toBe(0)
  }
  await expect(page.getByTestId('engine-banner')).toBeVisible()

  const second = await startWebHost({ dataDir: first.dataDir })
  try {
    await openApp(page, second)
    await settings.open()
    await expect(settings.field('llmModel')).toHaveValue('llava:13b')
    await expect(settings.field('account')).toHaveValue('DU7654321')
    await page.screenshot({ path: join(SHOTS, 'settings-after-restart.png'), fullPage: true })
  } finally {
    await second.stop()
  }
  // The lost connection while the host restarted is expected; nothing else may be logged.
  expect(consoleErrors.filter((e) => !/WebSocket connection|ERR_CONNECTION_REFUSED/.test(e))).toEqual([])
})

test('bad input shows the field error and saves nothing', async ({ page, host }) => {
  await openApp(page, host)
  const settings = new SettingsPage(page)
  await settings.open()
  await page.getByLabel('Client Portal Gateway').check()
  await settings.field('gateway').fill('ftp://not-a-gateway')
  await settings.save()
  await expect(page.getByTestId('error-gateway')).toContainText('Use "sim" or a gateway URL')
  await expect(settings.status()).toContainText('Not saved')
  await page.reload()
  await openApp(page, { url: page.url() })
  await settings.open()
  await expect(page.getByLabel('Built-in simulator')).toBeChecked()
})

test('the CSP blocks injected inline script (RELIABILITY.md T1)', async ({ page, host }) => {
  await openApp(page, host)
  const result = await page.evaluate(
    () =>
      new Promise<{ ran: boolean; violated: string }>((resolve) => {
        document.addEventListener(
          'securitypolicyviolation',
          (e) => resolve({ ran: 'pwned' in window, violated: e.violatedDirective }),
          { once: true },
        )
        const s = document.createElement('script')
        s.textContent = 'window.pwned = true'
        document.body.appendChild(s)
      }),
  )
  expect(result).toEqual({ ran: false, violated: 'script-src-elem' })
})

test('a page with a wrong token says what to do', async ({ page, host }) => {
  await page.goto(`http://127.0.0.1:${host.port}/?token=wrong`)
  await expect(page.getByTestId('engine-banner')).toContainText('refused this page’s token')
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'loading')
})
