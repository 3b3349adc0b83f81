import { useEffect, useState } from 'react'
import type { PromptTemplate } from '../../src-main/contract/prompts-api'
import { IndicatorSpec } from '../../src-main/contract/indicators'
import type { StrategyInput } from '../../src-main/contract/strategies'
import { RpcCallError } from '../../src-main/contract/client'
import { Field } from '../components/Field'
import { call, errorMessage } from '../state/app'
import { IndicatorEditor } from './IndicatorEditor'
import { InstrumentPicker } from './InstrumentPicker'
import { SchedulePreview } from './SchedulePreview'
import { StrategyRiskFields } from './StrategyRiskFields'

export { InstrumentPicker } from './InstrumentPicker'

// F6: create and edit a strategy. Every field the engine checks at save time; a refused save shows
// each problem at its field and changes nothing. The schedule shows its next five fires as you type.
// Its parts: InstrumentPicker, IndicatorEditor, SchedulePreview and StrategyRiskFields.

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
      <StrategyRiskFields s={s} errors={errors} setRisk={setRisk} />
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
