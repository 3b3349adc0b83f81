// Evaluation lab through the real service on the simulator (EVALUATION.md §9, app-level targets):
// the rules analyst over five years of daily decisions with fills, self-tests and report; the
// look-ahead self-test on 20 dates (timed between the service's progress phases of a 20-session
// evaluation); a full one-year evaluation re-run from the cache (answers and bars stored) with its
// report; peak RSS of the whole process.
import { performance } from 'node:perf_hooks'
import { startBenchApp } from './bench-app'
import { decisionDates } from '../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../src-main/domain/runs/market-data'
import { round, writeResult } from './harness'

async function main() {
  const { app, client } = await startBenchApp('eval', { simSeed: 20261125, demoFirstRun: false })
  const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
  const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
  const end = all.length - 26
  const phases: { id: string; phase: string; at: number }[] = []
  client.on('evaluations.progress', (e) => {
    if (e.phase) phases.push({ id: e.evaluationId, phase: e.phase, at: performance.now() })
  })
  const started = new Map<string, number>()
  const evaluate = async (from: string, to: string) => {
    const t = performance.now()
    const { evaluationId } = await client.call('evaluations.start', {
      strategyId: strategy.id,
      from,
      to,
      arms: [{ analyst: 'rules' }],
    })
    started.set(evaluationId, t)
    await app.evaluations.drain()
    const ms = performance.now() - t
    const ev = await client.call('evaluations.get', { evaluationId })
    if (ev.status !== 'succeeded') throw new Error(`evaluation ${evaluationId} ${ev.status}: ${ev.error}`)
    const tr = performance.now()
    const report = await client.call('evaluations.report', { evaluationId })
    return { id: evaluationId, ms, reportReadMs: performance.now() - tr, report }
  }
  const phaseAt = (id: string, phase: string) => phases.find((p) => p.id === id && p.phase === phase)!.at
  const phaseMs = (id: string, a: string, b: string) => phaseAt(id, b) - phaseAt(id, a)

  // Five years of daily decisions (1,260 sessions), bars fetched from the simulator once.
  const five = await evaluate(all[end - 1259]!, all[end]!)
  // The look-ahead self-test of a 20-session evaluation checks exactly those 20 dates.
  const twenty = await evaluate(all[end - 19]!, all[end]!)
  if (twenty.report.lookahead.checked !== 20) throw new Error(`checked ${twenty.report.lookahead.checked} dates`)
  // One year: first run stores the answers; the re-run is answered from the cache.
  await evaluate(all[end - 251]!, all[end]!)
  const year = await evaluate(all[end - 251]!, all[end]!)
  await app.stop()
  const rssMb = process.resourceUsage().maxRSS / 1024
  const r = writeResult(
    'evaluation-app',
    'Evaluation lab through the real service on the simulator, rules analyst: five years of daily ' +
      'decisions with fills, self-tests and report; look-ahead self-test on 20 dates; one-year ' +
      're-run from the cache with its report; peak RSS of the process',
    {
      rules5yMs: round(five.ms),
      rules5yDecisions: five.report.arms[0]!.decisions,
      rules5yDecisionsMs: round(phaseAt(five.id, 'self-test') - started.get(five.id)!),
      rules5ySelfTestMs: round(phaseMs(five.id, 'self-test', 'report')),
      rules5ySelfTestDates: five.report.lookahead.checked,
      rules5yReportMs: round(five.ms - (phaseAt(five.id, 'report') - started.get(five.id)!)),
      lookahead20Ms: round(phaseMs(twenty.id, 'self-test', 'report')),
      yearFromCacheMs: round(year.ms),
      yearReportReadMs: round(year.reportReadMs),
      // Where the cached re-run's time goes: decisions recorded as runs, self-tests, report (no targets).
      yearDecisionsMs: round(phaseAt(year.id, 'self-test') - started.get(year.id)!),
      yearSelfTestMs: round(phaseMs(year.id, 'self-test', 'report')),
      yearSelfTestDates: year.report.lookahead.checked,
      yearReportMs: round(year.ms - (phaseAt(year.id, 'report') - started.get(year.id)!)),
      peakRssMb: round(rssMb, 1),
    },
    [
      { metric: 'rules5yMs', op: '<=', value: 15_000 },
      { metric: 'lookahead20Ms', op: '<=', value: 10_000 },
      { metric: 'yearFromCacheMs', op: '<=', value: 3_000 },
      { metric: 'peakRssMb', op: '<=', value: 300 },
    ],
  )
  console.log(JSON.stringify(r.metrics), r.pass ? 'PASS' : 'FAIL')
}

void main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
