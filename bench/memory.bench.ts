// Engine memory (issue #10 item 7): the web host as `npm run web` starts it (its node flags included) on a fresh data
// folder with the simulator, both demo strategies run back to back through the real pipeline (rules
// analyst, chart captures in Chromium, every step recorded), driven over the host's WebSocket RPC as
// the UI drives it. A preload (the node flags below, nothing in the product) forces a full GC before
// each reading, so the figures are retained memory, not garbage waiting for the collector.
//
// IBKR_WS_MEMORY_RUNS (default 200) runs, IBKR_WS_MEMORY_WARMUP (default 100) of them warm-up;
// `npm run soak` runs the issue's 1,000. IBKR_WS_MEMORY_SNAPSHOTS=<dir> writes a heap snapshot at
// each reading (summarise one with `tsx bench/heap-summary.ts <file>`).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { connectRpc, startWebHost, tempDataDir } from '../tests/fixtures/web-host'
import { round, webScriptNodeFlags, writeResult } from './harness'

const RUNS = Number(process.env.IBKR_WS_MEMORY_RUNS ?? 200)
const WARMUP = Math.min(RUNS, Number(process.env.IBKR_WS_MEMORY_WARMUP ?? 100))
const SNAPSHOTS = process.env.IBKR_WS_MEMORY_SNAPSHOTS ?? ''
const MB = 1024 * 1024

// Runs inside the host: on 'probe' two full collections, a moment for V8 to hand freed pages back, then the
// process's own figures and its resident split from /proc in the same instant; on a path, a heap snapshot
// written there (V8 collects garbage before it walks the heap).
const PROBE = `
import v8 from 'node:v8'
import { readFileSync } from 'node:fs'
process.channel?.unref()
const kb = (s, k) => Number(new RegExp('^' + k + ':\\\\s+(\\\\d+) kB', 'm').exec(s)?.[1] ?? 0) * 1024
process.on('message', (m) => {
  if (m !== 'probe') return process.send({ snapshot: v8.writeHeapSnapshot(m) })
  globalThis.gc()
  globalThis.gc()
  setTimeout(() => {
    const u = process.memoryUsage()
    const s = readFileSync('/proc/self/status', 'utf8')
    const rss = kb(s, 'VmRSS')
    process.send({ probe: { ...u, rss, anon: kb(s, 'RssAnon'), file: kb(s, 'RssFile') + kb(s, 'RssShmem') } })
  }, 250)
})`

interface Usage {
  rss: number
  anon: number
  file: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}

