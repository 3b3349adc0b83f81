import { copyFileSync, mkdirSync, mkdtempSync, truncateSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { connectRpc } from '../fixtures/web-host'
import { expect, openApp, test } from './fixtures'

// Issue #9: importing a review bundle in the timeline shows progress with Cancel, and a refusal names
// what was refused (a VIEW here). The page authenticates with its session cookie alone: the token is
// gone from the address bar and artifact links carry none.

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })

test('import shows progress and cancel, and refuses a hostile bundle by name', async ({
  page,
  host,
  consoleErrors,
}) => {
  const { client, ws } = await connectRpc(host.port, host.token)
  await expect
    .poll(async () => (await client.call('gateway.status', {})).state, { timeout: 15_000 })
    .toBe('authenticated')
  const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
  const { runId } = await client.call('runs.start', { strategyId: strategy.id })
  await expect
    .poll(async () => (await client.call('lineage.getRun', { runId })).status, { timeout: 30_000 })
    .toBe('succeeded')
  const exported = await client.call('lineage.export', { selection: { runIds: [runId] } })
  const sha = (await client.call('lineage.getRun', { runId })).steps.flatMap((st) => st.artifacts)[0]!
  ws.terminate()

  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-e2e-import-'))
  const hostile = join(dir, 'hostile.wsbundle')
  const w = new Database(hostile)
  w.pragma('application_id = 1465074225') // 'WSB1'
  w.exec(`CREATE TABLE bundle_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE VIEW runs AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id FROM c`)
  w.close()
  // A valid bundle made large (SQLite ignores bytes past its last page): its import takes long enough to watch.
  const large = join(dir, 'large.wsbundle')
  copyFileSync(exported.file, large)
  truncateSync(large, statSync(large).size + 768 * 1024 * 1024)

  await openApp(page, host)
  expect(new URL(page.url()).searchParams.get('token')).toBeNull()
  // A link with no token: the session cookie authenticates it; the type comes from the allow-list.
  const artifact = await page.evaluate(async (s) => {
    const r = await fetch(`/artifacts/${s}`)
    return { status: r.status, csp: r.headers.get('content-security-policy') }
  }, sha)
  expect(artifact).toEqual({ status: 200, csp: "default-src 'none'; sandbox" })
  await page.getByTestId('nav-lineage').click()
  await page.getByText('Type a path instead').click()

  await page.getByTestId('import-path').fill(hostile)
  await page.getByTestId('import-bundle').click()
  await expect(page.getByTestId('import-error')).toHaveText(
    'hostile.wsbundle was refused: it defines a VIEW "runs". Nothing was added to the library.',
  )
  await page.screenshot({ path: join(SHOTS, 'import-refused.png') })

  await page.getByTestId('import-path').fill(large)
  await page.getByTestId('import-bundle').click()
  const progress = page.getByTestId('bundle-progress')
  await expect(progress).toContainText('Import: Reading the file')
  await page.screenshot({ path: join(SHOTS, 'import-progress.png') })
  await progress.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('import-error')).toHaveText('Import cancelled. Nothing was changed.')
  await expect(progress).toHaveCount(0)
  await page.screenshot({ path: join(SHOTS, 'import-cancelled.png') })
  expect(consoleErrors).toEqual([])
})
