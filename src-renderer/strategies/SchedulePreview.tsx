import { useEffect, useState } from 'react'
import { call, errorMessage } from '../state/app'
import { fmtDateTime } from '../lineage/format'

// A strategy's schedule as you type (F6): its problems, or its next five fires in its zone and locally.

export function SchedulePreview({ cron, tz }: { cron: string; tz: string }) {
  const [preview, setPreview] = useState<{ ok: boolean; problems: string[]; next: number[] } | null>(null)
  useEffect(() => {
    const t = setTimeout(() => {
      call('strategies.previewSchedule', { cron, tz })
        .then(setPreview)
        .catch((e: unknown) => setPreview({ ok: false, problems: [errorMessage(e)], next: [] }))
    }, 200)
    return () => clearTimeout(t)
  }, [cron, tz])
  if (!preview) return null
  const inZone = (t: number) => {
    try {
      return new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        weekday: 'short',
        day: '2-digit',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }).format(t)
    } catch {
      return ''
    }
  }
  return (
    <div className="schedule-preview" data-testid="schedule-preview">
      {preview.problems.map((p) => (
        <div key={p} className="field-error">
          {p}
        </div>
      ))}
      {preview.next.length > 0 && (
        <ol className="next-fires">
          {preview.next.map((t) => (
            <li key={t}>
              <span className="mono">{inZone(t)}</span>{' '}
              <span className="muted">
                ({tz}) · {fmtDateTime(t)} local
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}
