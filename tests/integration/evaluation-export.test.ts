import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import { createRpcClient, type RpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { inProcessTransport } from '../../src-main/rpc/in-process'
import { type Engine } from '../../src-main/review-mode'
import { startTestApp } from '../fixtures/test-app'
import { startTestEngine, tampered } from '../fixtures/test-engine'

// An evaluation exports as one .wsbundle through the run bundles' own export (F20/F25): its decision
// runs with their artifacts, the evaluation row with its stored report, and its decisions with fills
// and outcomes. Imported into a review shell on another data folder (no gateway, no key), the report
// and decisions read back exactly; tampered evaluation rows are refused by name.

let app: App | null = null
let engine: Engine | null = null
afterEach(async () => {
  await app?.stop()
  await engine?.stop()
  app = null
  engine = null
})

const reviewShell = () => startTestEngine('review', 'evreview')

describe('evaluation export', () => {
  it('round-trips an evaluation through a bundle into the review library, offline', async () => {
    const started = await startTestApp()
    app = started.app
    const live: RpcClient = started.client
    const strategy = (await live.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const req = {
      strategyId: strategy.id,
      from: all[all.length - 60]!,
      to: all[all.length - 31]!,
      arms: [{ analyst: 'rules' as const }],
    }
    const { evaluationId } = await live.call('evaluations.start', req)
    await app.evaluations.drain()
    expect((await live.call('evaluations.get', { evaluationId })).status).toBe('succeeded')
    const report = await live.call('evaluations.report', { evaluationId })
    const decisions = await live.call('evaluations.decisions', { evaluationId, limit: 5000 })
    const runIds = [...new Set(decisions.map((d) => d.runId))]
    expect(decisions).toHaveLength(30)

    await expect(live.call('lineage.export', { selection: { evaluationId: 'nope' } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    const out = await live.call('lineage.export', { selection: { evaluationId } })
    expect(out.file).toMatch(/evaluation-[^/]+\.wsbundle$/)
    expect(out.runs).toBe(runIds.length)
    expect(out.artifacts).toBeGreaterThan(0)
    expect(out.missingArtifacts).toEqual([])
    await app.stop()
    app = null

    engine = await reviewShell()
    const review = createRpcClient(inProcessTransport(engine.rpc))
    expect(engine.app()).toBeNull()
    const lib = await review.call('lineage.import', { file: out.file })
    expect(lib.meta!.selection).toEqual({ evaluationId })
    expect(lib.meta!.counts).toMatchObject({ evaluations: 1, evaluationDecisions: 30, runs: runIds.length })

    const evaluations = await review.call('review.listEvaluations', { id: lib.id })
    expect(evaluations).toEqual([
      expect.objectContaining({ id: evaluationId, status: 'succeeded', from: req.from, to: req.to }),
    ])
    expect(await review.call('review.evaluationReport', { id: lib.id, evaluationId })).toEqual(report)
    expect(await review.call('review.evaluationDecisions', { id: lib.id, evaluationId, limit: 5000 })).toEqual(
      decisions,
    )
    expect(await review.call('review.evaluationDecisions', { id: lib.id, evaluationId, tradesOnly: true })).toEqual(
      decisions.filter((d) => d.r !== null),
    )
    await expect(review.call('review.evaluationReport', { id: lib.id, evaluationId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })

    // The library's timeline lists the decision runs (the live timeline hides eval runs unless asked).
    const listed = await review.call('review.listRuns', { id: lib.id, limit: 500 })
    expect(new Set(listed.map((r) => r.id))).toEqual(new Set(runIds))
    // Every decision opens its run, with its inputs (bars, prompt, answer) served from the bundle.
    const run = await review.call('review.getRun', { id: lib.id, runId: decisions[0]!.runId! })
    expect(run.trigger).toBe('eval')
    const bars = run.steps.find((s) => s.step === 'fetch_market_data')!.artifacts[0]!
    expect(await review.call('review.getArtifact', { id: lib.id, sha256: bars })).toMatchObject({ sha256: bars })

    // Tampered evaluation rows: refused, naming the table and row; nothing joins the library.
    const before = (await review.call('review.list', {})).length
    for (const [sql, message] of [
      [`UPDATE evaluations SET report = '{"id":"x"}'`, /evaluations row .* report does not have the report's shape/],
      [`UPDATE evaluations SET report = 'not json'`, /evaluations row .* report is not valid JSON/],
      [
        `UPDATE evaluation_decisions SET run_id = 'elsewhere' WHERE rowid = 1`,
        /evaluation_decisions row .* names a run the bundle does not hold/,
      ],
      [
        `UPDATE evaluation_decisions SET evaluation_id = 'other' WHERE rowid = 1`,
        /evaluation_decisions row other\/.* belongs to no evaluation in the bundle/,
      ],
      [`UPDATE evaluation_decisions SET targets = '[1, "x"]' WHERE rowid = 1`, /targets are not a list of prices/],
      [`UPDATE evaluation_decisions SET date = 'yesterday' WHERE rowid = 1`, /has a bad date/],
      [`ALTER TABLE evaluation_decisions ADD COLUMN extra TEXT`, /unknown column "evaluation_decisions.extra"/],
      [`CREATE TABLE evaluation_answers (key TEXT)`, /unknown table "evaluation_answers"/],
      [`DELETE FROM evaluation_decisions WHERE rowid = 1`, /evaluationDecisions: 29, expected 30/],
    ] as const)
      await expect(review.call('lineage.import', { file: tampered(out.file, sql) }), sql).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(message),
      })
    expect(await review.call('review.list', {})).toHaveLength(before)
  }, 240_000)
})
