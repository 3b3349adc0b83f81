import { z } from 'zod'

// Lenient parsing of gateway JSON (IBKR.md §5): numbers arrive as strings with thousands
// separators, K/M suffixes, or `C`/`H` prefixes; the same field may be a number elsewhere.
// Unknown keys pass; a field we need that is missing or unreadable is an error, never a guess.

/** "1,300" → 1300; "1.2K" → 1200; "C168.42" → 168.42; 0.04 → 0.04; "" → null. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v !== 'string') return null
  let s = v.trim().replace(/,/g, '')
  if (s === '') return null
  s = s.replace(/^[CH]/, '')
  const m = /^(-?\d+(?:\.\d+)?)([KMB])?$/.exec(s)
  if (!m) return null
  const scale = m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'B' ? 1e9 : 1
  return Number(m[1]) * scale
}

export const num = z.unknown().transform((v, ctx) => {
  const n = toNumber(v)
  if (n === null) {
    ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)}` })
    return z.NEVER
  }
  return n
})
export const optNum = z
  .unknown()
  .optional()
  .transform((v) => (v === undefined ? null : toNumber(v)))
export const conid = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(Number)

export const AuthStatus = z.looseObject({
  authenticated: z.boolean().optional(),
  competing: z.boolean().optional(),
  connected: z.boolean().optional(),
  fail: z.string().optional(),
  message: z.string().optional(),
})
export type AuthStatus = z.infer<typeof AuthStatus>

export const Tickle = z.looseObject({
  session: z.string().optional(),
  ssoExpires: z.number().optional(),
  iserver: z.looseObject({ authStatus: AuthStatus.optional() }).optional(),
})

export const Accounts = z.looseObject({
  accounts: z.array(z.string()).optional(),
  selectedAccount: z.string().optional(),
  isPaper: z.boolean().optional(),
  aliases: z.record(z.string(), z.string().nullable()).optional(),
})

export const PortfolioAccounts = z.array(
  z.looseObject({
    id: z.string(),
    accountTitle: z.string().nullable().optional(),
    currency: z.string().nullable().optional(),
    type: z.string().nullable().optional(),
  }),
)

export const SearchResults = z.array(
  z.looseObject({
    conid: conid,
    symbol: z.string(),
    companyName: z.string().nullable().optional(),
    companyHeader: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    sections: z.array(z.looseObject({ secType: z.string(), exchange: z.string().optional() })).optional(),
  }),
)

export const ContractInfo = z.looseObject({
  con_id: conid,
  symbol: z.string(),
  instrument_type: z.string(),
  listing_exchange: z.string().optional(),
  exchange: z.string().optional(),
  valid_exchanges: z.string().optional(),
  currency: z.string(),
  company_name: z.string(),
  trading_class: z.string().nullable().optional(),
  multiplier: z.unknown().optional(),
  category: z.string().nullable().optional(),
  industry: z.string().nullable().optional(),
})

export const HistoryResponse = z.looseObject({
  data: z.array(z.looseObject({ t: z.number(), o: num, h: num, l: num, c: num, v: optNum })),
  mdAvailability: z.string().optional(),
})

/** One snapshot or `smd` row: values by field code, as received (strings or numbers). */
export const MarketDataRow = z.looseObject({ conid: conid.optional(), _updated: z.number().optional() })
