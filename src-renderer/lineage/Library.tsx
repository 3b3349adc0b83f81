import { useEffect, useState } from 'react'
import type {
  BundleProgress,
  BundleSelection,
  ExportResult,
  ReviewLibraryInfo,
} from '../../src-main/contract/bundles-api'
import { navigate } from '../components/navigate'
import { call, errorMessage, onEvent } from '../state/app'
import { fmtDateTime, fmtInt } from './format'

// F20 in the timeline: export runs to one portable bundle file, import bundles read-only, and switch
// the timeline between the live store and an imported review library.

const fmtBytes = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`)

const PHASE: Record<BundleProgress['phase'], string> = {
  hashing: 'Reading the file',
  checking: 'Checking its contents',
  copying: 'Copying runs and artifacts',
  verifying: 'Verifying the copy',
}

let jobSeq = 0
const newJobId = (op: string) => `${op}-${Date.now().toString(36)}-${++jobSeq}`

/** Progress of a running bundle job (import or export): a bar with its phase, and Cancel. */
function JobProgress({ job, label }: { job: string; label: string }) {
  const [p, setP] = useState<BundleProgress | null>(null)
  useEffect(() => onEvent('bundles.progress', (d) => d.job === job && setP(d)), [job])
  const pct = p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : null
  return (
    <div className="job-progress" data-testid="bundle-progress" role="status">
      <span className="muted">
        {label}: {p ? PHASE[p.phase] : 'Starting'}
        {pct !== null && <span className="num"> {pct}%</span>}
      </span>
      <progress max={100} value={pct ?? undefined} aria-label={`${label} progress`} />
      <button className="btn small" type="button" onClick={() => void call('bundles.cancel', { job })}>
        Cancel
      </button>
    </div>
  )
}

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
  const [path, setPath] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const current = libraries.find((l) => l.id === review)

  async function importFile() {
    const job = newJobId('import')
    setBusy(job)
    setError(null)
    try {
      const lib = await call('lineage.import', { file: path.trim(), job })
      setPath('')
      onChanged()
      navigate(`#/lineage/review/${lib.id}`)
    } catch (e) {
      const m = errorMessage(e)
      setError(/Nothing was/.test(m) ? m : `${m} Nothing was added to the library.`)
    } finally {
      setBusy(null)
    }
  }

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
              ? `Review: ${fmtInt(l.meta.counts.runs)} run(s), ${fmtDateTime(l.meta.range.from)} – ` +
                `${fmtDateTime(l.meta.range.to)}`
              : `Unreadable bundle ${l.id.slice(0, 8)}: ${l.error ?? ''}`}
          </option>
        ))}
      </select>
      {current ? (
        <div className="muted library-note">
          Read-only bundle from app {current.meta?.appVersion}, exported {fmtDateTime(current.meta?.createdAt)}.{' '}
          <button className="btn small" onClick={() => void remove(current.id)}>
            Remove from library
          </button>
        </div>
      ) : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault()
            void importFile()
          }}
        >
          <input
            className="grow mono"
            placeholder="/path/to/runs.wsbundle"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            aria-label="Bundle file to import"
            data-testid="import-path"
          />
          <button className="btn small" disabled={busy !== null || path.trim() === ''} data-testid="import-bundle">
            {busy ? 'Importing…' : 'Import bundle'}
          </button>
        </form>
      )}
      {busy && <JobProgress job={busy} label="Import" />}
      {error && (
        <div className="field-error" role="alert" data-testid="import-error">
          {error}
        </div>
      )}
    </div>
  )
}
