import schedule from 'node-schedule'
import type { FireOutcome } from '../contract/models'
import type { Strategy } from '../contract/strategies'
import { fireDecision, missedFires, nextFires } from '../domain/schedule/cron'
import { nyseRegularHours } from '../domain/schedule/nyse'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { crashPoint } from '../crash-points'
import { getSchedule, handledFire, recordFire, upsertSchedule, type ScheduleRow } from '../store/schedules-repo'
import type { Timers } from '../timers'
import type { GatewayConnection } from './gateway-status'

// The scheduler (F7, RELIABILITY.md §3). Fire times come from our DST-safe cron arithmetic; the
// wall-clock timer is node-schedule's date job (it copes with delays beyond setTimeout's 24.8 days).
// Everything that matters lives in SQLite: fires are recorded once each, `runs(strategy,
// scheduled_for)` is unique and a fire already handled is never started again, and `last_seen_at` is
// advanced after the fires up to it are handled. So a crash at any point, a restart, a wake from sleep
// or a burst of late timers never produces a second run of one fire, and never loses a fire's record.

/** Calls `fn` at wall-clock time `when` (UTC ms). Returns a cancel function. */
export type WallClockTimer = (fn: () => void, when: number) => () => void

export const nodeScheduleTimer: WallClockTimer = (fn, when) => {
  const job = schedule.scheduleJob(new Date(when), fn)
  if (job) return () => job.cancel()
  // node-schedule refuses dates in the past; fire on the next turn instead (the guard decides).
  const h = setTimeout(fn, 0)
  return () => clearTimeout(h)
}

export interface SchedulerDeps {
  db: Db
  bus: EventBus
  now(): number
  timers: Timers
  at: WallClockTimer
  strategies(): Strategy[]
  gateway(): GatewayConnection
  /** Start a scheduled run; throws RpcError CONFLICT while the strategy's previous run is going. */
  startRun(strategyId: string, scheduledFor: number): { runId: string }
  onInternalError?(where: string, e: unknown): void
}

export interface Scheduler {
  /** Re-read strategies and schedules: boot, after an edit, and after a wake. */
  sync(): void
  setPaused(strategyId: string, paused: boolean): ScheduleRow
  stop(): void
}

const HEARTBEAT_MS = 30_000
const WAKE_GAP_MS = 60_000
const IDLE_WRITE_MS = 5 * 60_000

