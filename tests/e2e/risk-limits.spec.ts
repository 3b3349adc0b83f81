import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { connectRpc } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'
import { SettingsPage } from './pages/settings'

// Issue #9 in the browser: Settings → Risk limits. Tightening saves at once; loosening opens a
// dialog that asks for the typed phrase (main checks it again) and is recorded.

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test('risk limits: tighten saves at once, loosening needs the typed phrase in a dialog', async ({
  page,
  host,
  consoleErrors,
}) => {
  await openApp(page, host)
  await new SettingsPage(page).open()
  const panel = page.getByTestId('risk-limits')
  await expect(panel.getByTestId('limit-maxOrderNotional')).toHaveValue('50000')
  await expect(panel.getByTestId('limit-priceCollarPct')).toHaveValue('5')

  // Tighten: saved at once, no dialog.
  await panel.getByTestId('limit-maxOrderNotional').fill('20000')
  await panel.getByTestId('limits-save').click()
  await expect(panel.getByText('Saved; in force for the next order.')).toBeVisible()
  await panel.screenshot({ path: join(SHOTS, 'risk-limits.png') })

  // Loosen two limits: main refuses and names the phrase; the dialog asks for it.
  await panel.getByTestId('limit-maxOrderNotional').fill('60000')
  await panel.getByTestId('limit-priceCollarPct').fill('8')
  await panel.getByTestId('limits-save').click()
  const dialog = page.getByTestId('confirm-phrase')
  // It reads in the form's labels and units; the phrase keeps the names main checks.
  await expect(dialog.getByTestId('confirm-phrase-message')).toHaveText(
    'This loosens Max order notional $20,000 → $60,000, Price collar 5 % → 8 %.',
  )
  await expect(dialog).not.toContainText('0.05')
  await expect(dialog).toContainText(
    'In the phrase: maxOrderNotional = Max order notional, priceCollarPct = Price collar.',
  )
  await expect(dialog.locator('code.phrase')).toHaveText('LOOSEN maxOrderNotional priceCollarPct')
  await expect(dialog.getByTestId('confirm-phrase-ok')).toBeDisabled()
  await dialog.getByTestId('confirm-phrase-input').fill('LOOSEN maxOrderNotional')
  await expect(dialog.getByTestId('confirm-phrase-ok')).toBeDisabled()
  await dialog.getByTestId('confirm-phrase-input').fill('LOOSEN maxOrderNotional priceCollarPct')
  await page.screenshot({ path: join(SHOTS, 'risk-limits-confirm.png') })
  await dialog.getByTestId('confirm-phrase-ok').click()
  await expect(dialog).toBeHidden()
  await expect(panel.getByText('Loosened and recorded.')).toBeVisible()

  // Main has them; a script without the phrase cannot loosen them further.
  const { client: rpc, ws } = await connectRpc(host.port, host.token)
  try {
    const v = await rpc.call('risk.getLimits', {})
    expect([v.limits.maxOrderNotional, v.limits.priceCollarPct]).toEqual([60_000, 0.08])
    await expect(rpc.call('risk.setLimits', { limits: { ...v.limits, maxOpenPositions: 50 } })).rejects.toThrow(
      'Type exactly "LOOSEN maxOpenPositions"',
    )
  } finally {
    ws.close()
  }
  expect(consoleErrors).toEqual([])
})
