import { useState } from 'react'
import {
  reviewRoute,
  type BundleSelection,
  type ExportResult,
  type ReviewLibraryInfo,
} from '../../src-main/contract/bundles-api'
import { navigate } from '../components/navigate'
import { BundleImport } from './BundleImport'
import { call, errorMessage } from '../state/app'
import { fmtDateTime, fmtInt } from './format'
import { JobProgress, newJobId } from './JobProgress'

// F20 in the timeline: export runs to one portable bundle file, import bundles read-only, and switch
// the timeline between the live store and an imported review library.

const fmtBytes = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`)

export function ExportButton({ selection, label }: { selection: BundleSelection; label: string }) {
  const [busy, setBusy] = useState<string | null>(null)
  const [result, setResult] = useState<ExportResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  async function run() {
    const job = newJobId('export')
    setBusy(job)
    setError(null)
    setResult(null)
    try {
      setResult(await call('lineage.export', { selection, job }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }
  return (
    <span className="export">
      <button className="btn small" onClick={() => void run()} disabled={busy !== null} data-testid="export-bundle">
        {busy ? 'Exporting…' : label}
      </button>
      {busy && <JobProgress job={busy} label="Export" />}
      {result && (
        <span className="muted" data-testid="export-result">
          {fmtInt(result.runs)} run(s), {fmtInt(result.artifacts)} artifact(s), {fmtBytes(result.bytes)} →{' '}
          <span className="mono" data-testid="export-file">
            {result.file}
          </span>
          {result.missingArtifacts.length > 0 && (
            <span className="tone-warn"> ({result.missingArtifacts.length} artifact(s) missing from the store)</span>
          )}
        </span>
      )}
      {error && <span className="field-error">Export failed: {error}</span>}
    </span>
  )
}

export function LibraryBar({
  review,
  libraries,
  onChanged,
}: {
  review: string | null
  libraries: ReviewLibraryInfo[]
  onChanged(): void
}) {
  const [error, setError] = useState<string | null>(null)
  const current = libraries.find((l) => l.id === review)

  async function remove(id: string) {
    try {
      await call('review.remove', { id })
      onChanged()
      navigate('#/lineage')
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <div className="library-bar">
      <select
        aria-label="Library"
        value={review ?? ''}
        onChange={(e) => navigate(e.target.value ? `#/lineage/review/${e.target.value}` : '#/lineage')}
        data-testid="library-select"
      >
        <option value="">Live store</option>
        {libraries.map((l) => (
          <option key={l.id} value={l.id} disabled={l.meta === null}>
            {l.meta
              ? `Review${'evaluationId' in l.meta.selection ? ' (evaluation)' : ''}: ` +
                `${fmtInt(l.meta.counts.runs)} run(s), ${fmtDateTime(l.meta.range.from)} – ` +
                `${fmtDateTime(l.meta.range.to)}`
              : `Unreadable bundle ${l.id.slice(0, 8)}: ${l.error ?? ''}`}
          </option>
        ))}
      </select>
      {current ? (
        <div className="muted library-note">
          Read-only bundle from app {current.meta?.appVersion}, exported {fmtDateTime(current.meta?.createdAt)}.{' '}
          {current.meta && 'evaluationId' in current.meta.selection && (
            <button
              className="btn small"
              onClick={() => navigate(`#/lab/review/${current.id}`)}
              data-testid="library-evaluation"
            >
              Open the evaluation report
            </button>
          )}{' '}
          <button className="btn small" onClick={() => void remove(current.id)}>
            Remove from library
          </button>
        </div>
      ) : (
        <BundleImport
          onImported={(lib) => {
            onChanged()
            navigate(reviewRoute(lib))
          }}
        />
      )}
      {error && <div className="field-error">{error}</div>}
    </div>
  )
}
