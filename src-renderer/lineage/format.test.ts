import { describe, expect, it } from 'vitest'
import { fmtDateTime, fmtShortDateTime } from './format'

describe('date formats', () => {
  it('are ISO-ordered in local time, midnight as 00', () => {
    const t = new Date(2026, 11, 4, 0, 5, 9).getTime()
    expect(fmtDateTime(t)).toBe('2026-12-04 00:05:09')
    expect(fmtShortDateTime(t)).toBe('12-04 00:05:09')
    expect(fmtDateTime(null)).toBe('—')
  })
})
