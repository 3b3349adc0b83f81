import { CronExpressionParser } from 'cron-parser'

// Schedule arithmetic for strategies (RELIABILITY.md §3): five-field cron in an IANA time zone,
// validated at save time (no seconds, at least one minute apart, a daily fire cap, no fires in the
// hours a DST change skips or repeats), previews, and the missed-fire decision after sleep or a
// restart. Pure: time comes in as arguments.

export interface ScheduleCheck {
  ok: boolean
  problems: string[]
  /** The next fires, UTC ms, for the editor's preview. */
  next: number[]
}

export const MAX_FIRES_PER_DAY = 96
const HOUR = 3_600_000
const DAY = 24 * HOUR

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return tz.includes('/') || tz === 'UTC'
  } catch {
    return false
  }
}

/** Fires after `afterExclusive`, up to `count` or until `untilInclusive`. */
export function firesBetween(
  cron: string,
  tz: string,
  afterExclusive: number,
  untilInclusive: number,
  count = 10_000,
): number[] {
  const it = CronExpressionParser.parse(cron, {
    tz,
    currentDate: new Date(afterExclusive),
    endDate: new Date(untilInclusive + 1),
  })
  const out: number[] = []
  while (out.length < count && it.hasNext()) {
    const t = it.next().getTime()
    if (t > untilInclusive) break
    if (t > afterExclusive) out.push(t)
  }
  return out
}

const hourFormats = new Map<string, Intl.DateTimeFormat>()

function localHour(t: number, tz: string): number {
  let f = hourFormats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' })
    hourFormats.set(tz, f)
  }
  return Number(f.format(new Date(t)))
}

/** The next `count` fires after `after` (UTC ms), for previews. */
export function nextFires(cron: string, tz: string, after: number, count = 5): number[] {
  return firesBetween(cron, tz, after, after + 400 * DAY, count)
}

function hasDst(tz: string, year: number): boolean {
  const offset = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(
      new Date(t),
    )
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? ''
  }
  return offset(Date.UTC(year, 0, 15)) !== offset(Date.UTC(year, 6, 15))
}

/** Check a schedule at save time; `now` anchors the preview and the one-year scan. */
export function checkSchedule(cron: string, tz: string, now: number): ScheduleCheck {
  const problems: string[] = []
  if (!isValidTimeZone(tz))
    return { ok: false, problems: [`"${tz}" is not an IANA time zone such as America/New_York`], next: [] }
  const fields = cron.trim().split(/\s+/)
  if (fields.length !== 5)
    return {
      ok: false,
      problems: ['Use five cron fields (minute hour day-of-month month day-of-week); seconds are not allowed'],
      next: [],
    }
  // cron-parser costs ~0.1 ms a fire (~1 ms on a busy machine), so look at 8 days closely and the
  // year only sparsely. With any day of the month in any month the pattern repeats every week, and
  // the local hours of its fires do too: 8 days say all the year would (a weekday schedule's year
  // scan was most of the time a first start spent seeding the demo strategies).
  let week: number[]
  let sample: number[]
  let next: number[]
  try {
    week = firesBetween(cron, tz, now, now + 8 * DAY, 8 * (MAX_FIRES_PER_DAY + 1))
    const weekly = fields[2] === '*' && fields[3] === '*'
    sample = week.length > 50 || weekly ? week : firesBetween(cron, tz, now, now + 366 * DAY, 1000)
    next = sample.length >= 5 ? sample.slice(0, 5) : firesBetween(cron, tz, now, now + 400 * DAY, 5)
  } catch (e) {
    return { ok: false, problems: [`Invalid cron expression: ${e instanceof Error ? e.message : String(e)}`], next: [] }
  }
  if (sample.length === 0) problems.push('This schedule never fires in the next year')
  for (let i = 1; i < sample.length; i++) {
    if (sample[i]! - sample[i - 1]! < 60_000) {
      problems.push('Fires must be at least one minute apart')
      break
    }
  }
  const perDay = new Map<number, number>()
  for (const t of week) perDay.set(Math.floor(t / DAY), (perDay.get(Math.floor(t / DAY)) ?? 0) + 1)
  if (Math.max(0, ...perDay.values()) > MAX_FIRES_PER_DAY) problems.push(`More than ${MAX_FIRES_PER_DAY} fires a day`)
  if (hasDst(tz, new Date(now).getUTCFullYear()) && sample.some((t) => [1, 2].includes(localHour(t, tz)))) {
    problems.push(
      `Fires between 01:00 and 03:00 in ${tz} are skipped or repeated when daylight saving time ` +
        `changes; pick another hour`,
    )
  }
  return { ok: problems.length === 0, problems, next }
}

export type MissedPolicy = 'skip' | 'run_latest_if_within_grace'

/**
 * After sleep or a restart: the fires in `(lastSeen, now]` that were not run. At most one runs
 * (the latest, when the policy allows and it is within grace); every other one is recorded MISSED.
 */
export function missedFires(
  cron: string,
  tz: string,
  lastSeen: number,
  now: number,
  policy: MissedPolicy,
  graceMs: number,
): { run: number | null; missed: number[] } {
  const fires = firesBetween(cron, tz, lastSeen, now)
  const latest = fires.at(-1)
  if (policy === 'run_latest_if_within_grace' && latest !== undefined && now - latest <= graceMs)
    return { run: latest, missed: fires.slice(0, -1) }
  return { run: null, missed: fires }
}

/** The guard every timer callback runs: early → wait; too late → MISSED; otherwise run. */
export function fireDecision(scheduledFor: number, now: number, graceMs: number): 'wait' | 'run' | 'missed' {
  if (now < scheduledFor) return 'wait'
  return now - scheduledFor > graceMs ? 'missed' : 'run'
}
