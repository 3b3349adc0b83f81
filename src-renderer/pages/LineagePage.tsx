import { useMemo, useState } from 'react'
import { navigate } from '../components/navigate'
import { ExportButton, LibraryBar } from '../lineage/Library'
import { RunDetail } from '../lineage/RunDetail'
import { RunList, type RunFilters } from '../lineage/RunList'
import { lineageSource } from '../lineage/source'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'

/**
 * F17/F20: the lineage timeline. Routes `#/lineage[/<run>[/<step>]]` and `#/lineage/review/<library>[/<run>[/<step>]]`.
 */
export function LineagePage({ params }: { params: string[] }) {
  const review = params[0] === 'review' ? (params[1] ?? null) : null
  const [runId = null, step = null] = review ? params.slice(2) : params
  const [filters, setFilters] = useState<RunFilters>({ strategyId: '', status: '', from: '', to: '' })
  const source = useMemo(() => lineageSource(review), [review])
  const strategies = useLoad(() => call('strategies.list', {}), 'strategies', ['strategies']).data ?? []
  const libraries = useLoad(() => call('review.list', {}), 'libraries')
  const from = filters.from ? Date.parse(`${filters.from}T00:00:00`) : 0
  const to = filters.to ? Date.parse(`${filters.to}T23:59:59.999`) : Number.MAX_SAFE_INTEGER

  return (
    <div className="lineage-page" data-testid="lineage-page">
      <div className="lineage-side">
        <LibraryBar review={review} libraries={libraries.data ?? []} onChanged={libraries.reload} />
        <RunList
          key={`${review}|${JSON.stringify(filters)}`}
          source={source}
          selected={runId}
          onSelect={(id) => navigate(source.link(id))}
          strategies={strategies}
          filters={filters}
          onFilters={setFilters}
        />
        {review === null && (
          <ExportButton
            selection={{ from, to, ...(filters.strategyId ? { strategyId: filters.strategyId } : {}) }}
            label="Export the runs in this date range"
          />
        )}
      </div>
      <div className="lineage-detail">
        {strategies.length === 0 && libraries.error && <div className="field-error">{libraries.error}</div>}
        {runId ? (
          <RunDetail
            key={`${review}|${runId}`}
            source={source}
            runId={runId}
            focusStep={step}
            strategies={strategies}
          />
        ) : (
          <div className="panel muted">Pick a run on the left to see each of its steps.</div>
        )}
      </div>
    </div>
  )
}
