import { test as base, expect, type Page } from '@playwright/test'
import { startWebHost, tempDataDir, type RunningHost } from '../fixtures/web-host'
import type { RpcClient } from '../../src-main/contract/client'

export { expect }

interface Fixtures {
  /** A fresh web host on port 0 with its own data folder, stopped after the test. */
  host: RunningHost
  /** Console errors and page errors seen during the test; asserted empty where it matters. */
  consoleErrors: string[]
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await startWebHost({ dataDir: tempDataDir() })
    await use(host)
    await host.stop()
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    await use(errors)
  },
})

/** Open the app at a host's ready URL and wait until it can be driven. */
export async function openApp(page: Page, host: Pick<RunningHost, 'url'>): Promise<void> {
  await page.goto(host.url)
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready')
}

/** Wait until the evaluation has succeeded; a failed one shows its error in the assertion. */
export async function untilEvaluationSucceeded(client: RpcClient, evaluationId: string, timeout: number) {
  await expect
    .poll(
      async () => {
        const { status, error } = await client.call('evaluations.get', { evaluationId })
        return { status, error }
      },
      { timeout },
    )
    .toEqual({ status: 'succeeded', error: null })
}
