import type { Broker } from '../../broker/broker'
import type { FetchMarketDataOutput, RiskCheckOutput, ValidateSignalOutput } from '../../contract/steps'
import type { Strategy } from '../../contract/strategies'
import { riskCheck as decide, type RiskCaps, type RiskDecision } from '../../domain/runs/risk'
import type { SignalVerdict } from '../../domain/signals'
import type { StepIo } from './types'

// Step 8, risk_check: an accepted BUY/SELL/EXIT is sized and checked against the strategy's risk
// and the account; anything else is decided without asking the broker.

export interface AccountState {
  netLiquidation: number | null
  availableFunds: number | null
  grossExposure: number
  openPositions: number
}

export interface RiskCheckInput {
  signal: ValidateSignalOutput
  risk: Strategy['config']['risk']
  data: Pick<FetchMarketDataOutput, 'quote' | 'position'>
  caps: RiskCaps
  account: string
  now: () => number
}

export type { RiskDecision }

export function riskCheckInput(signal: ValidateSignalOutput, risk: Strategy['config']['risk'], caps: RiskCaps) {
  return { signalId: signal.signalId, status: signal.status, action: signal.finalAction, risk, caps }
}

/** The account's funds and exposure as the sizing reads them. */
export async function accountState(
  broker: Pick<Broker, 'summary' | 'positions'>,
  account: string,
): Promise<AccountState> {
  const [summary, positions] = await Promise.all([broker.summary(account), broker.positions(account)])
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  const open = positions.filter((p) => p.position !== 0)
  return {
    netLiquidation: num(summary.netliquidation),
    availableFunds: num(summary.availablefunds),
    grossExposure: open.reduce((s, p) => s + Math.abs(p.marketValue ?? (p.marketPrice ?? 0) * p.position), 0),
    openPositions: open.length,
  }
}

export async function riskCheckStep(
  i: RiskCheckInput,
  broker: () => Pick<Broker, 'summary' | 'positions'>,
  io: StepIo,
): Promise<RiskCheckOutput> {
  if (i.signal.status !== 'ACCEPTED' || i.signal.finalAction === 'HOLD') return decide(riskInputs(i, null))
  const account = await accountState(broker(), i.account)
  io.partial({ account })
  // The clock reading the quote's age was measured at, kept so a replay reaches the same verdict.
  const at = i.now()
  return { ...decide(riskInputs({ ...i, now: () => at }, account)), account, at }
}

function riskInputs(i: RiskCheckInput, account: AccountState | null) {
  const verdict: SignalVerdict = i.signal
  return {
    verdict,
    risk: i.risk,
    account: { netLiquidation: account?.netLiquidation ?? null, availableFunds: account?.availableFunds ?? null },
    portfolio: {
      positionQty: i.data.position.qty,
      grossExposure: account?.grossExposure ?? 0,
      openPositions: account?.openPositions ?? 0,
    },
    quote: { last: i.data.quote.last, ageMs: i.now() - i.data.quote.at },
    caps: i.caps,
  }
}

/** What a recorded risk check read: its input, the validated signal, the quote and position, and the account. */
export interface RecordedRiskCheck {
  input: unknown
  signal: ValidateSignalOutput
  data: Pick<FetchMarketDataOutput, 'quote' | 'position'>
  /** The account state the step fetched (in its output); absent when it asked the broker nothing. */
  account: AccountState | undefined
  /** The clock reading the recorded check measured the quote's age at (else when its step started). */
  at: number
}

/**
 * Replay (F19): the risk check re-run from what it recorded — the strategy's risk and the caps from its
 * input, the account from its output — so it never asks the broker and never reaches the order path.
 */
export function replayRiskCheck(r: RecordedRiskCheck): RiskCheckOutput {
  const input = r.input as Partial<ReturnType<typeof riskCheckInput>> | null
  if (!input?.risk || !input.caps)
    throw new Error(
      'This risk check did not record its risk limits and caps (an evaluation run, or one recorded before ' +
        'they were kept): it cannot be replayed.',
    )
  const i: RiskCheckInput = {
    signal: r.signal,
    risk: input.risk,
    data: r.data,
    caps: input.caps,
    account: '',
    now: () => r.at,
  }
  if (r.signal.status !== 'ACCEPTED' || r.signal.finalAction === 'HOLD') return decide(riskInputs(i, null))
  if (!r.account)
    throw new Error('This risk check recorded no account state (it failed before reading it): nothing to replay.')
  return { ...decide(riskInputs(i, r.account)), account: r.account, at: r.at }
}
