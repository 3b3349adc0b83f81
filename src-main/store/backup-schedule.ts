import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Timers } from '../timers'
import { backup, type Store } from './db'

// The daily online backup (RELIABILITY.md §4): from the writer connection (SQLite's online backup,
// which restarts if another connection writes meanwhile), verified with quick_check, written under a
// temporary name and renamed. Retention: up to 3 backups of the current day, then the newest one of
// each earlier day, at most 10 in all. Checked hourly; a backup is taken when the newest daily one
// is a day old (or there is none), so a machine that was off or asleep catches up at once.

export const DAY_MS = 86_400_000
const CHECK_EVERY_MS = 3_600_000
const BACKUP_FILE = /^app-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-(.+)\.sqlite$/

/** Which backup files to keep under §4's retention, given today's UTC date (YYYY-MM-DD). */
export function backupsToKeep(files: string[], today: string, max = 10): string[] {
  const dated = files
    .map((f) => ({ f, day: BACKUP_FILE.exec(f)?.[1] }))
    .filter((x): x is { f: string; day: string } => x.day !== undefined)
    .sort((a, b) => b.f.localeCompare(a.f))
  const keep: string[] = []
  const daysKept = new Set<string>()
  let todayKept = 0
  for (const { f, day } of dated) {
    if (day === today) {
      if (todayKept < 3) keep.push(f)
      todayKept++
    } else if (!daysKept.has(day)) {
      daysKept.add(day)
      keep.push(f)
    }
  }
  return keep.slice(0, max)
}

/** Delete the backups §4's retention does not keep; returns the names deleted. */
export function pruneBackupsByDay(dir: string, at: number): string[] {
  const files = readdirSync(dir).filter((f) => BACKUP_FILE.test(f))
  const keep = new Set(backupsToKeep(files, new Date(at).toISOString().slice(0, 10)))
  const gone = files.filter((f) => !keep.has(f))
  for (const f of gone) rmSync(join(dir, f), { force: true })
  return gone
}

/** The newest daily backup's time (from its name, written with the app's clock), or null. */
function lastDaily(dir: string): number | null {
  let newest: number | null = null
  if (!existsSync(dir)) return null
  for (const f of readdirSync(dir)) {
    const m = BACKUP_FILE.exec(f)
    if (m?.[6] !== 'daily') continue
    const at = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`)
    if (Number.isFinite(at)) newest = Math.max(newest ?? 0, at)
  }
  return newest
}

export interface DailyBackup {
  /** Take a backup now if one is due; resolves with its file, or null when none was due. */
  runIfDue(): Promise<string | null>
  stop(): Promise<void>
}

export function startDailyBackup(o: {
  store: Store
  dir: string
  now: () => number
  timers: Timers
  onError?: (err: unknown) => void
}): DailyBackup {
  let running: Promise<string | null> | null = null
  let stopped = false
  const runIfDue = (): Promise<string | null> => {
    if (stopped) return Promise.resolve(null)
    if (running) return running
    const job = (async () => {
      const last = lastDaily(o.dir)
      const at = o.now()
      if (last !== null && at - last < DAY_MS) return null
      const file = await backup(o.store.sqlite, o.dir, 'daily', at)
      pruneBackupsByDay(o.dir, at)
      return file
    })()
    running = job
    void job.then(
      () => (running = null),
      () => (running = null),
    )
    return running
  }
  const tick = () => void runIfDue().catch((e: unknown) => o.onError?.(e))
  const cancel = o.timers.every(tick, CHECK_EVERY_MS)
  const first = o.timers.after(tick, 60_000)
  return {
    runIfDue,
    async stop() {
      stopped = true
      cancel()
      first()
      await running?.catch(() => null)
    },
  }
}
