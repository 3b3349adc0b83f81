import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CRASH_POINTS, type CrashPoint } from '../../src-main/crash-points'
import { inResetWindow } from '../../src-main/domain/risk/gate'
import { startSimGateway, type SimGateway } from '../../src-main/sim'
import { stream } from '../../src-main/sim/rng'
import { openStore } from '../../src-main/store/db'
import type { CoreAction, CoreCheck } from '../fixtures/crash-core'

// RELIABILITY.md T6: the trading core runs as a child process on a file database against a
// SimGateway in this process (so the broker outlives every crash). Each iteration kills it once:
// at one of the named crash points (IBKR_WS_CRASHPOINT, SIGKILL from inside), with a response in
// flight (the simulator holds the order POST and this test kills the child), in a loop of writes and
// checkpoints, or at a random moment of an order submission. The next start recovers and, before
// doing anything else, reports what it sees; every report is checked against the invariants:
// no order sent twice, nothing left unclear after two reconcile cycles, DB positions equal broker
// positions, integrity_check ok, the killed run aborted, every schedule fire recorded exactly once.
// The chain runs 200 kills in CI; `npm run soak` runs 2,000.

const ROOT = resolve(__dirname, '../..')
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 200)
const CONIDS = [265598, 272093, 756733, 4815747, 320227571]
/** The chain's strategy fires every this many minutes. */
const EVERY_MIN = 5
const CRON_EVERY_MS = EVERY_MIN * 60_000
const ORDERS_POST = '/iserver/account/{accountId}/orders'
type Kill = CrashPoint | 'awaiting-response' | 'mid-checkpoint' | 'random'
const KILLS: readonly Kill[] = [...CRASH_POINTS, 'awaiting-response', 'mid-checkpoint', 'random']

const ACTION: Record<Kill, CoreAction> = {
  'before-intent': 'bracket',
  'after-intent': 'bracket',
  'after-response': 'single',
  'during-reply': 'bracket',
  'during-fill-apply': 'fill',
  'during-reconcile': 'none',
  'mid-migration': 'none',
  'mid-backup': 'backup',
  'during-kill-switch-latch': 'kill-switch',
  'during-schedule-catch-up': 'none',
  'awaiting-response': 'single',
  'mid-checkpoint': 'checkpoint',
  random: 'bracket',
}

let sim: SimGateway
let bundle: string
beforeAll(async () => {
  sim = await startSimGateway({
    seed: 31,
    clock: 'virtual',
    calendar: 'always-open',
    rateLimit: { enabled: false },
    auth: { initial: 'authenticated', idleTimeoutMs: 365 * 86_400_000, dailyReset: null },
  })
  // One bundle for all the starts: loading the TypeScript sources afresh each time would cost ~1 s a start.
  bundle = join(ROOT, 'out', 'test', 'crash-core.cjs')
  await build({
    entryPoints: [join(ROOT, 'tests/fixtures/crash-core.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: bundle,
    logLevel: 'silent',
  })
})
afterAll(async () => sim?.close())

interface Start {
  dir: string
  action: CoreAction
  seq: number
  conid: number
  crashPoint: CrashPoint | null
  /** Kill from outside this many ms after the child says READY. */
  killAfterReadyMs: number | null
}

interface Ended {
  code: number | null
  signal: string | null
  check: CoreCheck | null
  stderr: string
}

function start(s: Start, onSpawn: (child: ChildProcess) => void): Promise<Ended> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [bundle], {
      cwd: ROOT,
      env: {
        ...process.env,
        SIM_ORIGIN: sim.origin,
        SIM_CERT: sim.cert!,
        CORE_DIR: s.dir,
        CORE_MIGRATIONS: join(ROOT, 'migrations'),
        CORE_NOW: String(sim.control.now()),
        CORE_ACTION: s.action,
        CORE_SEQ: String(s.seq),
        CORE_CONID: String(s.conid),
        CORE_EVERY_MIN: String(EVERY_MIN),
        IBKR_WS_CRASHPOINT: s.crashPoint ?? '',
      },
    })
    onSpawn(child)
    let check: CoreCheck | null = null
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('CHECK ')) check = JSON.parse(line.slice(6)) as CoreCheck
      else if (line === 'READY' && s.killAfterReadyMs !== null)
        setTimeout(() => child.kill('SIGKILL'), s.killAfterReadyMs)
      else if (line === 'ADVANCE') {
        sim.control.advance(60_000) // the marketable order fills on the next tick
        child.stdin!.write('go\n')
      } else if (line === 'SUBMITTED' && s.killAfterReadyMs === null) child.stdin!.write('go\n')
    })
    child.on('exit', (code, signal) => ok({ code, signal, check, stderr }))
  })
}

/** A database one migration behind, so the next start has a migration to be killed in. */
async function databaseOneMigrationBehind(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-crash-chain-'))
  const older = join(dir, 'older-migrations')
  cpSync(join(ROOT, 'migrations'), older, { recursive: true })
  const journalFile = join(older, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] }
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }))
  const store = await openStore({ file: join(dir, 'db.sqlite'), migrationsDir: older, backupDir: join(dir, 'backups') })
  store.close()
  return dir
}

function shuffled<T>(xs: readonly T[], rng: () => number): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const byConid = (xs: { conid: number; qty: number }[]) => Object.fromEntries(xs.map((p) => [p.conid, p.qty]))