/** Proportional set size of every process below `pid` (the chart-capture Chromium and its helpers), in bytes. */
function descendantsPss(pid: number): { pss: number; processes: number } {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
    } catch {
      // the process ended while we looked
    }
  }
  let pss = 0
  let processes = 0
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      try {
        const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${c}/smaps_rollup`, 'utf8'))
        pss += Number(kb?.[1] ?? 0) * 1024
        processes++
      } catch {
        // ended
      }
      walk(c)
    }
  }
  walk(pid)
  return { pss, processes }
}

// IBKR_WS_MEMORY_FLAGS tries other host flags (space-separated) instead of npm run web's.
const FLAGS =
  process.env.IBKR_WS_MEMORY_FLAGS !== undefined
    ? process.env.IBKR_WS_MEMORY_FLAGS.split(/\s+/).filter(Boolean)
    : webScriptNodeFlags()

async function main() {
  console.log(`[memory] host flags: ${FLAGS.join(' ') || '(none)'}`)
  const host = await startWebHost({
    dataDir: tempDataDir(),
    nodeArgs: [...FLAGS, '--expose-gc', '--import', `data:text/javascript,${encodeURIComponent(PROBE)}`],
    ipc: true,
  })
  const proc = host.proc
  const ask = <T>(msg: string, key: string): Promise<T> =>
    new Promise((ok) => {
      const h = (m: Record<string, T>) => {
        if (!(key in m)) return
        proc.off('message', h)
        ok(m[key]!)
      }
      proc.on('message', h)
      proc.send(msg)
    })
  const reading = async (label: string, runs: number) => {
    if (SNAPSHOTS)
      console.log(`[memory] heap snapshot ${await ask<string>(join(SNAPSHOTS, `${label}.heapsnapshot`), 'snapshot')}`)
    const u = await ask<Usage>('probe', 'probe')
    const browser = descendantsPss(proc.pid!)
    const r = { label, runs, ...u, browserPss: browser.pss, browserProcesses: browser.processes }
    const mb = (n: number) => `${round(n / MB, 1)} MB`
    console.log(
      `[memory] ${label} (${runs} runs): rss ${mb(u.rss)} (anon ${mb(u.anon)}, file ${mb(u.file)}), ` +
        `heapUsed ${mb(u.heapUsed)} of ${mb(u.heapTotal)}, external ${mb(u.external)}, ` +
        `chart browser ${mb(browser.pss)} PSS in ${browser.processes} processes`,
    )
    return r
  }

  const { client, ws } = await connectRpc(host.port, host.token)
  const ended = new Map<string, string>()
  const waiters = new Map<string, (status: string) => void>()
  client.on('lineage.runUpdated', (r) => {
    if (r.status === 'running') return
    const w = waiters.get(r.id)
    if (w) w(r.status)
    else ended.set(r.id, r.status)
  })
  // What the dashboard listens to, so the host's per-socket queues carry what they carry for a user.
  for (const ev of ['lineage.stepRecorded', 'db.changed', 'orders.changed', 'portfolio.changed'] as const)
    client.on(ev, () => {})
  while ((await client.call('system.health', {})).gateway.state !== 'authenticated')
    await new Promise((r) => setTimeout(r, 50))
  const strategies = await client.call('strategies.list', {})
  if (strategies.length < 2) throw new Error(`expected both demo strategies, found ${strategies.length}`)
  const statuses = new Map<string, number>()
  const runOnce = async (i: number) => {
    const { runId } = await client.call('runs.start', { strategyId: strategies[i % strategies.length]!.id })
    const status =
      ended.get(runId) ??
      (await new Promise<string>((ok) => waiters.set(runId, ok)).finally(() => waiters.delete(runId)))
    ended.delete(runId)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
  }

  const start = await reading('start', 0)
  let i = 0
  for (; i < WARMUP; i++) await runOnce(i)
  const warm = await reading('warm', i)
  for (; i < RUNS; i++) {
    await runOnce(i)
    if ((i + 1) % 100 === 0 && i + 1 < RUNS) await reading('progress', i + 1)
  }
  const end = await reading('end', i)
  ws.close()
  await host.stop()
  console.log(`[memory] run outcomes: ${JSON.stringify(Object.fromEntries(statuses))}`)
  if ((statuses.get('succeeded') ?? 0) < RUNS * 0.9) throw new Error('fewer than 90 % of the runs succeeded')

  const afterWarm = RUNS - WARMUP
  // RSS growth is measured, not extrapolated (the allocator settles in steps); the heap after a full GC is
  // exact, so its growth per run, scaled to 1,000 runs, catches a leak the short window would hide.
  const r = writeResult(
    'memory',
    `web host engine after ${RUNS} demo runs (both demo strategies, Chromium captures), full GC before each ` +
      `reading; growth from run ${WARMUP} to ${RUNS}; chart browser PSS summed over its processes`,
    {
      runs: RUNS,
      startRssMb: start.rss / MB,
      warmRssMb: warm.rss / MB,
      endRssMb: end.rss / MB,
      endHeapUsedMb: end.heapUsed / MB,
      endHeapTotalMb: end.heapTotal / MB,
      rssGrowthAfterWarmupMb: (end.rss - warm.rss) / MB,
      heapGrowthPer1000RunsMb: afterWarm > 0 ? ((end.heapUsed - warm.heapUsed) / afterWarm / MB) * 1000 : 0,
      chartBrowserPssMb: end.browserPss / MB,
    },
    [
      { metric: 'endRssMb', op: '<=', value: 200 },
      { metric: 'rssGrowthAfterWarmupMb', op: '<=', value: 20 },
      { metric: 'heapGrowthPer1000RunsMb', op: '<=', value: 20 },
    ],
  )
  console.log(JSON.stringify(r.metrics))
  if (!r.pass) process.exitCode = 1
}

if (require.main === module)
  void main().catch((e: unknown) => {
    console.error(e)
    process.exit(1)
  })
