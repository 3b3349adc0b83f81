import { StrategyLimitOverrides } from '../risk/StrategyLimitOverrides'
import { useEffect, useRef, useState } from 'react'
import { INDICATORS, IndicatorSpec, indicatorLabel, type IndicatorType } from '../../src-main/contract/indicators'
import type { SearchResult } from '../../src-main/contract/models'
import type { PromptTemplate } from '../../src-main/contract/prompts-api'
import type { StrategyInput } from '../../src-main/contract/strategies'
import { RpcCallError } from '../../src-main/contract/client'
import { Field } from '../components/Field'
import { call, errorMessage } from '../state/app'
import { fmtDateTime } from '../lineage/format'

// F6: create and edit a strategy. Every field the engine checks at save time; a refused save shows
// each problem at its field and changes nothing. The schedule shows its next five fires as you type.

export type StrategyDraft = StrategyInput

export const NEW_STRATEGY: StrategyDraft = {
  name: '',
  conid: 0,
  symbol: '',
  indicators: IndicatorSpec.array().parse([
    { id: 'st', type: 'supertrend' },
    { id: 'sma20', type: 'sma', params: { period: 20 } },
    { id: 'sma50', type: 'sma', params: { period: 50 } },
    { id: 'macd', type: 'macd' },
    { id: 'rsi', type: 'rsi' },
    { id: 'atr', type: 'atr' },
  ]),
  promptVersionId: null,
  provider: 'auto',
  model: null,
  llmDailyBudgetUsd: null,
  timeframes: '1D+1W',
  schedule: { cron: '35 9 * * 1-5', tz: 'America/New_York', missedPolicy: 'skip', graceMs: 300_000 },
  marketHours: 'rth_only',
  risk: {
    riskPct: 0.01,
    minR: 1.5,
    minProfitMargin: 0.05,
    minConfidence: 0.55,
    maxPositionShares: 1000,
    maxPositionPct: 0.1,
    allowShort: false,
    allowPyramiding: false,
    combination: 'agree',
  },
  mode: 'dry-run',
  approval: 'ask',
}

/** Messages by field from a refused save: the engine's strategy problems or zod issues. */
function problemsByField(e: unknown): Record<string, string> {
  if (!(e instanceof RpcCallError) || e.code !== 'BAD_INPUT' || !Array.isArray(e.details)) return {}
  const out: Record<string, string> = {}
  for (const p of e.details as { field?: string; path?: unknown[]; message?: string }[]) {
    const key = p.field ?? (p.path ?? []).slice(0, 2).join('.')
    if (key && p.message && !out[key]) out[key] = p.message
  }
  return out
}