describe('kill -9 of the trading core, then restart and reconcile (T6)', () => {
  it(
    `${ITERATIONS} kills at 12 named crash points and at random moments: no duplicate, nothing ` +
      `unclear, positions equal, integrity ok, the killed run aborted`,
    async () => {
      const rng = stream(6, 'crash-chain')
      const hits = new Map<Kill, number>(KILLS.map((k) => [k, 0]))
      let dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-crash-chain-'))
      let previous: Kill | null = null
      // What the kills since the last report on this database must have left behind.
      let abortedExpected = 0
      let latchExpected = false
      let synced = false
      let checks = 0
      let order: Kill[] = []

      const verify = (c: CoreCheck, at: string) => {
        checks++
        synced = true
        expect(c.integrity, at).toBe('ok')
        expect(
          c.orders.filter((o) => ['UNKNOWN', 'PENDING_SUBMIT', 'AWAITING_REPLY'].includes(o.status)),
          at,
        ).toEqual([])
        expect(byConid(c.local), at).toEqual(byConid(c.broker))
        // Exactly one POST per client order id, over the whole chain.
        const posted = sim.control
          .journal()
          .filter((j) => j.method === 'POST' && j.template === ORDERS_POST)
          .flatMap((j) => ((j.body as { orders?: { cOID: string }[] }).orders ?? []).map((o) => o.cOID))
        expect(posted.length - new Set(posted).size, at).toBe(0)
        expect(
          posted.filter((p) => p.endsWith('k')),
          `${at}: an order sent while the kill switch was latched`,
        ).toEqual([])
        // Runs: none left running; a run killed during catch-up ended aborted.
        expect(
          c.runs.filter((r) => r.status === 'running'),
          at,
        ).toEqual([])
        expect(c.runs.filter((r) => r.status === 'aborted').length, at).toBe(abortedExpected)
        // Every fire of the schedule since the strategy was created is recorded exactly once, and a
        // recorded run is a real run of that fire.
        const due: number[] = []
        for (
          let t = Math.floor(c.strategyCreatedAt / CRON_EVERY_MS + 1) * CRON_EVERY_MS;
          t <= c.now - 5_000;
          t += CRON_EVERY_MS
        )
          due.push(t)
        const recorded = c.fires.map((f) => f.scheduledFor).sort((a, b) => a - b)
        expect(
          recorded.filter((t) => t <= c.now - 5_000),
          at,
        ).toEqual(due)
        const runsByFire = new Map(c.runs.filter((r) => r.scheduledFor !== null).map((r) => [r.scheduledFor!, r.id]))
        for (const f of c.fires) if (f.outcome === 'RAN') expect(runsByFire.get(f.scheduledFor), at).toBe(f.runId)
        for (const [t, runId] of runsByFire) expect(c.fires.find((f) => f.scheduledFor === t)?.runId, at).toBe(runId)
        // The kill switch latched just before the crash survived it, and refused a risk-increasing order.
        expect(c.kill, at).toEqual(
          latchExpected ? { latchedAtStart: true, refused: true } : { latchedAtStart: false, refused: null },
        )
        latchExpected = false
        // A backup cut short is never listed as one; the newest complete backup passes quick_check.
        expect(c.backups.partials.length, at).toBeLessThanOrEqual(1)
        expect(c.backups.newestCheck ?? 'ok', at).toBe('ok')
      }

      for (let i = 1; i <= ITERATIONS; i++) {
        const draw = () => {
          if (order.length === 0) order = shuffled(KILLS, rng)
          return order.pop()!
        }
        let kill = draw()
        // A catch-up needs a schedule that has run before on this database: draw another kill first.
        if (kill === 'during-schedule-catch-up' && !synced) {
          const other = draw()
          order.push(kill)
          kill = other
        }
        if (kill === 'mid-migration') {
          dir = await databaseOneMigrationBehind()
          abortedExpected = 0
          latchExpected = false
          synced = false
        }
        const named = (CRASH_POINTS as readonly string[]).includes(kill) ? (kill as CrashPoint) : null
        const outside =
          kill === 'random' ? Math.floor(rng() * 40) : kill === 'mid-checkpoint' ? Math.floor(rng() * 30) : null
        const at = `iteration ${i} (after a kill at ${previous ?? 'nothing'}; now killing at ${kill})`
        let child: ChildProcess | null = null
        if (kill === 'awaiting-response')
          sim.control.fault({
            method: 'POST',
            path: ORDERS_POST,
            hold: rng() < 0.5 ? 'beforeCommit' : 'afterCommit',
            onHold: () => child?.kill('SIGKILL'),
          })
        const ended = await start(
          {
            dir,
            action: ACTION[kill],
            seq: i,
            conid: CONIDS[i % CONIDS.length]!,
            crashPoint: named,
            killAfterReadyMs: outside,
          },
          (c) => (child = c),
        )
        expect(ended.signal, `${at}: ${ended.stderr}`).toBe('SIGKILL')
        hits.set(kill, hits.get(kill)! + 1)
        if (ended.check) verify(ended.check, at)
        if (kill === 'during-schedule-catch-up') abortedExpected++
        if (kill === 'during-kill-switch-latch') latchExpected = true
        previous = kill
        sim.control.advance(7 * 60_000) // time passes: fills, schedule fires
        // Orders are rightly refused around IBKR's nightly reset and weekend maintenance: step over those.
        while (inResetWindow(sim.control.now()) || inResetWindow(sim.control.now() + 60_000))
          sim.control.advance(15 * 60_000)
      }

      // One last start that only recovers and reports.
      const last = await start(
        { dir, action: 'none', seq: ITERATIONS + 1, conid: CONIDS[0]!, crashPoint: null, killAfterReadyMs: null },
        () => undefined,
      )
      expect(last.code, last.stderr).toBe(0)
      verify(last.check!, 'after the last kill')
      expect(checks).toBeGreaterThan(ITERATIONS / 2)
      for (const k of KILLS) expect(hits.get(k), k).toBeGreaterThanOrEqual(Math.floor(ITERATIONS / KILLS.length))
    },
    1_800_000,
  )
})
