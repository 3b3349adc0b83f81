import { useState } from 'react'

// A confirmation that asks for a typed phrase (loosening a risk limit, resetting a latch, arming
// live). Main checks the phrase again; this dialog only helps the person type it.

export function ConfirmPhrase(props: {
  title: string
  message: string
  /** A second, quieter line (what the phrase's words stand for). */
  note?: string
  phrase: string
  action: string
  busy?: boolean
  error?: string | null
  onConfirm(typed: string): void
  onCancel(): void
}) {
  const [typed, setTyped] = useState('')
  const ok = typed.trim() === props.phrase
  return (
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={props.title} data-testid="confirm-phrase">
      <form
        className="lightbox-inner confirm-dialog"
        onSubmit={(e) => {
          e.preventDefault()
          if (ok && !props.busy) props.onConfirm(typed.trim())
        }}
        onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      >
        <h2>{props.title}</h2>
        <p data-testid="confirm-phrase-message">{props.message}</p>
        {props.note && <p className="muted confirm-note">{props.note}</p>}
        <label className="confirm-label">
          <span className="muted">
            Type <code className="phrase">{props.phrase}</code> to confirm
          </span>
          <input
            autoFocus
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="confirm-phrase-input"
          />
        </label>
        {props.error && <div className="field-error">{props.error}</div>}
        <div className="row end">
          <button type="button" className="btn" onClick={props.onCancel}>
            Cancel
          </button>
          <button className="btn kill-on" disabled={!ok || props.busy} data-testid="confirm-phrase-ok">
            {props.busy ? 'Saving…' : props.action}
          </button>
        </div>
      </form>
    </div>
  )
}
