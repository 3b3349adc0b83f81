import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { launchChromium } from './cdp-pipe'
import { startChromiumCapture } from './chromium-capture'

// Real Chromium over its DevTools pipe: calls answer, page errors surface, close leaves nothing behind.

const CHROMIUM = process.env.IBKR_WS_CHROMIUM ?? '/usr/bin/chromium'

describe('Chromium over the DevTools pipe', () => {
  it('answers calls on a page session, reports protocol errors, and exits with its profile removed', async () => {
    const browser = await launchChromium(CHROMIUM)
    const profile = browser.process.spawnargs.find((a) => a.startsWith('--user-data-dir='))!.split('=')[1]!
    expect(existsSync(profile)).toBe(true)
    const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string
    }
    const r = await browser.send('Runtime.evaluate', { expression: '6 * 7', returnByValue: true }, sessionId)
    expect(r).toMatchObject({ result: { type: 'number', value: 42 } })
    await expect(browser.send('No.suchMethod')).rejects.toThrow(/No\.suchMethod/)
    await browser.close()
    expect(browser.process.exitCode ?? browser.process.signalCode).not.toBeNull()
    expect(existsSync(profile)).toBe(false)
    await expect(browser.send('Browser.getVersion')).rejects.toThrow(/Chromium exited/)
  }, 30_000)

  it('says what to do when Chromium is missing', async () => {
    await expect(
      startChromiumCapture({
        executablePath: '/nonexistent/chromium',
        rendererDir: resolve(__dirname, '../../out/renderer'),
      }),
    ).rejects.toThrow(/could not start Chromium at \/nonexistent\/chromium: .*Install it/)
  })
})
