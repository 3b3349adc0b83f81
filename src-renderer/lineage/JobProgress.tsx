import { useEffect, useState } from 'react'
import type { BundleProgress } from '../../src-main/contract/bundles-api'
import { call, onEvent } from '../state/app'

// Progress of a bundle job (import or export) running in the engine's worker: phase, percent, Cancel.

const PHASE: Record<BundleProgress['phase'], string> = {
  hashing: 'Reading the file',
  checking: 'Checking its contents',
  copying: 'Copying runs and artifacts',
  verifying: 'Verifying the copy',
}

let jobSeq = 0
export const newJobId = (op: string) => `${op}-${Date.now().toString(36)}-${++jobSeq}`

/** Progress of a running bundle job (import or export): a bar with its phase, and Cancel. */
export function JobProgress({ job, label }: { job: string; label: string }) {
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
