import type { StrategyLimitOverrides as Overrides } from '../../src-main/contract/risk-limits-api'

// Per-strategy overrides of the account's risk limits (issue #9): empty means "the account's limit";
// a value only ever tightens it (the engine applies the stricter of the two).

const FIELDS: { key: 'maxOrderNotional' | 'maxSymbolNotional' | 'maxStrategyNotional'; label: string }[] = [
  { key: 'maxOrderNotional', label: 'Max order $' },
  { key: 'maxSymbolNotional', label: 'Max per symbol $' },
  { key: 'maxStrategyNotional', label: 'Max for strategy $' },
]

export function StrategyLimitOverrides(props: {
  value: Overrides | undefined
  onChange(v: Overrides | undefined): void
}) {
  const v = props.value ?? {}
  function set(key: (typeof FIELDS)[number]['key'], text: string) {
    const next: Overrides = { ...v }
    if (text.trim() === '') delete next[key]
    else next[key] = Number(text)
    props.onChange(Object.keys(next).length > 0 ? next : undefined)
  }
  return (
    <>
      {FIELDS.map((f) => (
        <label
          key={f.key}
          className="num-input"
          title="Empty: the account's limit (Settings). A value can only tighten it."
        >
          <span className="muted">{f.label}</span>
          <input
            className="num"
            type="number"
            min={1}
            step={1000}
            placeholder="account"
            value={v[f.key] ?? ''}
            onChange={(e) => set(f.key, e.target.value)}
            data-testid={`st-limit-${f.key}`}
          />
        </label>
      ))}
    </>
  )
}
