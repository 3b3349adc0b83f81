// Portfolio figures for display: money with a sign and thousands separators, shares as percents.

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const signedMoney = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
})

export const fmtMoney = (v: number | null | undefined) => (v === null || v === undefined ? '—' : money.format(v))
export const fmtPnl = (v: number | null | undefined) => (v === null || v === undefined ? '—' : signedMoney.format(v))
/** A fraction as a percent: 0.1234 → `12.3 %`. */
export const fmtShare = (v: number | null | undefined, dp = 1) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(dp)} %`
export const fmtSignedShare = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(2)} %`
export const fmtR = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(2)} R`
export const pnlTone = (v: number | null | undefined) =>
  v === null || v === undefined || v === 0 ? '' : v > 0 ? 'up' : 'down'
