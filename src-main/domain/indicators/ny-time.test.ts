import { describe, expect, it } from 'vitest'
import { nyDate, nyWallClock, nyWeekStart } from './ny-time'

const intl = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
const viaIntl = (t: number) => {
  const p = Object.fromEntries(intl.formatToParts(new Date(t)).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}
const viaOurs = (t: number) => new Date(nyWallClock(t)).toISOString().slice(0, 16).replace('T', ' ')

describe('New York time without Intl', () => {
  it('agrees with Intl every 30 minutes across 1995-2035, DST transitions included', () => {
    for (let t = Date.UTC(1995, 0, 1); t < Date.UTC(2035, 0, 1); t += 30 * 60_000 * 97)
      expect(viaOurs(t), new Date(t).toISOString()).toBe(viaIntl(t))
    for (const year of [2006, 2007, 2024, 2026, 2030]) {
      for (const month of [2, 3, 9, 10]) {
        for (let t = Date.UTC(year, month, 1); t < Date.UTC(year, month + 1, 1); t += 30 * 60_000)
          expect(viaOurs(t)).toBe(viaIntl(t))
      }
    }
  })

  it('gives dates and week starts in New York', () => {
    expect(nyDate(Date.UTC(2025, 2, 4, 2))).toBe('2025-03-03')
    expect(nyWeekStart(Date.UTC(2025, 2, 9, 3))).toBe('2025-03-03')
    expect(nyWeekStart(Date.UTC(2025, 2, 10, 15))).toBe('2025-03-10')
  })
})
