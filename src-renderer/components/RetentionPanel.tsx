import { useState } from 'react'
import type { RetentionResult } from '../../src-main/contract/bundles-api'
import { fmtDateTime, fmtInt } from '../lineage/format'
import { call, errorMessage } from '../state/app'
import { useLoad } from '../state/useLoad'

// F21: how long lineage is kept. Off until the user saves a policy; the daily job and "Clean up
// now" delete old runs (never one the trading ledger references) and unreferenced artifacts.

export function RetentionPanel() {
  const state = useLoad(() => call('retention.get', {}), 'retention', ['settings'])
  const [runs, setRuns] = useState<string | null>(null)
  const [artifacts, setArtifacts] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  const s = state.data
  if (!s)
    return (
      <section className="panel muted">
        {state.error ? `Could not load retention: ${state.error}` : 'Loading retention…'}
      </section>
    )
  const policy = s.policy ?? s.defaults
  const runsDays = runs ?? String(policy.keepRunsDays)
  const artifactDays = artifacts ?? String(policy.keepArtifactsDays)

  async function act(what: string, fn: () => Promise<unknown>) {
    setBusy(true)
    setMessage(null)
    try {
      const r = await fn()
      state.reload()
      setMessage({ tone: 'ok', text: what === 'cleanup' ? summary(r as RetentionResult) : 'Saved.' })
    } catch (e) {
      setMessage({ tone: 'bad', text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel" data-testid="retention">
      <h2>Lineage retention</h2>
      <p className="muted">
        {s.policy
          ? `On: runs older than ${s.policy.keepRunsDays} days are deleted daily (runs with orders, ` +
            `fills or trades are always kept).`
          : 'Off: nothing is ever deleted automatically.'}
        {s.lastRun && ` Last cleanup ${fmtDateTime(s.lastRun.at)}: ${summary(s.lastRun.result)}`}
      </p>
      <div className="row">
        <label className="num-input">
          <span className="muted">Keep runs (days)</span>
          <input
            className="num"
            type="number"
            min={7}
            max={3650}
            value={runsDays}
            onChange={(e) => setRuns(e.target.value)}
            data-testid="retention-runs"
          />
        </label>
        <label className="num-input">
          <span className="muted">Keep unreferenced artifacts (days)</span>
          <input
            className="num"
            type="number"
            min={1}
            max={3650}
            value={artifactDays}
            onChange={(e) => setArtifacts(e.target.value)}
          />
        </label>
        <button
          className="btn primary"
          disabled={busy}
          onClick={() =>
            void act('save', () =>
              call('retention.set', {
                policy: { keepRunsDays: Number(runsDays), keepArtifactsDays: Number(artifactDays) },
              }),
            )
          }
          data-testid="retention-save"
        >
          {s.policy ? 'Save' : 'Turn on'}
        </button>
        {s.policy && (
          <>
            <button
              className="btn"
              disabled={busy}
              onClick={() => void act('save', () => call('retention.set', { policy: null }))}
            >
              Turn off
            </button>
            <button
              className="btn"
              disabled={busy}
              onClick={() => void act('cleanup', () => call('retention.run', {}))}
              data-testid="retention-run"
            >
              {busy ? 'Cleaning up…' : 'Clean up now'}
            </button>
          </>
        )}
      </div>
      {message && (
        <div className={`notice tone-${message.tone}`} role="status" data-testid="retention-message">
          {message.text}
        </div>
      )}
    </section>
  )
}

function summary(r: RetentionResult): string {
  return (
    `${fmtInt(r.runsDeleted)} run(s) and ${fmtInt(r.artifactsDeleted + r.orphanFilesDeleted)} ` +
    `file(s) deleted, ${(r.bytesFreed / 1024 / 1024).toFixed(1)} MB freed, ` +
    `${fmtInt(r.runsKept)} old run(s) kept for the trading ledger.`
  )
}
