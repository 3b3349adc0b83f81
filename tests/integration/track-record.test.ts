import { sql } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import type { PromptContext } from '../../src-main/contract/prompts'
import { buySignalReply, holdDraft, askedAbout } from '../fixtures/buy-signal'
import { completion } from '../fixtures/fake-openai'
import { useAppWithFakeModel } from '../fixtures/model-app'

// The prompt context shows the model its own record (LLM.md `previous_analyses`, `position.stop`), filled
// from the recorded data of a real store: the R of each earlier signal's trade once it has closed (never
// a later outcome), and the open position's working stop from its bracket's stop leg.

const t = useAppWithFakeModel({ apiKey: 'sk-test', reconciled: true })

/** Run the strategy once, the model answering HOLD; returns the recorded context and the prompt it read. */
async function holdRun(strategyId: string) {
  let prompt = ''
  t.llm.reply((body) => {
    const asked = askedAbout(body)
    prompt = asked.text
    return { body: completion(JSON.stringify(holdDraft(asked.symbol, asked.asOf))) }
  })
  const { runId } = await t.client.call('runs.start', { strategyId })
  await t.app.executor.drain()
  const run = await t.client.call('lineage.getRun', { runId })
  const input = run.steps.find((s) => s.step === 'llm_analysis')!.input as { context: PromptContext }
  return { context: input.context, prompt }
}

describe('the track record in the prompt context (live)', () => {
  it('carries the open position stop and each earlier signal R once its trade closed, as of the run', async () => {
    const spy = (await t.client.call('strategies.list', {})).find((s) => s.mode === 'paper' && s.approval === 'auto')!
    t.llm.reply(buySignalReply)
    const { runId } = await t.client.call('runs.start', { strategyId: spy.id })
    await t.app.executor.drain()
    const orders = await t.client.call('orders.list', { runId })
    const parent = orders.find((o) => o.leg === 'parent')!
    const stopLeg = orders.find((o) => o.leg === 'stop')!
    await vi.waitFor(
      async () => {
        await t.app.trading.orders.refresh()
        expect((await t.client.call('orders.list', { runId })).find((o) => o.id === parent.id)!.status).toBe('FILLED')
      },
      { timeout: 15_000, interval: 250 },
    )
    await vi.waitFor(
      async () => expect((await t.client.call('portfolio.trades', {})).some((t) => t.runId === runId)).toBe(true),
      { timeout: 10_000, interval: 100 },
    )

    // The position is open: its stop is the bracket's working stop; the BUY is listed with no R yet.
    const open = await holdRun(spy.id)
    expect(open.context.position.side).toBe('long')
    expect(open.context.position.stop).toBe(stopLeg.auxPrice)
    expect(stopLeg.auxPrice).toBeGreaterThan(0)
    const first = open.context.previous_analyses.find((p) => p.action === 'BUY')!
    expect(first).toMatchObject({ r_multiple: null })

    // The trade closes later than the next run: still no R for that run (nothing after its instant).
    const db = t.app.store.db
    const future = Date.now() + 86_400_000
    db.run(sql`UPDATE trades SET closed_at = ${future}, exit_price = '1', r_multiple = 1.75 WHERE run_id = ${runId}`)
    expect((await holdRun(spy.id)).context.previous_analyses.find((p) => p.action === 'BUY')!.r_multiple).toBeNull()

    // Closed before the run: its realised R reaches the context and the rendered prompt.
    db.run(sql`UPDATE trades SET closed_at = ${Date.now() - 1000} WHERE run_id = ${runId}`)
    const closed = await holdRun(spy.id)
    const buy = closed.context.previous_analyses.find((p) => p.action === 'BUY')!
    expect(buy.r_multiple).toBe(1.75)
    expect(closed.prompt).toContain(`${buy.date} BUY (1.75 R)`)
    // HOLDs led to no trade: no R. Newest first, at most five.
    expect(closed.context.previous_analyses[0]!.action).toBe('HOLD')
    expect(closed.context.previous_analyses[0]!.r_multiple).toBeNull()
    expect(closed.context.previous_analyses.length).toBeLessThanOrEqual(5)
  }, 90_000)
})
