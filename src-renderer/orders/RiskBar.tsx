import { useState } from 'react'
import { call, errorMessage, useApp } from '../state/app'
import { useLoad } from '../state/useLoad'

// The kill switch (F12), always one click away on the Orders page and the dashboard: turning it on
// or resetting it (or the daily loss latch) asks for a reason inline, which is recorded; a reset also
// needs "RESET <account>" typed, which main checks.

type Pending = { action: 'kill-on' | 'kill-off' | 'loss-reset' | 'arm'; reason: string; phrase: string }

export function RiskBar() {
  const risk = useLoad(() => call('risk.get', {}), 'risk', ['risk_state', 'orders'])
  const paper = useApp((s) => s.gateway?.paper ?? null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [error, setError] = useState<string | null>(null)
  const r = risk.data
  if (!r)
    return <span className="muted">{risk.error ? `Risk state unavailable: ${risk.error}` : 'No account yet'}</span>

  async function confirm() {
    if (!pending) return
    setError(null)
    try {
      // Resets need "RESET <account>" typed: main checks it (this form only collects it).
      const confirmation = pending.phrase.trim()
      if (pending.action === 'loss-reset') await call('risk.resetDailyLoss', { reason: pending.reason, confirmation })
      else if (pending.action === 'arm') await call('risk.armLive', { confirmation: pending.reason })
      else if (pending.action === 'kill-off')
        await call('risk.setKillSwitch', { on: false, reason: pending.reason, confirmation })
      else await call('risk.setKillSwitch', { on: true, reason: pending.reason })
      setPending(null)
      risk.reload()
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <div className="risk-bar page-actions" data-testid="risk-bar">
      <span
        className={`badge ${r.reconciled ? 'tone-ok' : 'tone-warn'}`}
        title="Orders go out only after the broker's orders, trades and positions were loaded and matched"
      >
        {r.reconciled ? 'Reconciled' : 'Reconciling…'}
      </span>
      {pending ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault()
            void confirm()
          }}
        >
          <input
            autoFocus
            placeholder={
              pending.action === 'arm'
                ? `Type ARM ${r.account} to let live strategies send real orders`
                : pending.action === 'kill-on'
                  ? 'Why stop? (e.g. news, checking positions)'
                  : 'Why may trading resume? (recorded)'
            }
            value={pending.reason}
            onChange={(e) => setPending({ ...pending, reason: e.target.value })}
            onKeyDown={(e) => e.key === 'Escape' && setPending(null)}
            data-testid="risk-reason"
          />
          {(pending.action === 'kill-off' || pending.action === 'loss-reset') && (
            <input
              placeholder={`Type RESET ${r.account} to confirm`}
              value={pending.phrase}
              onChange={(e) => setPending({ ...pending, phrase: e.target.value })}
              onKeyDown={(e) => e.key === 'Escape' && setPending(null)}
              spellCheck={false}
              data-testid="risk-phrase"
            />
          )}
          <button
            className={`btn ${pending.action === 'kill-on' || pending.action === 'arm' ? 'kill-on' : 'primary'}`}
            data-testid="risk-confirm"
          >
            {pending.action === 'kill-on' ? 'Stop trading' : pending.action === 'arm' ? 'Arm live trading' : 'Resume'}
          </button>
          <button type="button" className="btn" onClick={() => setPending(null)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          {paper === false &&
            (r.liveArmingAllowed === false && !r.liveArmed ? (
              <span className="badge tone-warn" title="Restart the web host with --allow-live to arm live trading">
                Live arming off (no --allow-live)
              </span>
            ) : r.liveArmed ? (
              <button
                className="btn small tone-live"
                onClick={() => void call('risk.disarmLive', {}).then(() => risk.reload())}
                title="Live strategies may send real orders; click to disarm"
              >
                LIVE ARMED · disarm
              </button>
            ) : (
              <button
                className="btn small"
                onClick={() => setPending({ action: 'arm', reason: '', phrase: '' })}
                data-testid="arm-live"
              >
                Arm live trading…
              </button>
            ))}
          {r.dailyLossLatched && (
            <button className="btn small" onClick={() => setPending({ action: 'loss-reset', reason: '', phrase: '' })}>
              Daily loss limit reached · reset…
            </button>
          )}
          <button
            className={`btn ${r.killSwitch ? 'kill-on' : ''}`}
            onClick={() =>
              setPending({
                action: r.killSwitch ? 'kill-off' : 'kill-on',
                reason: r.killSwitch ? '' : 'manual stop',
                phrase: '',
              })
            }
            data-testid="kill-switch"
            data-on={r.killSwitch}
            title={r.killReason ?? 'Stop all risk-increasing orders'}
          >
            {r.killSwitch ? `Kill switch ON${r.killReason ? ` — ${r.killReason}` : ''}` : 'Kill switch'}
          </button>
        </>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  )
}
