import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { buySignalReply } from '../fixtures/buy-signal'
import { completion, startFakeOpenAI } from '../fixtures/fake-openai'
import { startWebHost, tempDataDir } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots', 'layout')
mkdirSync(SHOTS, { recursive: true })

const PAGES = [
  'dashboard',
  'symbols',
  'chart',
  'strategies',
  'prompts',
  'lineage',
  'signals',
  'stats',
  'portfolio',
  'orders',
  'connection',
  'settings',
]
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]

// Every page at 1280×800 and 1920×1080 (issue 10): no page scrolls sideways, and the Signals page
// shows a downgraded BUY as "BUY → HOLD" with its rule. A model answer with reward/risk 1.0 makes
// the downgrade (V7), a sound one the accepted BUY beside it.
test('every page fits 1280×800 and 1920×1080; a downgrade reads BUY → HOLD with its rule', async ({ page }) => {
  test.setTimeout(180_000)
  const llm = await startFakeOpenAI()
  llm.reply((body) => {
    const sound = buySignalReply(body)
    const draft = JSON.parse(
      (sound.body as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
    ) as { entry: number; stop_loss: number; targets: { price: number; basis: string }[] }
    const risk = draft.entry - draft.stop_loss
    draft.targets = [{ price: Math.round((draft.entry + risk) * 100) / 100, basis: '1 R' }]
    return { body: completion(JSON.stringify(draft)) }
  })
  const host = await startWebHost({
    dataDir: tempDataDir(),
    env: { OPENAI_API_KEY: 'sk-e2e', OPENAI_BASE_URL: llm.baseURL },
  })
  try {
    await openApp(page, host)
    await page.getByTestId('nav-strategies').click()
    await page.getByTestId('run-now-SPY trend (demo, paper, automatic)').click()
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 })
    await page.getByTestId('nav-signals').click()
    const action = page.getByTestId('signal-action').first()
    await expect(action).toHaveText(/^BUY → HOLD\s*V7$/)
    for (const size of SIZES) {
      await page.setViewportSize(size)
      for (const p of PAGES) {
        await page.getByTestId(`nav-${p}`).click()
        await expect(page.locator('main.content > *').first()).toBeVisible()
        const overflow = await page.evaluate(() => {
          const main = document.querySelector('main') ?? document.body
          return main.scrollWidth - main.clientWidth
        })
        await page.screenshot({ path: join(SHOTS, `${p}-${size.width}x${size.height}.png`) })
        const where = `${p} at ${size.width}×${size.height}`
        expect(overflow, `${where} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0)
      }
    }
  } finally {
    await host.stop()
    await llm.close()
  }
})
