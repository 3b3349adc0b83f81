const price = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const pct = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'always',
})
const signed = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'always',
})
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 })

export const fmtPrice = (v: number | null | undefined) => (v === null || v === undefined ? '—' : price.format(v))
export const fmtSigned = (v: number | null | undefined) => (v === null || v === undefined ? '—' : signed.format(v))
export const fmtPct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${pct.format(v)}%`)
export const fmtVolume = (v: number | null | undefined) => (v === null || v === undefined ? '—' : compact.format(v))
export const tone = (v: number | null | undefined) =>
  v === null || v === undefined || v === 0 ? '' : v > 0 ? 'up' : 'down'
