import { useEffect, useState } from 'react'
import type { Strategy } from '../../src-main/contract/strategies'
import { RunDetail } from '../lineage/RunDetail'
import { RunList, type RunFilters } from '../lineage/RunList'
import { call, errorMessage, onEvent } from '../state/app'

/** F17: the lineage timeline. Route: `#/lineage[/<runId>[/<step>]]`. */
export function LineagePage({ params }: { params: string[] }) {
  const [runId = null, step = null] = params
  const [strategies, setStrategies] = useState<Strategy[]>([])
  const [filters, setFilters] = useState<RunFilters>({ strategyId: '', status: '', from: '', to: '' })
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const load = () =>
      call('strategies.list', {})
        .then(setStrategies)
        .catch((e: unknown) => setError(errorMessage(e)))
    void load()
    return onEvent('db.changed', ({ tables }) => tables.includes('strategies') && void load())
  }, [])

  return (
    <div className="lineage-page" data-testid="lineage-page">
      <RunList selected={runId} onSelect={(id) => (window.location.hash = `#/lineage/${id}`)} strategies={strategies} filters={filters} onFilters={setFilters} />
      <div className="lineage-detail">
        {error && <div className="field-error">{error}</div>}
        {runId ? <RunDetail runId={runId} focusStep={step} strategies={strategies} /> : <div className="panel muted">Pick a run on the left to see each of its steps.</div>}
      </div>
    </div>
  )
}
