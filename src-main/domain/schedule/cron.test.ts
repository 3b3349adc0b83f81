import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkSchedule, fireDecision, firesBetween, missedFires } from './cron'

const NY = 'America/New_York'
const local = (t: number, tz: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(t))

describe('schedule checks (RELIABILITY.md §3)', () => {
  const now = Date.UTC(2026, 10, 25)
  it('accepts a weekday schedule and previews the next 5 fires', () => {
    const c = checkSchedule('35 9 * * 1-5', NY, now)
    expect(c.ok).toBe(true)
    expect(c.next.map((t) => local(t, NY))).toEqual([
      '2026-11-25, 09:35',
      '2026-11-26, 09:35',
      '2026-11-27, 09:35',
      '2026-11-30, 09:35',
      '2026-12-01, 09:35',
    ])
  })
  it.each([
    ['* * * * * *', NY, 'five cron fields'],
    ['61 9 * * *', NY, 'Invalid cron'],
    ['35 9 * * 1-5', 'Mars/Olympus', 'IANA time zone'],
    ['30 2 * * *', NY, 'daylight saving'],
    ['*/5 * * * *', NY, 'More than 96 fires a day'],
  ])('%s in %s: %s', (cron, tz, problem) => {
    const c = checkSchedule(cron, tz, now)
    expect(c.ok).toBe(false)
    expect(c.problems.join(' ')).toContain(problem)
  })
  it('a weekly pattern is judged from 8 days as from the year: problems, and 5 fires in the preview', () => {
    const mondays = checkSchedule('0 10 * * 1', NY, now)
    expect(mondays.ok).toBe(true)
    expect(mondays.next.map((t) => local(t, NY))).toEqual([
      '2026-11-30, 10:00',
      '2026-12-07, 10:00',
      '2026-12-14, 10:00',
      '2026-12-21, 10:00',
      '2026-12-28, 10:00',
    ])
    expect(checkSchedule('30 2 * * 0', NY, now).problems.join(' ')).toContain('daylight saving')
    expect(checkSchedule('0 10 1 * *', NY, now).next).toHaveLength(5)
  })
  it('allows 02:30 where there is no daylight saving time', () => {
    expect(checkSchedule('30 2 * * *', 'Asia/Tokyo', now).ok).toBe(true)
  })
})

describe('fires across daylight saving changes (T10)', () => {
  it.each([NY, 'Europe/London', 'Asia/Tokyo'])(
    'a daily 09:35 fires exactly once per local day in %s, 2026-2030',
    (tz) => {
      const fires = firesBetween('35 9 * * *', tz, Date.UTC(2026, 0, 1), Date.UTC(2031, 0, 1))
      const days = fires.map((t) => local(t, tz).slice(0, 10))
      expect(new Set(days).size).toBe(days.length)
      expect(fires.every((t) => local(t, tz).endsWith('09:35'))).toBe(true)
      expect(days.length).toBeGreaterThanOrEqual(1826)
    },
  )
})

describe('missed fires after sleep or a restart', () => {
  const cron = '35 9 * * 1-5'
  const friday = Date.UTC(2026, 10, 20, 14, 35)
  it('skip: every fire missed while asleep is recorded, none runs', () => {
    const r = missedFires(cron, NY, friday, friday + 3 * 86_400_000 + 3_600_000, 'skip', 300_000)
    expect(r.run).toBeNull()
    expect(r.missed.map((t) => local(t, NY))).toEqual(['2026-11-23, 09:35'])
  })
  it('run latest within grace: at most one catch-up, never a burst (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60_000, max: 3 * 86_400_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        (sleep, grace) => {
          const wake = friday + sleep
          const r = missedFires(cron, NY, friday, wake, 'run_latest_if_within_grace', grace)
          const all = firesBetween(cron, NY, friday, wake)
          expect(r.missed.length + (r.run === null ? 0 : 1)).toBe(all.length)
          if (r.run !== null) expect(wake - r.run).toBeLessThanOrEqual(grace)
        },
      ),
      { numRuns: 300, seed: 10 },
    )
  })
  it('never fires early; late beyond grace is missed', () => {
    expect(fireDecision(1000, 999, 300_000)).toBe('wait')
    expect(fireDecision(1000, 1000, 300_000)).toBe('run')
    expect(fireDecision(1000, 301_001, 300_000)).toBe('missed')
  })
})
