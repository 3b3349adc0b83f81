import type { z } from 'zod'
import type { portfolioMethods } from '../contract/portfolio-api'
import type { PortfolioService } from './portfolio'

// RPC for the portfolio (F16): each method delegates to the service.

type Methods = typeof portfolioMethods
export type PortfolioMethod = keyof Methods
/** Typed from the portfolio contract alone; the same shape as the dispatcher's `Handlers` entries. */
export type PortfolioHandlers = {
  [M in PortfolioMethod]: (
    input: z.output<Methods[M]['input']>,
  ) => Promise<z.output<Methods[M]['output']>> | z.output<Methods[M]['output']>
}

export function createPortfolioHandlers(
  s: Pick<PortfolioService, 'get' | 'snapshots' | 'trades' | 'fills'>,
): PortfolioHandlers {
  return {
    'portfolio.get': () => s.get(),
    'portfolio.snapshots': ({ from, to }) => s.snapshots(from, to),
    'portfolio.trades': (filter) => s.trades(filter),
    'portfolio.fills': (filter) => s.fills(filter),
  }
}