export function StrategyForm(props: {
  id: string | null
  initial: StrategyDraft
  onSaved(id: string): void
  onCancel(): void
}) {
  const [s, setS] = useState<StrategyDraft>(props.initial)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [prompts, setPrompts] = useState<PromptTemplate[]>([])
  useEffect(() => {
    call('prompts.list', { includeArchived: false })
      .then(setPrompts)
      .catch(() => setPrompts([]))
  }, [])

  // Editing a field clears the message a refused save left on it.
  const clear = (...prefixes: string[]) =>
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !prefixes.some((p) => k.startsWith(p)))))
  const set = <K extends keyof StrategyDraft>(k: K, v: StrategyDraft[K]) => (clear(k), setS((x) => ({ ...x, [k]: v })))
  const setRisk = <K extends keyof StrategyDraft['risk']>(k: K, v: StrategyDraft['risk'][K]) => (
    clear('risk'),
    setS((x) => ({ ...x, risk: { ...x.risk, [k]: v } }))
  )
  const setSchedule = <K extends keyof StrategyDraft['schedule']>(k: K, v: StrategyDraft['schedule'][K]) => (
    clear('schedule'),
    setS((x) => ({ ...x, schedule: { ...x.schedule, [k]: v } }))
  )

  async function save() {
    setSaving(true)
    setMessage(null)
    try {
      const saved = props.id
        ? await call('strategies.update', { id: props.id, strategy: s })
        : await call('strategies.create', s)
      setErrors({})
      props.onSaved(saved.id)
    } catch (e) {
      const byField = problemsByField(e)
      setErrors(byField)
      setMessage(
        Object.keys(byField).length > 0 ? 'Not saved: fix the fields marked below.' : `Not saved: ${errorMessage(e)}`,
      )
    } finally {
      setSaving(false)
    }
  }

  const err = (...keys: string[]) => keys.map((k) => errors[k]).find(Boolean)
  return (
    <form
      className="panel strategy-form"
      data-testid="strategy-form"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === 's') {
          e.preventDefault()
          void save()
        }
      }}
    >
      <div className="row spread">
        <h2>{props.id ? 'Edit strategy' : 'New strategy'}</h2>
        <div className="page-actions">
          <button type="button" className="btn" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={saving} data-testid="strategy-save" title="Ctrl+S">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
      {message && (
        <div className="notice tone-bad" role="alert" data-testid="strategy-form-error">
          {message}
        </div>
      )}
      <Field label="Name" htmlFor="st-name" error={err('name')}>
        <input id="st-name" value={s.name} onChange={(e) => set('name', e.target.value)} data-testid="st-name" />
      </Field>
      <Field
        label="Instrument"
        htmlFor="st-instrument"
        error={err('conid', 'symbol')}
        hint={s.conid ? `${s.symbol} · conid ${s.conid}` : 'Search and pick the instrument'}
      >
        <InstrumentPicker
          value={s.symbol}
          onPick={(r) => (clear('conid', 'symbol'), setS((x) => ({ ...x, conid: r.conid, symbol: r.symbol })))}
        />
      </Field>
      <Field
        label="Indicators"
        htmlFor="st-ind-add"
        error={Object.entries(errors).find(([k]) => k.startsWith('indicators'))?.[1]}
      >
        <IndicatorEditor value={s.indicators} onChange={(v) => set('indicators', v)} />
      </Field>
      <Field
        label="Prompt"
        htmlFor="st-prompt"
        error={err('promptVersionId')}
        hint="The default uses the global combined-analysis template’s latest version."
      >
        <select
          id="st-prompt"
          value={s.promptVersionId ?? ''}
          onChange={(e) => set('promptVersionId', e.target.value || null)}
        >
          <option value="">Default template (latest version)</option>
          {prompts.map((p) => (
            <option key={p.latest.id} value={p.latest.id}>
              {p.name} v{p.latest.version} ({p.purpose})
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Analyst"
        htmlFor="st-provider"
        error={err('provider', 'model')}
        hint={
          'Automatic: the OpenAI-compatible model when a key or endpoint is set, else the rules ' +
          'analyst (not an LLM).'
        }
      >
        <div className="row">
          <select
            id="st-provider"
            value={s.provider}
            onChange={(e) => set('provider', e.target.value as StrategyDraft['provider'])}
          >
            <option value="auto">Automatic</option>
            <option value="rules">Rules-based (no language model)</option>
            <option value="openai">OpenAI-compatible model</option>
          </select>
          <input
            placeholder="Model (default from Settings)"
            value={s.model ?? ''}
            onChange={(e) => set('model', e.target.value.trim() || null)}
            disabled={s.provider === 'rules'}
          />
          <label className="radio">
            Daily budget $
            <input
              className="num narrow"
              type="number"
              min={0}
              step={0.5}
              value={s.llmDailyBudgetUsd ?? ''}
              placeholder="none"
              onChange={(e) => set('llmDailyBudgetUsd', e.target.value === '' ? null : Number(e.target.value))}
            />
          </label>
        </div>
      </Field>
      <Field label="Timeframes" htmlFor="st-tf">
        <div className="segmented" id="st-tf">
          {(['1D', '1W', '1D+1W'] as const).map((t) => (
            <button
              type="button"
              key={t}
              className={s.timeframes === t ? 'on' : ''}
              onClick={() => set('timeframes', t)}
            >
              {t}
            </button>
          ))}
        </div>
      </Field>
      <Field label="Schedule" htmlFor="st-cron" error={err('schedule', 'schedule.cron', 'schedule.tz')}>
        <div className="row">
          <input
            id="st-cron"
            className="mono"
            value={s.schedule.cron}
            onChange={(e) => setSchedule('cron', e.target.value)}
            data-testid="st-cron"
            title="minute hour day-of-month month day-of-week"
          />
          <input
            className="mono"
            value={s.schedule.tz}
            onChange={(e) => setSchedule('tz', e.target.value)}
            list="time-zones"
            aria-label="Time zone"
          />
          <select
            value={s.schedule.missedPolicy}
            onChange={(e) => setSchedule('missedPolicy', e.target.value as StrategyDraft['schedule']['missedPolicy'])}
            aria-label="Missed runs"
          >
            <option value="skip">Missed runs: skip</option>
            <option value="run_latest_if_within_grace">Missed runs: run the latest within grace</option>
          </select>
          <select
            value={s.marketHours}
            onChange={(e) => set('marketHours', e.target.value as StrategyDraft['marketHours'])}
            aria-label="Market hours"
          >
            <option value="rth_only">Regular hours only</option>
            <option value="any">Any time</option>
          </select>
        </div>
        <datalist id="time-zones">
          {Intl.supportedValuesOf('timeZone').map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <SchedulePreview cron={s.schedule.cron} tz={s.schedule.tz} />
      </Field>
      <Field label="Risk" htmlFor="st-risk" error={Object.entries(errors).find(([k]) => k.startsWith('risk'))?.[1]}>
        <div className="risk-grid" id="st-risk">
          <NumberInput
            label="Risk per trade %"
            value={s.risk.riskPct * 100}
            step={0.25}
            onChange={(v) => setRisk('riskPct', v / 100)}
          />
          <NumberInput label="Min reward/risk" value={s.risk.minR} step={0.1} onChange={(v) => setRisk('minR', v)} />
          <NumberInput
            label="Min margin %"
            value={s.risk.minProfitMargin * 100}
            step={0.5}
            onChange={(v) => setRisk('minProfitMargin', v / 100)}
          />
          <NumberInput
            label="Min confidence"
            value={s.risk.minConfidence}
            step={0.05}
            onChange={(v) => setRisk('minConfidence', v)}
          />
          <NumberInput
            label="Max shares"
            value={s.risk.maxPositionShares}
            step={10}
            onChange={(v) => setRisk('maxPositionShares', v)}
          />
          <NumberInput
            label="Max position %"
            value={s.risk.maxPositionPct * 100}
            step={1}
            onChange={(v) => setRisk('maxPositionPct', v / 100)}
          />
          <StrategyLimitOverrides value={s.risk.limits} onChange={(v) => setRisk('limits', v)} />
          <label className="radio">
            <input
              type="checkbox"
              checked={s.risk.allowShort}
              onChange={(e) => setRisk('allowShort', e.target.checked)}
            />{' '}
            Allow shorts
          </label>
          <label className="radio">
            <input
              type="checkbox"
              checked={s.risk.allowPyramiding}
              onChange={(e) => setRisk('allowPyramiding', e.target.checked)}
            />{' '}
            Allow adding to a position
          </label>
          <label className="radio">
            Combine
            <select
              value={s.risk.combination}
              onChange={(e) => setRisk('combination', e.target.value as StrategyDraft['risk']['combination'])}
            >
              <option value="agree">Model and 3-of-4 indicators agree</option>
              <option value="llm_only">Model only</option>
              <option value="technical_only">Indicators only</option>
            </select>
          </label>
        </div>
      </Field>
      <Field
        label="Mode"
        htmlFor="st-mode"
        error={err('mode', 'approval')}
        hint="Dry run records the exact order and sends nothing. Live needs explicit arming for its account."
      >
        <div className="row">
          <div className="segmented" id="st-mode">
            {(['dry-run', 'paper', 'live'] as const).map((m) => (
              <button
                type="button"
                key={m}
                className={s.mode === m ? 'on' : ''}
                onClick={() => set('mode', m)}
                data-testid={`st-mode-${m}`}
              >
                {m}
              </button>
            ))}
          </div>
          <div className="segmented">
            {(['ask', 'auto'] as const).map((a) => (
              <button type="button" key={a} className={s.approval === a ? 'on' : ''} onClick={() => set('approval', a)}>
                {a === 'ask' ? 'Ask first' : 'Automatic'}
              </button>
            ))}
          </div>
        </div>
      </Field>
    </form>
  )
}

function NumberInput(props: { label: string; value: number; step: number; onChange(v: number): void }) {
  return (
    <label className="num-input">
      <span className="muted">{props.label}</span>
      <input
        className="num"
        type="number"
        step={props.step}
        value={Number.isFinite(props.value) ? Number(props.value.toFixed(6)) : ''}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
    </label>
  )
}

export function InstrumentPicker({
  value,
  onPick,
  id = 'st-instrument',
}: {
  value: string
  onPick(r: SearchResult): void
  id?: string
}) {
  const [q, setQ] = useState(value)
  const [results, setResults] = useState<SearchResult[]>([])
  const [open, setOpen] = useState(false)
  const seq = useRef(0)
  const [lastValue, setLastValue] = useState(value)
  if (value !== lastValue) {
    setLastValue(value)
    setQ(value)
  }
  useEffect(() => {
    const query = q.trim()
    if (!open || query === '') return
    const mine = ++seq.current
    const t = setTimeout(() => {
      call('instruments.search', { query })
        .then((r) => mine === seq.current && setResults(r.slice(0, 8)))
        .catch(() => mine === seq.current && setResults([]))
    }, 200)
    return () => clearTimeout(t)
  }, [q, open])
  return (
    <div className="picker">
      <input
        id={id}
        value={q}
        placeholder="Symbol, e.g. MSFT"
        onChange={(e) => {
          setQ(e.target.value)
          setOpen(true)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && results[0]) {
            e.preventDefault()
            onPick(results[0])
            setOpen(false)
          }
        }}
        data-testid={id}
      />
      {open && results.length > 0 && (
        <ul className="picker-list" role="listbox">
          {results.map((r) => (
            <li
              key={r.conid}
              role="option"
              aria-selected={false}
              onMouseDown={() => {
                onPick(r)
                setOpen(false)
              }}
              data-testid={`pick-${r.symbol}`}
            >
              <span className="strong">{r.symbol}</span> <span className="muted">{r.name}</span>{' '}
              <span className="muted mono">{r.exchange}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function IndicatorEditor({ value, onChange }: { value: IndicatorSpec[]; onChange(v: IndicatorSpec[]): void }) {
  const [adding, setAdding] = useState<IndicatorType | ''>('')
  const add = (type: IndicatorType) => {
    let n = 1
    while (value.some((s) => s.id === `${type}${n}`)) n++
    onChange([...value, IndicatorSpec.parse({ id: `${type}${n}`, type })])
    setAdding('')
  }
  const setParam = (i: number, key: string, v: number | string) => {
    const next = [...value]
    next[i] = { ...next[i]!, params: { ...(next[i]!.params as Record<string, unknown>), [key]: v } } as IndicatorSpec
    onChange(next)
  }
  return (
    <div className="indicator-editor">
      <div className="chips">
        {value.map((spec, i) => (
          <span key={spec.id} className="chip" title={spec.id}>
            {indicatorLabel(spec)}
            {Object.entries(spec.params as Record<string, number | string>).map(([k, v]) => (
              <input
                key={k}
                className="chip-param"
                aria-label={`${spec.id} ${k}`}
                value={String(v)}
                onChange={(e) => setParam(i, k, typeof v === 'number' ? Number(e.target.value) : e.target.value)}
              />
            ))}
            <button
              type="button"
              onClick={() => onChange(value.filter((_, j) => j !== i))}
              aria-label={`Remove ${spec.id}`}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <select
        id="st-ind-add"
        value={adding}
        onChange={(e) => e.target.value && add(e.target.value as IndicatorType)}
        aria-label="Add indicator"
      >
        <option value="">Add indicator…</option>
        {INDICATORS.map((i) => (
          <option key={i.type} value={i.type}>
            {i.label}
          </option>
        ))}
      </select>
    </div>
  )
}

function SchedulePreview({ cron, tz }: { cron: string; tz: string }) {
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
