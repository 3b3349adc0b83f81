import { describe, expect, it } from 'vitest'
import { nyseEarlyCloses, nyseHolidays, nyseSession } from './nyse'

// Checked against the NYSE's published calendars.
describe('NYSE calendar', () => {
  it('2026 holidays and early closes', () => {
    expect(nyseHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-04-03',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-11-26',
      '2026-12-25',
    ])
    expect(nyseEarlyCloses(2026)).toEqual(['2026-11-27', '2026-12-24'])
  })

  it('2027: Saturday holidays observed on Friday, Sunday ones on Monday', () => {
    expect(nyseHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-03-26',
      '2027-05-31',
      '2027-06-18',
      '2027-07-05',
      '2027-09-06',
      '2027-11-25',
      '2027-12-24',
    ])
    expect(nyseEarlyCloses(2027)).toEqual(['2027-11-26'])
  })

  it('2025: July 3 closes early; no Juneteenth before 2022', () => {
    expect(nyseEarlyCloses(2025)).toEqual(['2025-07-03', '2025-11-28', '2025-12-24'])
    expect(nyseHolidays(2021)).not.toContain('2021-06-18')
    expect(nyseHolidays(2022)).not.toContain('2021-12-31')
  })

  it('answers for a date', () => {
    expect(nyseSession('2026-11-26')).toEqual({ open: false, reason: 'holiday' })
    expect(nyseSession('2026-11-28')).toEqual({ open: false, reason: 'weekend' })
    expect(nyseSession('2026-11-27')).toEqual({ open: true, closesEarly: true })
    expect(nyseSession('2026-11-30')).toEqual({ open: true, closesEarly: false })
  })
})
