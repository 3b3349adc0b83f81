// Evaluation lab in the product's engine process (EVALUATION.md §9, app-level targets): the built web host as
// `npm run web` starts it (its node flags included; built-in simulator with seed 20261125, fresh data folder,
// no demo first run), driven over the host's WebSocket RPC as the UI drives it. Workload: the rules analyst
// over five years of daily decisions with fills, self-tests and report; the look-ahead self-test on 20 dates
// (timed between the service's progress phases of a 20-session evaluation); a full one-year evaluation re-run
// from the cache (answers and bars stored) with its report. Times are taken here, from the start call to the
// evaluation's final progress event, so they include the WebSocket round trips; phases are split by the
// `evaluations.progress` events. Memory is the host's alone (this process, tsx and the chart browser are not
// in it): its resident set after start-up (VmRSS) and its peak (VmHWM) read before it stops, with the phase
// in which that peak was reached (VmHWM read at every phase change).
import { rmSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { EventData } from '../src-main/contract/events'
import { decisionDates } from '../src-main/domain/evaluation/calendar'
import { lastClosedSession } from '../src-main/domain/runs/market-data'
import { connectRpc, startWebHost, tempDataDir } from '../tests/fixtures/web-host'
import { residentMb, round, webScriptNodeFlags, writeResult } from './harness'

const SIM_SEED = 20261125

async function main() {
  // IBKR_WS_EVAL_FLAGS tries other host node flags (space-separated) instead of npm run web's.
  const flags =
    process.env.IBKR_WS_EVAL_FLAGS !== undefined
      ? process.env.IBKR_WS_EVAL_FLAGS.split(/\s+/).filter(Boolean)
      : webScriptNodeFlags()
  console.log(`[evaluation-app] host flags: ${flags.join(' ') || '(none)'}`)
  // startWebHost keeps the demo's first run off (IBKR_WS_DEMO_FIRST_RUN=0).
  const dataDir = tempDataDir()
  const host = await startWebHost({ dataDir, nodeArgs: flags, args: ['--sim-seed', String(SIM_SEED)] })
  const pid = host.proc.pid!
  const gone = new Promise<never>((_, fail) =>
    host.proc.once('exit', (code) => fail(new Error(`web host exited (${code}):\n${host.stderr()}`))),
  )
  gone.catch(() => {})
  const { client, ws } = await connectRpc(host.port, host.token)

  // Where the host's peak was reached: VmHWM only grows, so the phase during which it last grew holds the peak.
  let phaseNow = 'start-up'
  let peakPhase = phaseNow
  let hwm = 0
  // The resident set sampled every 100 ms (one small /proc read) gives each phase's own high (it may stay
  // under an earlier phase's peak), printed as the phase ends.
  let phaseMax = 0
  const sampler = setInterval(() => {
    try {
      phaseMax = Math.max(phaseMax, residentMb(pid).rss)
    } catch {
      // the host ended; the wait below reports why
    }
  }, 100)
  const enter = (next: string) => {
    const m = residentMb(pid)
    const high = Math.max(phaseMax, m.rss)
    console.log(
      `[evaluation-app] ${phaseNow}: rss at end ${round(m.rss, 1)} MB, ` +
        `high ${round(high, 1)} MB, process peak so far ${round(m.peak, 1)} MB`,
    )
    // (The kernel's per-thread RSS counters make VmHWM wobble by a few pages; the highest reading counts.)
    if (m.peak > hwm) {
      peakPhase = phaseNow
      hwm = m.peak
    }
    phaseMax = 0
    phaseNow = next
  }

  const phases: { id: string; phase: string; at: number }[] = []
  const finished = new Map<string, () => void>()
  const ended = new Set<string>()
  const stage = new Map<string, string>()
  client.on('evaluations.progress', (e: EventData<'evaluations.progress'>) => {
    if (e.phase) {
      phases.push({ id: e.evaluationId, phase: e.phase, at: performance.now() })
      enter(`${stage.get(e.evaluationId) ?? e.evaluationId} ${e.phase}`)
    }
    if (e.status === 'running') return
    const w = finished.get(e.evaluationId)
    if (w) w()
    else ended.add(e.evaluationId)
  })
  while ((await Promise.race([client.call('system.health', {}), gone])).gateway.state !== 'authenticated')
    await new Promise((r) => setTimeout(r, 50))
  const start = residentMb(pid)
  const strategy = (await client.call('strategies.list', {})).find((s) => s.mode === 'dry-run')!
  const all = decisionDates('2000-01-03', lastClosedSession(Date.now()))
  const end = all.length - 26
  const started = new Map<string, number>()

  const evaluate = async (name: string, from: string, to: string) => {
    enter(`${name} decisions`)
    const t = performance.now()
    const { evaluationId } = await client.call('evaluations.start', {
      strategyId: strategy.id,
      from,
      to,
      arms: [{ analyst: 'rules' }],
    })
    started.set(evaluationId, t)
    stage.set(evaluationId, name)
    if (!ended.has(evaluationId)) await Promise.race([new Promise<void>((ok) => finished.set(evaluationId, ok)), gone])
    const ms = performance.now() - t
    enter(`${name} read`)
    const ev = await client.call('evaluations.get', { evaluationId })
    if (ev.status !== 'succeeded') throw new Error(`evaluation ${evaluationId} ${ev.status}: ${ev.error}`)
    const tr = performance.now()
    const report = await client.call('evaluations.report', { evaluationId })
    return { id: evaluationId, ms, reportReadMs: performance.now() - tr, report }
  }
  const phaseAt = (id: string, phase: string) => phases.find((p) => p.id === id && p.phase === phase)!.at
  const phaseMs = (id: string, a: string, b: string) => phaseAt(id, b) - phaseAt(id, a)

  // Five years of daily decisions (1,260 sessions), bars fetched from the simulator once.
  const five = await evaluate('rules5y', all[end - 1259]!, all[end]!)
  // The look-ahead self-test of a 20-session evaluation checks exactly those 20 dates.
  const twenty = await evaluate('lookahead20', all[end - 19]!, all[end]!)
  if (twenty.report.lookahead.checked !== 20) throw new Error(`checked ${twenty.report.lookahead.checked} dates`)
  // One year: first run stores the answers; the re-run is answered from the cache.
  await evaluate('year', all[end - 251]!, all[end]!)
  const year = await evaluate('yearFromCache', all[end - 251]!, all[end]!)
  enter('stop')
  clearInterval(sampler)
  const peakRssMb = hwm
  ws.close()
  await host.stop()
  // Its evaluations leave about half a gigabyte of artifacts behind.
  rmSync(dataDir, { recursive: true, force: true })

  const r = writeResult(
    'evaluation-app',
    'Evaluation lab in the web host (npm run web flags) over its WebSocket RPC, simulator, rules analyst: ' +
      'five years of daily decisions with fills, self-tests and report; look-ahead self-test on 20 dates; ' +
      'one-year re-run from the cache with its report; the host process resident set after start-up and at peak',
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
      // The host's baseline once the simulator session is up (no target), and its peak over the whole bench.
      startRssMb: round(start.rss, 1),
      startPeakRssMb: round(start.peak, 1),
      peakRssMb: round(peakRssMb, 1),
    },
    [
      { metric: 'rules5yMs', op: '<=', value: 15_000 },
      { metric: 'lookahead20Ms', op: '<=', value: 10_000 },
      { metric: 'yearFromCacheMs', op: '<=', value: 3_000 },
      { metric: 'peakRssMb', op: '<=', value: 300 },
    ],
    { peakPhase },
  )
  console.log(JSON.stringify(r.metrics), `peak in ${peakPhase}`, r.pass ? 'PASS' : 'FAIL')
}

void main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
