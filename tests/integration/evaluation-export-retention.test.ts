import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../../src-main/app'
import { createRpcClient } from '../../src-main/contract/client'
import { decisionDates } from '../../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../../src-main/domain/runs/market-data'
import { inProcessTransport } from '../../src-main/rpc/in-process'
import { type Engine } from '../../src-main/review-mode'
import { DAY_MS } from '../../src-main/store/retention'
import { startTestApp } from '../fixtures/test-app'
import { startTestEngine, tampered } from '../fixtures/test-engine'

// An evaluation whose decision runs retention deleted still exports (F21/F25): its row, its stored
// report and every decision, each keeping its run id; the bundle's meta lists those runs as not kept,
// and the import takes their absence as a fact, not as damage. A bundle that drops a run without
// saying so is still refused. Bundles with an evaluation are format 2; format 1 ones still import;
// a newer format is refused with "update this app", before its unknown tables are looked at.

let app: App | null = null
let engine: Engine | null = null
afterEach(async () => {
  await app?.stop()
  await engine?.stop()
  app = null
  engine = null
})

const reviewShell = () => startTestEngine('review', 'evkept')

describe('an evaluation whose runs retention deleted', () => {
  it('exports its row, report and decisions, lists the runs as not kept, and reads back offline', async () => {
    let clock = Date.now()
    const started = await startTestApp({ now: () => clock })
    app = started.app
    const live = started.client
    const strategy = (await live.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
    const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
    const req = {
      strategyId: strategy.id,
      from: all[all.length - 40]!,
      to: all[all.length - 31]!,
      arms: [{ analyst: 'rules' as const }],
    }
    const { evaluationId } = await live.call('evaluations.start', req)
    await app.evaluations.drain()
    expect((await live.call('evaluations.get', { evaluationId })).status).toBe('succeeded')
    const report = await live.call('evaluations.report', { evaluationId })
    const before = await live.call('evaluations.decisions', { evaluationId, limit: 5000 })
    expect(before).toHaveLength(10)
    expect(before.every((d) => d.runId !== null && d.runKept === true)).toBe(true)
    const runIds = [...new Set(before.map((d) => d.runId!))].sort()

    // Retention, through its own method, on the app's clock eight days later with a 7-day window.
    await live.call('retention.set', { policy: { keepRunsDays: 7, keepArtifactsDays: 1 } })
    clock += 8 * DAY_MS
    const swept = await live.call('retention.run', {})
    expect(swept.runsDeleted).toBeGreaterThanOrEqual(runIds.length)
    await expect(live.call('lineage.getRun', { runId: runIds[0]! })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    // The live decisions keep their run ids and say the runs are gone.
    const after = await live.call('evaluations.decisions', { evaluationId, limit: 5000 })
    expect(after).toEqual(before.map((d) => ({ ...d, runKept: false })))

    const out = await live.call('lineage.export', { selection: { evaluationId } })
    expect(out).toMatchObject({ runs: 0, steps: 0, artifacts: 0, missingArtifacts: [] })
    await app.stop()
    app = null

    engine = await reviewShell()
    const review = createRpcClient(inProcessTransport(engine.rpc))
    const lib = await review.call('lineage.import', { file: out.file })
    expect(lib.meta).toMatchObject({
      formatVersion: 2,
      selection: { evaluationId },
      missingRuns: runIds,
      counts: { evaluations: 1, evaluationDecisions: 10, runs: 0 },
    })
    expect(await review.call('review.listEvaluations', { id: lib.id })).toEqual([
      expect.objectContaining({ id: evaluationId, status: 'succeeded', from: req.from, to: req.to }),
    ])
    expect(await review.call('review.evaluationReport', { id: lib.id, evaluationId })).toEqual(report)
    expect(await review.call('review.evaluationDecisions', { id: lib.id, evaluationId, limit: 5000 })).toEqual(after)
    expect(await review.call('review.listRuns', { id: lib.id, limit: 500 })).toEqual([])
    await expect(review.call('review.getRun', { id: lib.id, runId: runIds[0]! })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })

    // Hostility checks stay: a run the meta does not list as not kept must be in the file.
    const count = (await review.call('review.list', {})).length
    const unlisted = `UPDATE bundle_meta SET value = json_remove(value, '$[0]') WHERE key = 'missingRuns'`
    const noList = `DELETE FROM bundle_meta WHERE key = 'missingRuns'`
    for (const sql of [unlisted, noList])
      await expect(review.call('lineage.import', { file: tampered(out.file, sql) }), sql).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(/evaluation_decisions row .* names a run the bundle does not hold/),
      })
    // A newer format is refused as such, even with a table this app does not know.
    const newer = tampered(
      out.file,
      `UPDATE bundle_meta SET value = '3' WHERE key = 'formatVersion'`,
      'CREATE TABLE evaluation_notes (id TEXT)',
    )
    await expect(review.call('lineage.import', { file: newer })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message:
        'evaluation.wsbundle uses bundle format 3; this app reads formats 1 to 2. It was written by a newer ' +
        'version: update this app to open it.',
    })
    expect(await review.call('review.list', {})).toHaveLength(count)

    // An evaluation bundle written before format 2 said 1: it still imports.
    const v1 = tampered(out.file, `UPDATE bundle_meta SET value = '1' WHERE key = 'formatVersion'`)
    const old = await review.call('lineage.import', { file: v1 })
    expect(old.meta).toMatchObject({ formatVersion: 1, selection: { evaluationId } })
    expect(await review.call('review.evaluationReport', { id: old.id, evaluationId })).toEqual(report)
  }, 240_000)
})
