import type { EvaluationArm, PrimaryMetric } from '../../src-main/contract/evaluations-api'
import type { Output } from '../../src-main/contract/api'
import { PRIMARY_METRIC_LABEL } from '../../src-main/contract/evaluations-api'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'

// The arms of an evaluation (EVALUATION.md §5): each arm picks its analyst, and for a language model
// its model and prompt version; an A/B run has two arms on frozen inputs and a primary metric declared
// before the run. The estimate is shown per arm and in total.

export type Analyst = 'own' | 'rules' | 'llm'
export interface ArmDraft {
  analyst: Analyst
  model: string
  promptVersionId: string
}
export type Estimate = Output<'evaluations.estimate'>
export const NEW_ARM: ArmDraft = { analyst: 'rules', model: '', promptVersionId: '' }

/** The request's arm: the strategy's own analyst, prompt and model unless a field is set. */
export function armOf(d: ArmDraft): EvaluationArm {
  const llm = d.analyst !== 'rules'
  return {
    ...(d.analyst === 'own' ? {} : { analyst: d.analyst }),
    ...(llm && d.model.trim() ? { model: d.model.trim() } : {}),
    ...(llm && d.promptVersionId ? { promptVersionId: d.promptVersionId } : {}),
  }
}

export function ArmEditor({
  name,
  arm,
  onChange,
  testId,
}: {
  name: string
  arm: ArmDraft
  onChange(a: ArmDraft): void
  testId: string
}) {
  const { data: prompts } = useLoad(() => call('prompts.list', { includeArchived: false }), 'prompts', [
    'prompt_templates',
    'prompt_versions',
  ])
  const rules = arm.analyst === 'rules'
  return (
    <fieldset className="lab-arm" data-testid={testId}>
      <legend>{name}</legend>
      <label>
        Analyst
        <select
          value={arm.analyst}
          onChange={(e) => onChange({ ...arm, analyst: e.target.value as Analyst })}
          data-testid={testId === 'lab-arm-a' ? 'lab-analyst' : `${testId}-analyst`}
        >
          <option value="rules">Rules analyst (free, no language model)</option>
          <option value="own">The strategy&apos;s own analyst and prompt</option>
          <option value="llm">Language model</option>
        </select>
      </label>
      <label>
        Model
        <input
          value={arm.model}
          disabled={rules}
          placeholder={rules ? 'no model' : 'the strategy’s / Settings model'}
          onChange={(e) => onChange({ ...arm, model: e.target.value })}
          data-testid={`${testId}-model`}
        />
      </label>
      <label>
        Prompt version
        <select
          value={arm.promptVersionId}
          disabled={rules}
          onChange={(e) => onChange({ ...arm, promptVersionId: e.target.value })}
          data-testid={`${testId}-prompt`}
        >
          <option value="">The strategy&apos;s prompt</option>
          {(prompts ?? []).map((p) => (
            <option key={p.latest.id} value={p.latest.id}>
              {p.name} v{p.latest.version} ({p.purpose})
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  )
}

export function PrimaryMetricSelect({ value, onChange }: { value: PrimaryMetric; onChange(m: PrimaryMetric): void }) {
  return (
    <label title="Declared before the run: the A/B verdict is judged on this metric only">
      Primary metric (declared now)
      <select value={value} onChange={(e) => onChange(e.target.value as PrimaryMetric)} data-testid="lab-primary">
        {(Object.keys(PRIMARY_METRIC_LABEL) as PrimaryMetric[]).map((m) => (
          <option key={m} value={m}>
            {PRIMARY_METRIC_LABEL[m]}
            {m === 'meanR' ? ' (default)' : ''}
          </option>
        ))}
      </select>
    </label>
  )
}

const usd = (e: Estimate) => `$${e.usdLow.toFixed(2)}–$${e.usdHigh.toFixed(2)}`

/** Per-arm estimates and the total, as a dense table. */
export function EstimateTable({ rows }: { rows: { name: string; estimate: Estimate | null }[] }) {
  return (
    <table className="grid compact lab-estimates" data-testid="lab-estimates">
      <thead>
        <tr>
          <th>Arm</th>
          <th className="num">Decisions</th>
          <th className="num">Model calls</th>
          <th className="num">Cached</th>
          <th className="num">Cost (USD)</th>
          <th className="num">Time</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, estimate: e }) => (
          <tr key={name} className={name === 'Total' ? 'strong' : ''}>
            <td>{name}</td>
            <td className="num">{e?.decisions ?? '…'}</td>
            <td className="num">{e?.calls ?? '…'}</td>
            <td className="num">{e?.cachedCalls ?? '…'}</td>
            <td className="num">{e ? usd(e) : '…'}</td>
            <td className="num">{e ? `${e.seconds} s` : '…'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
