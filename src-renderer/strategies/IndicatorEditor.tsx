import { useState } from 'react'
import { INDICATORS, IndicatorSpec, indicatorLabel, type IndicatorType } from '../../src-main/contract/indicators'

// A strategy's indicators (F6): add one by type, set its parameters, remove it.

export function IndicatorEditor({ value, onChange }: { value: IndicatorSpec[]; onChange(v: IndicatorSpec[]): void }) {
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
