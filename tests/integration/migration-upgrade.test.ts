import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src-main/store/db'
import { applyMigrations, loadMigrations } from '../../src-main/store/migrations'
import { openSqlite } from '../../src-main/store/sqlite'

// RELIABILITY.md T8: upgrade from every released schema. For each migration level (the database as
// the app that shipped migration k left it) a fixture is generated at test time, in one transaction,
// with ORDERS orders and FILLS fills plus lineage rows, then opened by today's app, which migrates it
// to head: every row count unchanged, foreign_key_check empty, integrity_check ok. New migrations
// join the loop by themselves. IBKR_WS_T8_SCALE multiplies the sizes (npm run soak).

const MIGRATIONS = resolve(__dirname, '../../migrations')
const SCALE = Number(process.env.IBKR_WS_T8_SCALE ?? 1)
const ORDERS = 10_000 * SCALE
const FILLS = 50_000 * SCALE
const RUNS = 1_000 * SCALE
const COUNTED = ['orders', 'executions', 'runs', 'run_steps', 'llm_usage', 'strategies']

const open: Store[] = []
afterEach(() => open.splice(0).forEach((s) => s.close()))

/** A database at migration level `k` (migrations 0..k applied) filled with a ledger and lineage. */
function fixtureAtLevel(k: number): { file: string; counts: Record<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), `ibkr-ws-t8-${k}-`))
  const file = join(dir, 'workstation.sqlite')
  const db = openSqlite(file)
  db.pragma('journal_mode = WAL')
  const all = loadMigrations(MIGRATIONS)
  // The migrations table as the migrator creates it, then the first k+1 migrations.
  db.exec(
    'CREATE TABLE IF NOT EXISTS __drizzle_migrations (id INTEGER ' +
      'PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at ' +
      'numeric)',
  )
  applyMigrations(db, all.slice(0, k + 1), 0)
  db.transaction(() => {
    db.prepare(
      `INSERT INTO strategies (id, key, name, mode, approval, active, config, revision, created_at, updated_at)
       VALUES ('s1', 'k1', 'Strategy 1', 'paper', 'auto', 1, '{}', 1, 1, 1)`,
    ).run()
    db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS})
      INSERT INTO runs (id, strategy_id, trigger, status, scheduled_for, started_at, ended_at, app_version)
        SELECT printf('run-%06d', i), 's1', 'schedule', 'succeeded', i * 60000, i * 60000, i * 60000 + 900, '0.0.1'
        FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS * 5})
      INSERT INTO run_steps (run_id, step, seq, attempt, status, input, output, artifacts, started_at, duration_ms)
        SELECT printf('run-%06d', (i - 1) / 5 + 1), 'indicators', (i - 1) % 5, 1, 'succeeded', '{}', '{"ok":true}',
          '[]',
          i * 12000, 3.5 FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS})
      INSERT INTO llm_usage (at, run_id, strategy_id, provider, model, purpose, prompt_tokens, completion_tokens,
          cost_micros, latency_ms, ok)
        SELECT i * 60000, printf('run-%06d', i), 's1', 'openai', 'gpt-4o-mini', 'analysis', 1200, 300, 380, 900, 1
        FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ORDERS})
      INSERT INTO orders (id, client_order_id, run_id, leg, origin, mode, account, conid, side, order_type, tif, qty,
          limit_price, outside_rth, broker_order_id, status, filled_qty, avg_fill_price, created_at, updated_at)
        SELECT printf('ord-%06d', i), printf('ws-%06d', i), printf('run-%06d', (i - 1) % ${RUNS} + 1), 'single',
          'strategy', 'paper', 'DU1', 265598, CASE i % 2 WHEN 0 THEN 'BUY' ELSE 'SELL' END, 'LMT', 'DAY', 5,
          '190.40', 0, printf('%d', 100000 + i), 'FILLED', 5, '190.40', i * 1000, i * 1000 + 10 FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FILLS})
      INSERT INTO executions (exec_id, order_id, broker_order_id, account, conid, side, qty, price, commission, at, raw)
        SELECT printf('ex-%07d', i), printf('ord-%06d', (i - 1) / 5 + 1), printf('%d', 100000 + (i - 1) / 5 + 1),
          'DU1', 265598, CASE ((i - 1) / 5 + 1) % 2 WHEN 0 THEN 'BUY' ELSE 'SELL' END, 1, '190.40', '0.35',
          i * 200, '{}' FROM n;
    `)
  })()
  const counts = Object.fromEntries(
    COUNTED.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]),
  )
  db.close()
  return { file, counts }
}

describe('T8: upgrade from every released schema', () => {
  const levels = loadMigrations(MIGRATIONS).length
  // The head level is included too: opening a current database must change nothing.
  for (let k = 0; k < levels; k++) {
    it(`migrates a level-${k} database with ${ORDERS} orders and ${FILLS} fills to head, losing nothing`, async () => {
      const { file, counts } = fixtureAtLevel(k)
      expect(counts.orders).toBe(ORDERS)
      expect(counts.executions).toBe(FILLS)
      const store = await openStore({ file, migrationsDir: MIGRATIONS, backupDir: join(file, '..', 'backups') })
      open.push(store)
      const db = store.sqlite
      for (const t of COUNTED) expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), t).toBe(counts[t])
      expect(db.pragma('foreign_key_check')).toEqual([])
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('user_version', { simple: true })).toBe(levels)
      // A migration ran on an existing database only after a verified backup.
      expect(store.backupFile === null).toBe(k === levels - 1)
    }, 60_000)
  }
})
