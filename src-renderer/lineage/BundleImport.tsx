import { useRef, useState, type DragEvent } from 'react'
import type { ReviewLibraryInfo } from '../../src-main/contract/bundles-api'
import { bundleUploadUrl, isDesktop, localPathOf } from '../rpc'
import { call, errorMessage } from '../state/app'
import { JobProgress, newJobId } from './JobProgress'

// Import a review bundle the way a desktop user expects: the native open dialog (Electron) or a file
// picker that uploads (web host), dropping the file on the zone, and a typed path only as a fallback.
// Every way ends in the same read-only `lineage.import`.

const EXT = '.wsbundle'

async function uploaded(file: File): Promise<ReviewLibraryInfo> {
  const res = await fetch(bundleUploadUrl(file.name), {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  })
  const body = (await res.json().catch(() => ({}))) as { library?: ReviewLibraryInfo; error?: string }
  if (!res.ok || !body.library) throw new Error(body.error ?? `Upload failed (HTTP ${res.status})`)
  return body.library
}

export function BundleImport({ onImported }: { onImported(lib: ReviewLibraryInfo): void }) {
  const [busy, setBusy] = useState<string | null>(null)
  const [job, setJob] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [over, setOver] = useState(false)
  const [path, setPath] = useState('')
  const picker = useRef<HTMLInputElement>(null)
  const desktop = isDesktop()

  /** Each way yields a local path to import, or (an upload) the library the host already imported. */
  async function importing(step: () => Promise<string | ReviewLibraryInfo | null>) {
    setError(null)
    try {
      const got = await step()
      if (!got) return
      setBusy('Importing…')
      const id = newJobId('import')
      if (typeof got === 'string') setJob(id)
      const lib = typeof got === 'string' ? await call('lineage.import', { file: got, job: id }) : got
      setPath('')
      onImported(lib)
    } catch (e) {
      const m = errorMessage(e)
      setError(/Nothing was/.test(m) ? m : `${m} Nothing was added to the library.`)
    } finally {
      setBusy(null)
      setJob(null)
    }
  }

  function fromFile(file: File | undefined) {
    if (!file) return
    if (!file.name.endsWith(EXT)) {
      setError(`${file.name} is not a review bundle (${EXT}).`)
      return
    }
    void importing(async () => {
      const local = localPathOf(file)
      if (local) return local
      setBusy(`Uploading and importing ${file.name}…`)
      return uploaded(file)
    })
  }

  function openDialog() {
    if (desktop) void importing(async () => (await call('lineage.pickBundle', {})).file)
    else picker.current?.click()
  }

  const drop = (e: DragEvent) => {
    e.preventDefault()
    setOver(false)
    fromFile(e.dataTransfer.files[0])
  }

  return (
    <div
      className={`bundle-drop${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      data-testid="bundle-drop"
    >
      <div className="row">
        <button className="btn small" onClick={openDialog} disabled={busy !== null} data-testid="open-bundle">
          Open bundle…
        </button>
        <span className="muted">or drop a {EXT} file here to review it read-only</span>
        {busy && !job && (
          <span className="muted" role="status" data-testid="import-progress">
            {busy}
          </span>
        )}
      </div>
      <input
        ref={picker}
        type="file"
        accept={EXT}
        hidden
        onChange={(e) => {
          fromFile(e.target.files?.[0])
          e.target.value = ''
        }}
        data-testid="bundle-file-input"
      />
      <details className="typed-path">
        <summary className="muted">Type a path instead</summary>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault()
            void importing(async () => path.trim())
          }}
        >
          <input
            className="grow mono"
            placeholder={`/path/to/runs${EXT}`}
            value={path}
            onChange={(e) => setPath(e.target.value)}
            aria-label="Bundle file to import"
            data-testid="import-path"
          />
          <button className="btn small" disabled={busy !== null || path.trim() === ''} data-testid="import-bundle">
            Import bundle
          </button>
        </form>
      </details>
      {job && <JobProgress job={job} label="Import" />}
      {error && (
        <div className="field-error" role="alert" data-testid="import-error">
          {error}
        </div>
      )}
    </div>
  )
}
