import type { Input } from '../../src-main/contract/api'
import type { RunStep, RunSummary } from '../../src-main/contract/models'
import { artifactUrl } from '../rpc'
import { call } from '../state/app'

// Where the timeline reads from: the live store, or an imported review library (F20), which is
// read-only and works with no gateway and no key. Routes: `#/lineage/<run>/<step>` and
// `#/lineage/review/<library>/<run>/<step>`.

export type Run = RunSummary & { steps: RunStep[] }
export type RunPage = Omit<Input<'runs.list'>, never>

export interface LineageSource {
  /** null: the live store. */
  review: string | null
  listRuns(filter: RunPage): Promise<RunSummary[]>
  getRun(runId: string): Promise<Run>
  artifactUrl(sha256: string): string
  /** The route of a run (and step) in this source. */
  link(runId: string, step?: string): string
}

export function lineageSource(review: string | null): LineageSource {
  const base = review ? `#/lineage/review/${review}` : '#/lineage'
  return {
    review,
    listRuns: (filter) => (review ? call('review.listRuns', { id: review, ...filter }) : call('runs.list', filter)),
    getRun: (runId) => (review ? call('review.getRun', { id: review, runId }) : call('lineage.getRun', { runId })),
    artifactUrl: (sha) => artifactUrl(sha, review),
    link: (runId, step) => `${base}/${runId}${step ? `/${step}` : ''}`,
  }
}
