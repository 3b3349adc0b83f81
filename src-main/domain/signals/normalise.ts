// The lenient pre-normaliser (LLM.md §5): fixes the common harmless deviations before the strict
// schema, and flags every change so the lineage shows what was touched.

const NULLABLE = ['entry_type', 'entry', 'entry_zone', 'stop_loss', 'time_horizon_days'] as const
const PRICE_FIELDS = ['entry', 'stop_loss', 'time_horizon_days', 'confidence'] as const

function priceLike(v: unknown): number | unknown {
  if (typeof v !== 'string') return v
  const m = /^\s*\$?\s*(-?\d+(?:,\d{3})*(?:\.\d+)?)\s*$/.exec(v)
  return m ? Number(m[1]!.replace(/,/g, '')) : v
}

export function normaliseDraft(raw: unknown): { value: unknown; flags: string[] } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { value: raw, flags: [] }
  const d: Record<string, unknown> = { ...(raw as Record<string, unknown>) }
  const flags: string[] = []
  if (typeof d.action === 'string') {
    const a = d.action.trim().toUpperCase()
    const mapped = a === 'LONG' ? 'BUY' : a === 'SHORT' ? 'SELL' : a
    if (mapped !== d.action) {
      flags.push('action_normalised')
      d.action = mapped
    }
  }
  for (const k of NULLABLE) {
    if (d[k] === '') {
      d[k] = null
      flags.push(`${k}_empty_to_null`)
    }
  }
  for (const k of PRICE_FIELDS) {
    const v = priceLike(d[k])
    if (v !== d[k]) {
      d[k] = v
      flags.push(`${k}_from_string`)
    }
  }
  if (Array.isArray(d.targets)) {
    d.targets = d.targets.map((t: unknown) => {
      if (!t || typeof t !== 'object') return t
      const o = t as Record<string, unknown>
      const p = priceLike(o.price)
      if (p === o.price) return t
      flags.push('target_price_from_string')
      return { ...o, price: p }
    })
  }
  const zone = d.entry_zone as { low?: unknown; high?: unknown } | null | undefined
  if (zone && typeof zone.low === 'number' && typeof zone.high === 'number' && zone.low > zone.high) {
    d.entry_zone = { ...zone, low: zone.high, high: zone.low }
    flags.push('entry_zone_swapped')
  }
  return { value: d, flags }
}
