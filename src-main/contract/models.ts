import { z } from 'zod'

/** Error codes that cross the wire (ARCHITECTURE.md, wire protocol). */
export const ErrorCode = z.enum(['BAD_INPUT', 'NOT_FOUND', 'CONFLICT', 'UNAVAILABLE', 'FORBIDDEN', 'INTERNAL'])
export type ErrorCode = z.infer<typeof ErrorCode>

export const GatewayState = z.enum([
  'offline',
  'unauthenticated',
  'authenticated',
  'competing',
  'expired',
  'maintenance',
])
export type GatewayState = z.infer<typeof GatewayState>

/** How each state reads to a person (badge, tray, notifications). */
export const GATEWAY_STATE_LABEL: Record<GatewayState, string> = {
  offline: 'Offline',
  unauthenticated: 'Not logged in',
  authenticated: 'Connected',
  competing: 'Competing session',
  expired: 'Session expired',
  maintenance: 'Maintenance',
}

export const GatewayStatus = z.object({
  state: GatewayState,
  account: z.string().nullable(),
  paper: z.boolean().nullable(),
  url: z.string(),
  /** Human-readable reason for the state, with what to do about it. */
  detail: z.string(),
  /** The gateway's own login page, when it has one. */
  loginUrl: z.string().nullable(),
  checkedAt: z.number().int(),
})
export type GatewayStatus = z.infer<typeof GatewayStatus>

export const Health = z.object({
  ok: z.boolean(),
  version: z.string(),
  gateway: z.object({ url: z.string(), state: GatewayState }),
  db: z.enum(['ok', 'error']),
  host: z.enum(['web', 'electron', 'test']),
  startedAt: z.number().int(),
  dataDir: z.string(),
})
export type Health = z.infer<typeof Health>

const MAX_URL = 500

/** `sim` (the built-in simulator) or the base URL of a Client Portal Gateway. */
export const GatewaySetting = z
  .string()
  .trim()
  .max(MAX_URL)
  .refine((v) => v === 'sim' || isHttpUrl(v), {
    message: 'Use "sim" or a gateway URL such as https://127.0.0.1:5000',
  })

export const AccountId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,20}$/, 'An account id is 1-20 letters and digits, such as DU1234567')

export const LlmBaseUrl = z
  .string()
  .trim()
  .max(MAX_URL)
  .refine(isHttpUrl, { message: 'Use an http(s) URL such as http://127.0.0.1:11434/v1' })
  .refine((v) => !isHttpUrl(v) || new URL(v).protocol === 'https:' || isLoopbackHost(new URL(v).hostname), {
    message: 'Plain http is only for a server on this machine (127.0.0.1, ::1, localhost); use https for anything else',
  })

export const LlmModel = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:/@-]{1,100}$/, 'A model name is 1-100 letters, digits and ._:/@-')

export const SettingSource = z.enum(['flag', 'env', 'stored', 'default'])
export type SettingSource = z.infer<typeof SettingSource>

/** One setting as the user sees it: the effective value, where it comes from, and what is stored. */
function settingView<T extends z.ZodType>(value: T) {
  return z.object({
    value,
    source: SettingSource,
    stored: value.nullable(),
    /** The environment variable or flag that overrides the stored value, when one does. */
    overriddenBy: z.string().nullable(),
  })
}

export const SettingsView = z.object({
  gateway: settingView(z.string()),
  account: settingView(z.string().nullable()),
  llmBaseUrl: settingView(z.string().nullable()),
  llmModel: settingView(z.string()),
  llmApiKey: z.object({
    set: z.boolean(),
    source: z.enum(['env', 'keychain']).nullable(),
    /** Where a key typed into Settings would be kept; `null` when this host never stores keys. */
    storage: z.enum(['keychain']).nullable(),
  }),
  dataDir: z.object({ value: z.string(), source: SettingSource }),
})
export type SettingsView = z.infer<typeof SettingsView>

