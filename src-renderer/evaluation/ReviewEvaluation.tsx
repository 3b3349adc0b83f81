import { navigate } from '../components/navigate'
import { call } from '../state/app'
import { useLoad } from '../state/useLoad'
import { ReportView } from './ReportView'

// An evaluation read from an imported bundle (F20/F25): its stored report and decisions, each decision
// opening its run in the review library's timeline. No gateway and no key are involved.
// Route: `#/lab/review/<library>[/<evaluation>]`.

export function ReviewEvaluation({ library, id }: { library: string; id: string | null }) {
  const { data: list, error: listError } = useLoad(() => call('review.listEvaluations', { id: library }), library)
  const chosen = id ?? list?.[0]?.id ?? null
  const { data: report, error } = useLoad(
    () => (chosen ? call('review.evaluationReport', { id: library, evaluationId: chosen }) : Promise.resolve(null)),
    `${library}/${chosen}`,
  )
  return (
    <div className="page wide" data-testid="lab-review">
      <header className="page-header">
        <h1>Evaluation (imported bundle)</h1>
        <div className="page-actions">
          <button className="btn small" onClick={() => navigate(`#/lineage/review/${library}`)}>
            Decision runs in the timeline
          </button>
        </div>
      </header>
      {(listError || error) && (
        <div className="notice tone-bad">
          Could not read this bundle&apos;s evaluation: {listError ?? error}. Import the bundle again from the
          timeline&apos;s library menu.
        </div>
      )}
      {list?.length === 0 && (
        <div className="notice">This bundle holds runs only, no evaluation. Open it in the timeline instead.</div>
      )}
      {list && list.length > 1 && (
        <div className="segmented">
          {list.map((e) => (
            <button
              key={e.id}
              className={e.id === chosen ? 'on' : ''}
              onClick={() => navigate(`#/lab/review/${library}/${e.id}`)}
            >
              {e.strategyName ?? e.strategyId} {e.from} → {e.to}
            </button>
          ))}
        </div>
      )}
      {report && <ReportView key={report.id} report={report} review={library} />}
    </div>
  )
}
