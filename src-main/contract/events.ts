import { z } from 'zod'
import { Alert, GatewayStatus, Quote, RunStep, RunSummary } from './models'
import { BundleProgress } from './bundles-api'
import { EvaluationProgress } from './evaluations-api'
import { PortfolioChanged } from './portfolio-api'

/** Every event the host pushes to subscribed clients. */
export const events = {
  'gateway.status': GatewayStatus,
  'db.changed': z.object({ tables: z.array(z.string()).min(1) }),
  'alerts.raised': Alert,
  'market.tick': Quote,
  'lineage.stepRecorded': RunStep.extend({ runId: z.string() }),
  'lineage.runUpdated': RunSummary,
  /** Orders changed (status, fills, new intents): reload what is shown. */
  'orders.changed': z.object({ at: z.number().int() }),
  /** Executions landed, positions or trades were recomputed, or a portfolio snapshot was taken. */
  'portfolio.changed': PortfolioChanged,
  /** A bundle import or export running off the main thread made progress. */
  'bundles.progress': BundleProgress,
  /** An evaluation advanced, finished, failed or was cancelled. */
  'evaluations.progress': EvaluationProgress,
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventData<E extends EventName> = z.output<Events[E]>

export const EVENT_NAMES = Object.keys(events) as EventName[]

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name)
}
