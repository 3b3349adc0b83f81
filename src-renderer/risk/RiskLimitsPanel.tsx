import { useState } from 'react'
import { RpcCallError } from '../../src-main/contract/client'
import type { RiskLimits } from '../../src-main/contract/risk-limits-api'
import { fmtDateTime } from '../lineage/format'
import { call, errorMessage, fieldErrors } from '../state/app'
import { useLoad } from '../state/useLoad'
import { ConfirmPhrase } from './ConfirmPhrase'
import {
  LIMIT_FIELDS as FIELDS,
  labelOf,
  loosenLine,
  parsedValue as parsed,
  shownValue as shown,
  type NumKey,
} from './limit-labels'

// Settings → Risk limits (issue #9): the account's limits for every order path. Tightening saves at
// once; when a change loosens a limit, main refuses it and names the phrase, which this page asks the
// trader to type in a dialog (main checks it again). Each change is audited with before and after.

export function RiskLimitsPanel() {
  const state = useLoad(() => call('risk.getLimits', {}), 'risk-limits', ['settings'])
  const [draft, setDraft] = useState<Partial<Record<NumKey, string>>>({})
  const [pause, setPause] = useState<boolean | null>(null)
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  const [confirm, setConfirm] = useState<{
    phrase: string
    lines: string[]
    keys: string[]
    error: string | null
  } | null>(null)
  const v = state.data
  if (!v)
    return (
      <section className="panel muted">
        {state.error ? `Could not load risk limits: ${state.error}` : 'Loading risk limits…'}
      </section>
    )
  const next: RiskLimits = { ...v.limits, pauseOnLosingStreak: pause ?? v.limits.pauseOnLosingStreak }
  for (const f of FIELDS) if (draft[f.key] !== undefined) next[f.key] = parsed(f.key, draft[f.key]!)
  const dirty =
    FIELDS.some((f) => next[f.key] !== v.limits[f.key]) || next.pauseOnLosingStreak !== v.limits.pauseOnLosingStreak

  async function save(confirmation?: string) {
    setBusy(true)
    setMessage(null)
    try {
      await call('risk.setLimits', { limits: next, ...(confirmation ? { confirmation } : {}) })
      setDraft({})
      setPause(null)
      setErrors({})
      setConfirm(null)
      state.reload()
      setMessage({ tone: 'ok', text: confirmation ? 'Loosened and recorded.' : 'Saved; in force for the next order.' })
    } catch (e) {
      const details =
        e instanceof RpcCallError && e.code === 'FORBIDDEN'
          ? (e.details as { phrase?: string; loosened?: (keyof RiskLimits)[] } | null)
          : null
      if (details?.phrase && !confirmation) {
        // Main names the limits by key; the person reads labels and units (the phrase keeps the keys).
        const keys = details.loosened ?? []
        const before = v!.limits
        setConfirm({ phrase: details.phrase, keys, lines: keys.map((k) => loosenLine(k, before, next)), error: null })
      } else if (confirm) setConfirm({ ...confirm, error: errorMessage(e) })
      else {
        setErrors(fieldErrors(e))
        setMessage({ tone: 'bad', text: `Not saved: ${errorMessage(e)}` })
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel risk-limits" data-testid="risk-limits">
      <h2>Risk limits</h2>
      <p className="muted">
        Every order path is checked against these: strategy orders, manual orders, approvals and modifies. Tightening
        applies at once; loosening asks you to type a confirmation. Strategies may set stricter values of their own.
        {v.updatedAt !== null && ` Last changed ${fmtDateTime(v.updatedAt)}.`}
      </p>
      <form
        className="limits-grid"
        onSubmit={(e) => {
          e.preventDefault()
          if (dirty && !busy) void save()
        }}
      >
        {FIELDS.map((f) => {
          const value = draft[f.key] ?? shown(f.key, v.limits[f.key])
          const changed = next[f.key] !== v.limits[f.key]
          return (
            <label key={f.key} className={`limit ${changed ? 'changed' : ''}`}>
              <span className="limit-label">{f.label}</span>
              <span className="limit-input">
                {f.unit === '$' && <span className="muted">$</span>}
                <input
                  className="num"
                  inputMode="decimal"
                  value={value}
                  onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
                  aria-invalid={errors[f.key] ? true : undefined}
                  data-testid={`limit-${f.key}`}
                />
                {f.unit === '%' && <span className="muted">%</span>}
                {f.unit === 's' && <span className="muted">s</span>}
              </span>
              <span className="limit-hint muted">
                {errors[f.key] ?? (f.hint || '\u00a0')}
                {v.defaults[f.key] !== v.limits[f.key] && ` · default ${shown(f.key, v.defaults[f.key])}`}
              </span>
            </label>
          )
        })}
        <label className="limit check">
          <input
            type="checkbox"
            checked={next.pauseOnLosingStreak}
            onChange={(e) => setPause(e.target.checked)}
            data-testid="limit-pauseOnLosingStreak"
          />
          <span>Pause new entries after the losing streak (otherwise only alert)</span>
        </label>
        <div className="row end limits-actions">
          {message && <span className={message.tone === 'ok' ? 'tone-ok' : 'tone-bad'}>{message.text}</span>}
          <button
            type="button"
            className="btn"
            disabled={!dirty || busy}
            onClick={() => {
              setDraft({})
              setPause(null)
              setErrors({})
            }}
          >
            Revert
          </button>
          <button className="btn primary" disabled={!dirty || busy} data-testid="limits-save">
            {busy ? 'Saving…' : 'Save limits'}
          </button>
        </div>
      </form>
      {confirm && (
        <ConfirmPhrase
          title="Loosen risk limits"
          message={`This loosens ${confirm.lines.join(', ')}.`}
          note={
            confirm.keys.length > 0
              ? `In the phrase: ${confirm.keys.map((k) => `${k} = ${labelOf(k as keyof RiskLimits)}`).join(', ')}.`
              : undefined
          }
          phrase={confirm.phrase}
          action="Loosen"
          busy={busy}
          error={confirm.error}
          onConfirm={(typed) => void save(typed)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  )
}
