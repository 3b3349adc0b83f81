import { describe, expect, it } from 'vitest'
import { trackRecordAsOf, type PastDecision } from './track-record'

const d = (date: string, action: string, exitDate: string | null, r: number | null, reason = 'target') => ({
  date,
  action,
  exitDate,
  exitReason: exitDate ? reason : null,
  r,
})

describe('trackRecordAsOf', () => {
  const past: PastDecision[] = [
    d('2026-03-02', 'BUY', '2026-03-04', 1.9),
    d('2026-03-03', 'HOLD', null, null),
    d('2026-03-05', 'BUY', '2026-03-10', -1.02, 'stop'),
    d('2026-03-06', 'BUY', '2026-03-06', 0.4, 'time'),
    d('2026-03-09', 'BUY', '2026-03-12', 2.1),
    d('2026-03-10', 'SELL', '2026-03-11', 0.7),
  ]

  it('keeps only decisions before t, newest first, at most n', () => {
    expect(trackRecordAsOf(past, '2026-03-09').map((x) => x.date)).toEqual([
      '2026-03-06',
      '2026-03-05',
      '2026-03-03',
      '2026-03-02',
    ])
    expect(trackRecordAsOf(past, '2026-03-31', 2).map((x) => x.date)).toEqual(['2026-03-10', '2026-03-09'])
    expect(trackRecordAsOf(past, '2026-03-02')).toEqual([])
  })

  it('shows an outcome only when its exit is on or before t: a trade closing after t is null', () => {
    const at9 = trackRecordAsOf(past, '2026-03-09')
    // Closed on 03-10, after t: the model could not know it.
    expect(at9.find((x) => x.date === '2026-03-05')).toEqual({
      date: '2026-03-05',
      action: 'BUY',
      rMultiple: null,
      outcome: null,
    })
    expect(at9.find((x) => x.date === '2026-03-02')).toMatchObject({ rMultiple: 1.9, outcome: { exit: 'target' } })
    expect(at9.find((x) => x.date === '2026-03-03')).toMatchObject({ rMultiple: null, outcome: null })
    // On the exit session itself the outcome is known (the decision is made after that close).
    expect(trackRecordAsOf(past, '2026-03-10').find((x) => x.date === '2026-03-05')).toMatchObject({
      rMultiple: -1.02,
      outcome: { exit: 'stop' },
    })
  })

  it('is the same from the full record and from a record cut at t (no look-ahead)', () => {
    for (const t of ['2026-03-04', '2026-03-06', '2026-03-09', '2026-03-11', '2026-03-13']) {
      const cut = past
        .filter((p) => p.date < t)
        .map((p) => (p.exitDate !== null && p.exitDate > t ? { ...p, exitDate: null, exitReason: null, r: null } : p))
      expect(trackRecordAsOf(past, t)).toEqual(trackRecordAsOf(cut, t))
    }
  })
})