/** A settings change: only the fields present change; `null` clears a stored value. */
export const SettingsPatch = z
  .object({
    gateway: GatewaySetting.nullable(),
    account: AccountId.nullable(),
    llmBaseUrl: LlmBaseUrl.nullable(),
    llmModel: LlmModel.nullable(),
    llmApiKey: z.string().min(1).max(512).nullable(),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change' })
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const AlertLevel = z.enum(['info', 'warning', 'error'])

export const Alert = z.object({
  id: z.string(),
  level: AlertLevel,
  title: z.string(),
  message: z.string(),
  at: z.number().int(),
  /** Something the user can do from the notification itself (an approval to decide). */
  action: z.object({ kind: z.literal('approval'), id: z.string() }).optional(),
})
export type Alert = z.infer<typeof Alert>

/** 127.0.0.0/8, ::1 or localhost: the only hosts an API key may reach over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v)
    return (
      (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === ''
    )
  } catch {
    return false
  }
}

// Shared status vocabularies: the database CHECK constraints are built from these same lists.
export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'aborted'])
export type RunStatus = z.infer<typeof RunStatus>
export const RunTrigger = z.enum(['schedule', 'manual', 'replay', 'eval'])
export const StepStatus = z.enum(['succeeded', 'failed', 'skipped'])
export const StrategyMode = z.enum(['dry-run', 'paper', 'live'])
export const ApprovalMode = z.enum(['auto', 'ask'])
export const FireOutcome = z.enum(['RAN', 'MISSED', 'SKIPPED_OVERLAP', 'SKIPPED_SESSION', 'SKIPPED_CLOSED'])
export type FireOutcome = z.infer<typeof FireOutcome>
export const SignalAction = z.enum(['BUY', 'SELL', 'HOLD', 'REVIEW'])
export const OrderStatus = z.enum([
  'PENDING_SUBMIT',
  'AWAITING_REPLY',
  'SUBMITTED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'REJECTED',
  'EXPIRED',
  'UNKNOWN',
  'PENDING_CANCEL',
  'NOT_PLACED',
  'DRY_RUN',
])
export type OrderStatus = z.infer<typeof OrderStatus>
export const OrderLeg = z.enum(['single', 'parent', 'stop', 'target'])
export const OrderOrigin = z.enum(['strategy', 'manual', 'external'])
export const OrderSide = z.enum(['BUY', 'SELL'])
export const OrderType = z.enum(['LMT', 'MKT', 'STP', 'STOP_LIMIT'])
export const TimeInForce = z.enum(['DAY', 'GTC', 'IOC', 'OPG'])

/** One OHLCV bar; `t` is the bar's start in UTC epoch ms (IBKR's history `t`). */
export const Bar = z.object({
  t: z.number().int(),
  o: z.number().finite(),
  h: z.number().finite(),
  l: z.number().finite(),
  c: z.number().finite(),
  v: z.number().finite().nonnegative(),
})
export type Bar = z.infer<typeof Bar>

/** Computed indicator series, aligned with the bars they came from (`null` during warm-up). */
export const IndicatorResult = z.object({
  id: z.string(),
  type: z.string(),
  label: z.string(),
  placement: z.enum(['overlay', 'pane']),
  series: z.record(z.string(), z.array(z.number().nullable())),
})
export type IndicatorResult = z.infer<typeof IndicatorResult>

/** A signal's price levels, drawn on charts. */
export const PriceLevels = z.object({
  entry: z.number().finite().nullable(),
  stop: z.number().finite().nullable(),
  targets: z.array(z.number().finite()).max(5),
})
export type PriceLevels = z.infer<typeof PriceLevels>

const CONID_MESSAGE = 'Pick an instrument: a contract id (conid) is a positive whole number'
export const Conid = z
  .number({ error: CONID_MESSAGE })
  .int(CONID_MESSAGE)
  .positive(CONID_MESSAGE)
  .max(2 ** 31 - 1, CONID_MESSAGE)

export const AccountInfo = z.object({
  id: z.string(),
  title: z.string().nullable(),
  currency: z.string().nullable(),
  paper: z.boolean(),
  selected: z.boolean(),
})
export type AccountInfo = z.infer<typeof AccountInfo>

export const Instrument = z.object({
  conid: Conid,
  symbol: z.string(),
  name: z.string(),
  exchange: z.string(),
  secType: z.string(),
  currency: z.string(),
})
export type Instrument = z.infer<typeof Instrument>

/** Where data came from: the gateway now, or the local cache because the gateway could not answer. */
export const DataSource = z.enum(['live', 'cache'])

export const SearchResult = Instrument.extend({ source: DataSource })
export type SearchResult = z.infer<typeof SearchResult>

export const InstrumentDetails = Instrument.extend({
  validExchanges: z.array(z.string()),
  tradingClass: z.string().nullable(),
  category: z.string().nullable(),
  industry: z.string().nullable(),
  multiplier: z.number().nullable(),
  source: DataSource,
})
export type InstrumentDetails = z.infer<typeof InstrumentDetails>

/** IBKR's history bar sizes (IBKR.md §3.3; `1m` is one month). */
export const BarSize = z.enum([
  '1min',
  '2min',
  '3min',
  '5min',
  '10min',
  '15min',
  '30min',
  '1h',
  '2h',
  '3h',
  '4h',
  '8h',
  '1d',
  '1w',
  '1m',
])
export type BarSize = z.infer<typeof BarSize>

const PERIOD_LIMITS: Record<string, number> = { min: 30, h: 8, d: 1000, w: 792, m: 182, y: 15 }
/** IBKR's history period grammar: `{1-30}min`, `{1-8}h`, `{1-1000}d`, `{1-792}w`, `{1-182}m`, `{1-15}y`. */
export const HistoryPeriod = z.string().refine(
  (p) => {
    const m = /^([1-9]\d{0,3})(min|h|d|w|m|y)$/.exec(p)
    return m !== null && Number(m[1]) <= PERIOD_LIMITS[m[2]!]!
  },
  {
    message:
      'Period is a count and a unit within IBKR limits: 1-30min, 1-8h, 1-1000d, 1-792w, 1-182m (months) or 1-15y',
  },
)

export const Quote = z.object({
  conid: Conid,
  last: z.number().nullable(),
  bid: z.number().nullable(),
  ask: z.number().nullable(),
  change: z.number().nullable(),
  changePct: z.number().nullable(),
  volume: z.number().nullable(),
  /** The gateway said the data is delayed or frozen, not real-time. */
  delayed: z.boolean(),
  /** The market is closed or the instrument halted (`C`/`H` prefixes on the last price). */
  closed: z.boolean(),
  updatedAt: z.number().int(),
})
export type Quote = z.infer<typeof Quote>

export const WatchlistItem = Instrument.extend({ position: z.number().int(), quote: Quote.nullable() })
export type WatchlistItem = z.infer<typeof WatchlistItem>

/** The certificate a gateway presents, and whether this app trusts (has pinned) it. */
export const GatewayCertificate = z.object({
  url: z.string(),
  fingerprint: z.string(),
  subject: z.string(),
  validTo: z.string(),
  trusted: z.boolean(),
})
export type GatewayCertificate = z.infer<typeof GatewayCertificate>

/** The canonical steps of a run, in order (PRODUCT.md). */
export const StepId = z.enum([
  'check_session',
  'load_strategy',
  'fetch_market_data',
  'compute_indicators',
  'render_charts',
  'llm_analysis',
  'validate_signal',
  'risk_check',
  'place_order',
  'track_order',
  'update_portfolio',
  'complete',
])
export type StepId = z.infer<typeof StepId>

export const StepError = z.object({
  message: z.string(),
  stack: z.string().nullable(),
  partialOutput: z.unknown().optional(),
})

export const RunStep = z.object({
  step: StepId,
  seq: z.number().int(),
  attempt: z.number().int(),
  status: StepStatus,
  startedAt: z.number().int(),
  durationMs: z.number(),
  input: z.unknown(),
  output: z.unknown(),
  error: StepError.nullable(),
  artifacts: z.array(z.string()),
})
export type RunStep = z.infer<typeof RunStep>

export const RunSummary = z.object({
  id: z.string(),
  strategyId: z.string().nullable(),
  /** The strategy's name (also in a review bundle, where the live strategy list does not know it). */
  strategyName: z.string().nullable(),
  trigger: RunTrigger,
  status: RunStatus,
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  scheduledFor: z.number().int().nullable(),
  replayOf: z.string().nullable(),
  error: z.string().nullable(),
})
export type RunSummary = z.infer<typeof RunSummary>
