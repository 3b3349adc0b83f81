import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { askedAbout, buySignalReply, holdDraft } from '../fixtures/buy-signal'
import { completion, startFakeOpenAI } from '../fixtures/fake-openai'
import { connectRpc, startWebHost, tempDataDir } from '../fixtures/web-host'
import { expect, openApp, test, untilEvaluationSucceeded } from './fixtures'

const SHOTS = join(__dirname, '..', '..', 'reports', 'screenshots')
mkdirSync(SHOTS, { recursive: true })
const FROM = '2026-08-03'
const TO = '2026-08-28'

// A language-model arm against the rules analyst (EVALUATION.md §5): the model's repeat calls on a
// sampled date disagree with its first answer, so the A/B panel shows a measured floor beside mean R
// and κ, and "—" where the sample measured nothing (no date had two calls reaching target or stop).

test('the A/B panel shows each paired statistic beside its repeat-call noise floor', async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000)
  const llm = await startFakeOpenAI()
  // The first answer for a date is HOLD, the second (a repeat) a BUY, the third HOLD again.
  const asked: string[] = []
  for (let k = 0; k < 40; k++)
    llm.reply((body) => {
      const a = askedAbout(body)
      const n = asked.filter((x) => x === a.asOf).length
      asked.push(a.asOf)
      return n === 1 ? buySignalReply(body) : { body: completion(JSON.stringify(holdDraft(a.symbol, a.asOf))) }
    })
  // A fixed market (the simulator's seed for this new data folder) and fixed sessions: the rules arm's trades,
  // and so the paired differences, never depend on luck or on the day the test runs.
  const host = await startWebHost({
    dataDir: tempDataDir(),
    args: ['--sim-seed', '20261125'],
    env: { OPENAI_API_KEY: 'sk-e2e', OPENAI_BASE_URL: llm.baseURL },
  })
  try {
    const { client, ws } = await connectRpc(host.port, host.token)
    await expect
      .poll(async () => (await client.call('gateway.status', {})).state, { timeout: 15_000 })
      .toBe('authenticated')
    const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const { evaluationId } = await client.call('evaluations.start', {
      strategyId: strategy.id,
      from: FROM,
      to: TO,
      arms: [{ analyst: 'llm' }, { analyst: 'rules' }],
      budgetUsd: 5,
    })
    await untilEvaluationSucceeded(client, evaluationId, 120_000)
    ws.terminate()
    expect(asked.length).toBeGreaterThan(new Set(asked).size)

    await openApp(page, host)
    await page.goto(`${new URL(page.url()).origin}/#/lab/${evaluationId}`)
    const ab = page.getByTestId('lab-ab')
    await expect(ab).toContainText('mean R net, paired by date')
    await expect(ab).toContainText(/repeat-call noise floor ±\d+\.\d{3} R/)
    const rows = page.getByTestId('lab-ab-noise').locator('tbody tr')
    await expect(rows).toHaveCount(4)
    const floor = (k: number) => rows.nth(k).locator('td').nth(3)
    await expect(rows.nth(0)).toContainText('mean R net (declared)')
    await expect(floor(0)).toHaveText(/^±\d+\.\d{3} R$/)
    await expect(rows.nth(0).locator('td').nth(4)).toHaveText(/^(within|beyond) noise$/)
    // Each sampled date had one call that reached an outcome at most: hit and Brier unmeasured.
    await expect(floor(1)).toHaveText('—')
    await expect(floor(2)).toHaveText('—')
    // κ needs both arms to vary: the model's first answers are all HOLD, so it exists only if the
    // rules analyst did not hold on every date; then its floor is measured like the others.
    const kappa = await rows.nth(3).locator('td').nth(2).textContent()
    await expect(floor(3)).toHaveText(kappa === '—' ? '—' : /^±\d+\.\d{2}$/)
    await expect(ab).toContainText('— : not measured')
    await ab.screenshot({ path: join(SHOTS, 'evaluation-ab-noise.png') })
    expect(consoleErrors).toEqual([])
  } finally {
    await host.stop()
    await llm.close()
  }
})
