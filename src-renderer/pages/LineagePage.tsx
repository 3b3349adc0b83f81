import { useState } from 'react'
import { RunDetail } from '../lineage/RunDetail'
import { RunList, type RunFilters } from '../lineage/RunList'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'
import { navigate } from '../components/navigate'

/** F17: the lineage timeline. Route: `#/lineage[/<runId>[/<step>]]`. */
export function LineagePage({ params }: { params: string[] }) {
  const [runId = null, step = null] = params
  const [filters, setFilters] = useState<RunFilters>({ strategyId: '', status: '', from: '', to: '' })
  const { data, error } = useLoad(() => call('strategies.list', {}), 'strategies', ['strategies'])
  const strategies = data ?? []

  return (
    <div className="lineage-page" data-testid="lineage-page">
      <RunList key={JSON.stringify(filters)} selected={runId} onSelect={(id) => (navigate(`#/lineage/${id}`))} strategies={strategies} filters={filters} onFilters={setFilters} />
      <div className="lineage-detail">
        {error && <div className="field-error">{error}</div>}
        {runId ? <RunDetail key={runId} runId={runId} focusStep={step} strategies={strategies} /> : <div className="panel muted">Pick a run on the left to see each of its steps.</div>}
      </div>
    </div>
  )
}
