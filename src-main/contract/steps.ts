import type { FinalAction, SignalDraft, SignalStatus, Violation } from './signals'
import type { StrategyInput } from './strategies'
import type { OrderStatus } from './models'

// What each canonical step records as its output (the `run_steps.output` JSON). The executor
// checks its outputs against these types and the timeline renders them; old runs may lack fields
// added later, so readers treat every field as possibly missing.

export interface CheckSessionOutput {
  state: string
  account: string
  paper: boolean
  url: string
}

export interface LoadStrategyOutput {
  strategy: { id: string; key: string; name: string; revision: number; config: StrategyInput }
  prompt: { versionId: string | null; name: string; version: number | null; system: string; body: string }
  analyst: { provider: 'rules' | 'openai'; model: string; label: string }
}

export interface BarsDescription {
  count: number
  first: string | null
  last: string | null
  lastClose: number | null
}

export interface FetchMarketDataOutput {
  instrument: {
    conid: number
    symbol: string
    exchange: string
    currency: string
    source: string
    /** Price increment from the contract's rules at the last price (absent in runs recorded before it). */
    increment?: number
  }
  barsSha256: string
  asOf: string
  droppedFormingBar: boolean
  daily: BarsDescription
  weekly: BarsDescription | null
  quote: { last: number | null; bid: number | null; ask: number | null; at: number }
  position: { qty: number; avgCost: number | null; marketPrice: number | null; unrealizedPnl: number | null }
  problems: { code: string; message: string }[]
}

export type Vote = 'bull' | 'bear' | 'none'
export interface ComputeIndicatorsOutput {
  indicatorsSha256: string
  d: Record<string, number | null>
  w: Record<string, number | null> | null
  confirmation: {
    supertrend: Vote
    price_vs_sma20: Vote
    macd: Vote
    rsi: Vote
    bull_count: number
    bear_count: number
    direction: 'bull' | 'bear' | 'mixed'
  }
  levels: { support: number[]; resistance: number[] }
  strategy: { id: string; label: string; values: Record<string, number | null> }[]
}

export interface ChartImage {
  timeframe: '1D' | '1W'
  sha256: string
  width: number
  height: number
  bars: number
  title: string
}
export interface RenderChartsOutput {
  images: ChartImage[]
}

export interface LlmAnalysisOutput {
  provider: 'rules' | 'openai'
  model: string
  label: string
  promptSha256: string
  rawSha256: string
  rawText: string
  outcome: 'draft' | 'review'
  reviewReason: string | null
  detail: string | null
  usage: { promptTokens: number; completionTokens: number; costMicros: number; priced: boolean; latencyMs: number }
  attempts: {
    purpose: string
    mode: string
    images: number
    httpStatus: number | null
    finishReason: string | null
    promptTokens: number | null
    completionTokens: number | null
    latencyMs: number
    error: string | null
  }[]
  capability: { structured: string; vision: boolean } | null
}

/** The validator's verdict (LLM.md §6): R, margin and size are computed in code, never taken from the model. */
export interface SignalVerdict {
  status: SignalStatus
  finalAction: FinalAction
  reviewReason: string | null
  violations: Violation[]
  flags: string[]
  /** The normalised draft, when it parsed. */
  draft: SignalDraft | null
  confidenceLevel: 'HIGH' | 'MEDIUM' | 'LOW' | null
  numbers: SignalNumbers | null
}

export interface SignalNumbers {
  riskPerShare: number
  rMultiples: number[]
  profitMarginPct: number
}

export interface ValidateSignalOutput extends SignalVerdict {
  signalId: string
}

export interface RiskCheckRow {
  rule: string
  passed: boolean
  value: string
  limit: string
  message: string
}
export interface RiskCheckOutput {
  kind: 'open' | 'exit' | 'none'
  side: 'BUY' | 'SELL' | null
  qty: number
  entry: number | null
  stop: number | null
  target: number | null
  sizing: {
    qty: number
    riskPerShare: number
    riskAmount: number
    notional: number
    limitedBy: string
    reason: string | null
  } | null
  checks: RiskCheckRow[]
  reason: string | null
  account?: {
    netLiquidation: number | null
    availableFunds: number | null
    grossExposure: number
    openPositions: number
  }
  /** When the quote's age was measured (actionable signals): a replay measures it from the same instant. */
  at?: number
}

export interface OrderIntentTicket {
  clientOrderId: string
  leg: 'single' | 'parent' | 'stop' | 'target'
  parentClientOrderId: string | null
  conid: number
  side: 'BUY' | 'SELL'
  orderType: 'LMT' | 'STP'
  tif: 'DAY' | 'GTC'
  qty: number
  price: number
  outsideRth: false
}
/** An order as sent: its row id, client order id and where it stands. */
export interface SubmittedOrder {
  id: string
  clientOrderId: string
  leg: OrderIntentTicket['leg']
  status: OrderStatus
  brokerOrderId: string | null
  filledQty: number
  lastError: string | null
}

export interface PlaceOrderOutput {
  mode: StrategyInput['mode']
  dryRun: boolean
  sent: boolean
  orders: OrderIntentTicket[]
  noOrder?: string
  note?: string
  /** The risk gate's verdict at the moment of sending (paper and live). */
  gate?: { allowed: boolean; reason: string | null; checks: RiskCheckRow[] }
  submitted?: SubmittedOrder[]
  awaitingApproval?: { id: string; expiresAt: number }
}

export interface CompleteOutput {
  status: 'succeeded' | 'failed'
  error?: string
  durationMs: number
  strategy: string
  mode: string
  analyst?: string
  signal?: { id: string; status: SignalStatus; action: FinalAction }
  risk?: { kind: string; qty: number; reason: string | null }
  orders?: string[]
  usage?: LlmAnalysisOutput['usage']
}

/** One difference between an original step output and its replay. */
export interface Difference {
  path: string
  before: unknown
  after: unknown
}
