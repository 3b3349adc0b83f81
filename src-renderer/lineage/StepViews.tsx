import type { ReactNode } from 'react'
import type { RunStep } from '../../src-main/contract/models'
import { ChartsView } from './steps/ChartsView'
import { StepErrorView, type RunContext } from './steps/common'
import { IndicatorsView } from './steps/IndicatorsView'
import { LlmView } from './steps/LlmView'
import { CompleteView, OrderView } from './steps/OrderViews'
import { MarketDataView, SessionView, StrategyView } from './steps/SessionViews'
import { RiskView, SignalView } from './steps/SignalViews'

// One rich view per step type (F17), in ./steps by family; this file picks the view for a step.

export { AnalystBadge, Lightbox, levelsOf, SignalBadge, type RunContext } from './steps/common'

export function StepBody({ step, ctx }: { step: RunStep; ctx: RunContext }) {
  if (step.status === 'skipped')
    return <p className="muted">{String((step.output as { reason?: string } | null)?.reason ?? 'Skipped')}</p>
  const body = step.status === 'succeeded' ? richView(step, ctx) : null
  return (
    <>
      {step.error && <StepErrorView error={step.error} />}
      {body}
    </>
  )
}

function richView(step: RunStep, ctx: RunContext): ReactNode {
  const o = step.output as never
  switch (step.step) {
    case 'check_session':
      return <SessionView o={o} />
    case 'load_strategy':
      return <StrategyView o={o} />
    case 'fetch_market_data':
      return <MarketDataView o={o} ctx={ctx} />
    case 'compute_indicators':
      return <IndicatorsView o={o} />
    case 'render_charts':
      return <ChartsView o={o} ctx={ctx} />
    case 'llm_analysis':
      return <LlmView o={o} ctx={ctx} />
    case 'validate_signal':
      return <SignalView o={o} />
    case 'risk_check':
      return <RiskView o={o} />
    case 'place_order':
      return <OrderView o={o} />
    case 'complete':
      return <CompleteView o={o} ctx={ctx} />
    default:
      return null
  }
}
