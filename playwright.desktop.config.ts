import { defineConfig } from '@playwright/test'

// The desktop smoke test (`npm run test:desktop`): the real Electron app through Playwright's
// _electron launcher. Separate from playwright.config.ts (tests/e2e, Chromium), so `npm test` never
// runs it; scripts/test-desktop.mjs wraps it in xvfb-run on Linux and skips without the binary.
export default defineConfig({
  testDir: 'tests/desktop',
  outputDir: 'test-results/desktop',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    ['json', { outputFile: 'reports/desktop.json' }],
    ['html', { open: 'never', outputFolder: 'playwright-report/desktop' }],
  ],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
})
