import { useState } from 'react'
import { errorMessage, startTradingEngine, useApp } from '../state/app'

/** Shown after a first launch from a bundle: only the review library runs until the user starts trading. */
export function ReviewModeBanner() {
  const mode = useApp((s) => s.mode)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  if (mode !== 'review') return null
  async function start() {
    setBusy(true)
    setError(null)
    try {
      await startTradingEngine()
    } catch (e) {
      setError(errorMessage(e))
      setBusy(false)
    }
  }
  return (
    <div className="banner tone-warn review-banner" role="status" data-testid="review-mode-banner">
      <span>
        Review mode: opened from a bundle. The trading engine is not running — no gateway session, schedules or orders.
      </span>
      <button className="btn small" onClick={() => void start()} disabled={busy} data-testid="start-trading">
        {busy ? 'Starting the trading engine…' : 'Start trading engine'}
      </button>
      {error && <span className="field-error">Could not start: {error}</span>}
    </div>
  )
}