export function createScheduler(d: SchedulerDeps): Scheduler {
  const armed = new Map<string, { at: number; cancel: () => void }>()
  let lastBeat = d.now()
  let stopped = false

  function record(
    strategyId: string,
    scheduledFor: number,
    outcome: FireOutcome,
    reason: string,
    runId: string | null = null,
  ): void {
    if (recordFire(d.db, { strategyId, scheduledFor, outcome, runId, reason, recordedAt: d.now() }))
      d.bus.emit('db.changed', { tables: ['schedule_fires'] })
  }

  function rowFor(s: Strategy, existing: ScheduleRow | null): ScheduleRow {
    const sch = s.config.schedule
    const changed = !existing || existing.cron !== sch.cron || existing.tz !== sch.tz
    return {
      strategyId: s.id,
      cron: sch.cron,
      tz: sch.tz,
      missedPolicy: sch.missedPolicy,
      graceMs: sch.graceMs,
      paused: existing?.paused ?? false,
      nextRunAt: existing?.nextRunAt ?? null,
      // A new or edited schedule starts counting from now: nothing before it is "missed".
      lastSeenAt: changed ? d.now() : (existing.lastSeenAt ?? d.now()),
      updatedAt: d.now(),
    }
  }

  /** Why a due fire may not run now, or null when it may. */
  function blocker(s: Strategy, scheduledFor: number): { outcome: FireOutcome; reason: string } | null {
    const g = d.gateway().current()
    if (g.state !== 'authenticated') return { outcome: 'SKIPPED_SESSION', reason: `gateway ${g.state}` }
    if (s.config.marketHours === 'rth_only') {
      const h = nyseRegularHours(scheduledFor)
      if (!h.open) return { outcome: 'SKIPPED_CLOSED', reason: `market closed (${h.reason})` }
    }
    return null
  }

  function fire(s: Strategy, scheduledFor: number): void {
    const before = handledFire(d.db, s.id, scheduledFor)
    if (before) {
      // A crash came between starting the run and recording it: record it now, never run it again.
      if (!before.recorded) record(s.id, scheduledFor, 'RAN', 'ran; recorded after a restart', before.runId)
      return
    }
    const why = blocker(s, scheduledFor)
    if (why) return record(s.id, scheduledFor, why.outcome, why.reason)
    try {
      const { runId } = d.startRun(s.id, scheduledFor)
      record(s.id, scheduledFor, 'RAN', 'ran on schedule', runId)
    } catch (e) {
      if (e instanceof RpcError && e.code === 'CONFLICT')
        record(s.id, scheduledFor, 'SKIPPED_OVERLAP', 'the previous run was still going')
      else {
        record(s.id, scheduledFor, 'SKIPPED_SESSION', `could not start: ${e instanceof Error ? e.message : String(e)}`)
        d.onInternalError?.('scheduler.fire', e)
      }
    }
  }

  /** Account for everything in (last_seen_at, now]: at most one catch-up run, the rest MISSED. */
  function catchUp(s: Strategy, row: ScheduleRow): ScheduleRow {
    const now = d.now()
    const last = row.lastSeenAt ?? now
    if (now <= last) return row
    const { run, missed } = missedFires(
      row.cron,
      row.tz,
      last,
      now,
      row.missedPolicy as 'skip' | 'run_latest_if_within_grace',
      row.graceMs,
    )
    if (run === null && missed.length === 0) return row
    if (run !== null) fire(s, run)
    crashPoint('during-schedule-catch-up')
    const next = { ...row, lastSeenAt: now, updatedAt: now }
    d.db.transaction(() => {
      for (const t of missed)
        record(
          s.id,
          t,
          'MISSED',
          row.missedPolicy === 'skip'
            ? 'missed (app closed or asleep); policy: skip'
            : 'missed, beyond the grace period',
        )
      upsertSchedule(d.db, next)
    })
    return next
  }

  function arm(s: Strategy, row: ScheduleRow): void {
    armed.get(s.id)?.cancel()
    armed.delete(s.id)
    const [when] = nextFires(row.cron, row.tz, Math.max(d.now(), row.lastSeenAt ?? 0), 1)
    if (when === undefined) return
    if (row.nextRunAt !== when) upsertSchedule(d.db, { ...row, nextRunAt: when, updatedAt: d.now() })
    armed.set(s.id, { at: when, cancel: d.at(() => onTimer(s.id, when), when) })
  }

  function onTimer(strategyId: string, scheduledFor: number): void {
    if (stopped) return
    const s = d.strategies().find((x) => x.id === strategyId)
    const row = getSchedule(d.db, strategyId)
    armed.delete(strategyId)
    if (!s || !s.active || !row || row.paused) return
    const decision = fireDecision(scheduledFor, d.now(), row.graceMs)
    if (decision === 'wait') {
      // Never early: the timer came before its time (rounding, clock change); wait the remainder.
      armed.set(strategyId, { at: scheduledFor, cancel: d.at(() => onTimer(strategyId, scheduledFor), scheduledFor) })
      return
    }
    if (decision === 'missed')
      record(strategyId, scheduledFor, 'MISSED', 'the timer fired after the grace period (sleep or a busy machine)')
    else fire(s, scheduledFor)
    const seen = { ...row, lastSeenAt: Math.max(row.lastSeenAt ?? 0, scheduledFor), updatedAt: d.now() }
    upsertSchedule(d.db, seen)
    arm(s, catchUp(s, seen))
  }

  function sync(): void {
    if (stopped) return
    const active = new Set<string>()
    for (const s of d.strategies()) {
      const existing = getSchedule(d.db, s.id)
      const row = rowFor(s, existing)
      const edited =
        !existing ||
        existing.cron !== row.cron ||
        existing.tz !== row.tz ||
        existing.missedPolicy !== row.missedPolicy ||
        existing.graceMs !== row.graceMs
      if (edited) upsertSchedule(d.db, row)
      if (!s.active || row.paused) {
        armed.get(s.id)?.cancel()
        armed.delete(s.id)
        // An inactive or paused schedule accounts for its time as it goes (a write every few
        // minutes at most), so resuming never catches up on fires from while it was off.
        if (row.nextRunAt !== null || d.now() - (row.lastSeenAt ?? 0) > IDLE_WRITE_MS)
          upsertSchedule(d.db, { ...row, lastSeenAt: d.now(), nextRunAt: null, updatedAt: d.now() })
        continue
      }
      active.add(s.id)
      const current = catchUp(s, row)
      const [next] = nextFires(current.cron, current.tz, Math.max(d.now(), current.lastSeenAt ?? 0), 1)
      if (!armed.has(s.id) || armed.get(s.id)!.at !== next || edited) arm(s, current)
    }
    for (const [id, a] of armed) {
      if (active.has(id)) continue
      a.cancel()
      armed.delete(id)
    }
  }

  // Wake detection for hosts without a power monitor: a heartbeat that finds a wall-clock gap.
  const stopBeat = d.timers.every(() => {
    const now = d.now()
    const gap = now - lastBeat
    lastBeat = now
    if (gap > HEARTBEAT_MS + WAKE_GAP_MS) {
      for (const a of armed.values()) a.cancel()
      armed.clear()
    }
    try {
      sync()
    } catch (e) {
      d.onInternalError?.('scheduler.sync', e)
    }
  }, HEARTBEAT_MS)

  return {
    sync,
    setPaused(strategyId, paused) {
      const s = d.strategies().find((x) => x.id === strategyId)
      if (!s) throw new RpcError('NOT_FOUND', `No strategy ${strategyId}`)
      const row = rowFor(s, getSchedule(d.db, strategyId))
      upsertSchedule(d.db, { ...row, paused, lastSeenAt: d.now(), updatedAt: d.now() })
      d.bus.emit('db.changed', { tables: ['schedules'] })
      sync()
      return getSchedule(d.db, strategyId)!
    },
    stop() {
      stopped = true
      stopBeat()
      for (const a of armed.values()) a.cancel()
      armed.clear()
    },
  }
}
