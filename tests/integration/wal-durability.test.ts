import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, statSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { stream } from '../../src-main/sim/rng'
import { openStore } from '../../src-main/store/db'

// RELIABILITY.md T7: kill during writes and a torn WAL tail. A child process commits one row per
// transaction (WAL, synchronous FULL, as the app opens its database) and is SIGKILLed at a random
// moment; then the database must open, pass quick_check, and hold every row whose COMMIT had
// returned. Then the -wal is cut at random offsets (a torn tail, lost last frames): the database
// still opens, passes quick_check, and holds a gap-free prefix of whole transactions.
// IBKR_WS_T7_KILLS / IBKR_WS_T7_CUTS raise the counts for npm run soak.

const ROOT = resolve(__dirname, '../..')
const MIGRATIONS = join(ROOT, 'migrations')
const KILLS = Number(process.env.IBKR_WS_T7_KILLS ?? 4)
const CUTS = Number(process.env.IBKR_WS_T7_CUTS ?? 12)
let writer: string

beforeAll(async () => {
  writer = join(ROOT, 'out', 'test', 'wal-writer.cjs')
  await build({
    entryPoints: [join(ROOT, 'tests/fixtures/wal-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: writer,
    logLevel: 'silent',
  })
})

/** Run the writer until it has reported `after` commits plus a random extra, then SIGKILL it. */
function writeThenKill(dir: string, after: number): Promise<number[]> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [writer, dir, MIGRATIONS], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const committed: number[] = []
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'READY') return
      committed.push(Number(line))
      if (committed.length === after) child.kill('SIGKILL')
    })
    child.once('exit', (_code, signal) =>
      signal === 'SIGKILL' ? ok(committed) : fail(new Error(`writer exited without being killed: ${stderr}`)),
    )
  })
}

async function rowsOf(dir: string): Promise<number[]> {
  const store = await openStore({
    file: join(dir, 'workstation.sqlite'),
    migrationsDir: MIGRATIONS,
    backupDir: join(dir, 'b'),
  })
  try {
    expect(store.sqlite.pragma('quick_check', { simple: true })).toBe('ok')
    return store.sqlite.prepare(`SELECT at FROM audit_log WHERE action = 't7' ORDER BY id`).pluck().all() as number[]
  } finally {
    store.close()
  }
}

describe('T7: kill during writes, torn WAL tail', () => {
  it('never loses a committed row when killed mid-write, and opens with quick_check ok', async () => {
    const rnd = stream(7007, 'kills')
    for (let k = 0; k < KILLS; k++) {
      const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-t7-'))
      const committed = await writeThenKill(dir, 50 + Math.floor(rnd() * 400))
      const rows = await rowsOf(dir)
      // Every row whose COMMIT returned is there (and perhaps the one in flight at the kill).
      expect(rows.slice(0, committed.length)).toEqual(committed.map((_, i) => i + 1))
      expect(rows.length - committed.length).toBeLessThanOrEqual(1)
    }
  }, 120_000)

  it('opens after the -wal is cut at random offsets, keeping a gap-free prefix of whole transactions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-t7-wal-'))
    const committed = await writeThenKill(dir, 600)
    const db = join(dir, 'workstation.sqlite')
    expect(existsSync(`${db}-wal`)).toBe(true)
    const walBytes = statSync(`${db}-wal`).size
    const rnd = stream(7007, 'cuts')
    let fewest = Infinity
    for (let c = 0; c < CUTS; c++) {
      const copy = mkdtempSync(join(tmpdir(), 'ibkr-ws-t7-cut-'))
      copyFileSync(db, join(copy, 'workstation.sqlite'))
      copyFileSync(`${db}-wal`, join(copy, 'workstation.sqlite-wal'))
      truncateSync(join(copy, 'workstation.sqlite-wal'), Math.floor(rnd() * walBytes))
      const rows = await rowsOf(copy)
      expect(rows).toEqual(rows.map((_, i) => i + 1))
      expect(rows.length).toBeLessThanOrEqual(committed.length + 1)
      fewest = Math.min(fewest, rows.length)
    }
    // The cuts really tore committed frames off (the torn tail is lost, never half-applied).
    expect(fewest).toBeLessThan(committed.length)
  }, 120_000)
})
