import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openStore } from '../../src-main/store/db'
import { applyRetention, DAY_MS } from '../../src-main/store/retention'
import { connectRpc, ROOT, startWebHost, tempDataDir, type RunningHost } from '../fixtures/web-host'
import { expect, openApp, test, untilEvaluationSucceeded } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const iso = (t: number) => new Date(t).toISOString().slice(0, 10)

// An evaluation whose decision runs retention deleted: the report still lists every decision, says
// "run not kept" where the link would be broken, exports, and reads back offline the same way.

test('an evaluation whose runs retention deleted still reads, exports and reviews offline', async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000)
  const dataDir = tempDataDir()
  // A fixed market (the simulator's seed for this new data folder): the evaluation's data never depends on luck.
  let host: RunningHost | null = await startWebHost({ dataDir, args: ['--sim-seed', '20261125'] })
  try {
    const { client, ws } = await connectRpc(host.port, host.token)
    await expect
      .poll(async () => (await client.call('gateway.status', {})).state, { timeout: 15_000 })
      .toBe('authenticated')
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const { evaluationId } = await client.call('evaluations.start', {
      strategyId: strategy.id,
      from: iso(Date.now() - 70 * DAY_MS),
      to: iso(Date.now() - 50 * DAY_MS),
      arms: [{ analyst: 'rules' }],
    })
    await untilEvaluationSucceeded(client, evaluationId, 90_000)
    ws.terminate()
    await host.stop()
    host = null

    // Retention's own code on the stopped app's store, as its daily job would run it eight days on.
    const store = await openStore({
      file: join(dataDir, 'workstation.sqlite'),
      migrationsDir: join(ROOT, 'migrations'),
      backupDir: join(dataDir, 'backups'),
    })
    const swept = await applyRetention(
      store,
      dataDir,
      { keepRunsDays: 7, keepArtifactsDays: 1 },
      Date.now() + 8 * DAY_MS,
    )
    store.close()
    expect(swept.runsDeleted).toBeGreaterThan(0)

    host = await startWebHost({ dataDir })
    await openApp(page, host)
    await page.goto(`${new URL(page.url()).origin}/#/lab/${evaluationId}`)
    const rows = page.getByTestId('lab-decisions').locator('tbody tr')
    await expect(rows.first()).toContainText('run not kept')
    await expect(page.getByTestId('lab-runs-not-kept')).toContainText('were not kept')
    const count = await rows.count()
    expect(count).toBeGreaterThan(5)
    await page.getByTestId('export-bundle').click()
    await expect(page.getByTestId('export-result')).toContainText('0 run(s)', { timeout: 60_000 })
    const bundle = (await page.getByTestId('export-file').textContent())!

    await page.evaluate(() => (location.hash = '#/lineage'))
    await page.getByText('Type a path instead').click()
    await page.getByTestId('import-path').fill(bundle)
    await page.getByTestId('import-bundle').click()
    await expect(page).toHaveURL(/#\/lab\/review\/[0-9a-f]{24}$/, { timeout: 60_000 })
    const url = page.url()
    await expect(page.getByTestId('lab-report')).toContainText('read-only, from an imported bundle')
    const offline = page.getByTestId('lab-decisions').locator('tbody tr')
    await expect(offline).toHaveCount(count)
    await expect(offline.first()).toContainText('run not kept')
    await expect(page.getByTestId('lab-runs-not-kept')).toContainText(`of ${count} decisions were not kept`)
    await page.getByTestId('lab-runs-not-kept').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'evaluation-review-runs-not-kept.png') })
    // No broken link: a decision whose run is gone does not navigate.
    await offline.first().click()
    expect(page.url()).toBe(url)
    expect(consoleErrors).toEqual([])
  } finally {
    await host?.stop()
  }
})
