import { StrategyLimitOverrides } from '../risk/StrategyLimitOverrides'
import { Field } from '../components/Field'
import type { StrategyDraft } from './StrategyForm'

// A strategy's risk section (F6): sizing, the entry thresholds, its limit overrides (which only
// tighten), shorts, pyramiding and how the model and the indicators combine.

type Risk = StrategyDraft['risk']

export function StrategyRiskFields({
  s,
  errors,
  setRisk,
}: {
  s: StrategyDraft
  errors: Record<string, string>
  setRisk<K extends keyof Risk>(k: K, v: Risk[K]): void
}) {
  return (
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
