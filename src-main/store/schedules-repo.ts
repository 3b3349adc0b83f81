import { and, desc, eq } from 'drizzle-orm'
import type { FireOutcome } from '../contract/models'
import type { Db } from './db'
import { runs, scheduleFires, schedules } from './schema'

// The scheduler's persisted state (RELIABILITY.md §3): one `schedules` row per strategy with the
// last instant it has accounted for, and one `schedule_fires` row per fire with what became of it.
// (strategy, scheduled_for) is the primary key of fires, so recording a fire twice changes nothing.

export type ScheduleRow = typeof schedules.$inferSelect
export type FireRow = typeof scheduleFires.$inferSelect

export function getSchedule(db: Db, strategyId: string): ScheduleRow | null {
  return db.select().from(schedules).where(eq(schedules.strategyId, strategyId)).get() ?? null
}

export function listSchedules(db: Db): ScheduleRow[] {
  return db.select().from(schedules).all()
}

export function upsertSchedule(db: Db, row: ScheduleRow): void {
  db.insert(schedules)
    .values(row)
    .onConflictDoUpdate({
      target: schedules.strategyId,
      set: {
        cron: row.cron,
        tz: row.tz,
        missedPolicy: row.missedPolicy,
        graceMs: row.graceMs,
        paused: row.paused,
        nextRunAt: row.nextRunAt,
        lastSeenAt: row.lastSeenAt,
        updatedAt: row.updatedAt,
      },
    })
    .run()
}

/** Record what became of a fire; the first record of a fire wins. Returns false if it was already recorded. */
export function recordFire(
  db: Db,
  f: {
    strategyId: string
    scheduledFor: number
    outcome: FireOutcome
    runId: string | null
    reason: string
    recordedAt: number
  },
): boolean {
  return db.insert(scheduleFires).values(f).onConflictDoNothing().run().changes === 1
}

export function listFires(db: Db, strategyId: string | undefined, limit: number): FireRow[] {
  return db
    .select()
    .from(scheduleFires)
    .where(and(strategyId ? eq(scheduleFires.strategyId, strategyId) : undefined))
    .orderBy(desc(scheduleFires.scheduledFor))
    .limit(limit)
    .all()
}

/** How a fire was handled before, if it was: its record, or the run a crash kept from being recorded. */
export function handledFire(
  db: Db,
  strategyId: string,
  scheduledFor: number,
): { recorded: boolean; runId: string | null } | null {
  const fire = db
    .select({ runId: scheduleFires.runId })
    .from(scheduleFires)
    .where(and(eq(scheduleFires.strategyId, strategyId), eq(scheduleFires.scheduledFor, scheduledFor)))
    .get()
  if (fire) return { recorded: true, runId: fire.runId }
  const run = db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.strategyId, strategyId), eq(runs.scheduledFor, scheduledFor)))
    .get()
  return run ? { recorded: false, runId: run.id } : null
}
