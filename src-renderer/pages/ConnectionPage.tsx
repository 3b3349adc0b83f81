import { useCallback, useEffect, useState } from 'react'
import type { AccountInfo, GatewayCertificate } from '../../src-main/contract/models'
import { ConnectionBadge } from '../components/ConnectionBadge'
import { call, errorMessage, useApp } from '../state/app'

/** F1: the session state, what to do about it, the account picker and the login page. */
export function ConnectionPage(_props: { params: string[] }) {
  const gateway = useApp((s) => s.gateway)
  const [accounts, setAccounts] = useState<AccountInfo[] | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)
  const [loginLink, setLoginLink] = useState<string | null>(null)

  const loadAccounts = useCallback(
    () =>
      call('accounts.list', {}).then(setAccounts, (e: unknown) => {
        setAccounts([])
        setMessage({ tone: 'bad', text: `Accounts unavailable: ${errorMessage(e)}` })
      }),
    [],
  )

  const state = gateway?.state
  useEffect(() => {
    if (state === 'authenticated') void loadAccounts()
  }, [state, loadAccounts])

  async function run(label: string, fn: () => Promise<string>) {
    setBusy(label)
    setMessage(null)
    try {
      setMessage({ tone: 'ok', text: await fn() })
    } catch (e) {
      setMessage({ tone: 'bad', text: `${label} failed: ${errorMessage(e)}` })
    } finally {
      setBusy(null)
    }
  }

  if (!gateway) return <div className="page-loading">Loading connection…</div>
  const where = gateway.url === 'sim' ? 'Built-in simulator' : gateway.url

  return (
    <div className="page" data-testid="connection-page">
      <header className="page-header">
        <h1>Connection</h1>
        <div className="page-actions">
          {message && (
            <span className={`status-text tone-${message.tone}`} role="status" data-testid="connection-status">
              {message.text}
            </span>
          )}
        </div>
      </header>
      <section className="panel">
        <h2>Gateway session</h2>
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <ConnectionBadge />
          </dd>
          <dt>What it means</dt>
          <dd data-testid="gateway-detail">{gateway.detail}</dd>
          <dt>Gateway</dt>
          <dd className="mono">{where}</dd>
          <dt>Mode</dt>
          <dd>
            {gateway.paper === null ? '—' : gateway.paper ? 'Paper account' : 'Live account: orders move real money'}
          </dd>
        </dl>
        <div className="row">
          <button
            className="btn"
            disabled={busy !== null}
            data-testid="reauthenticate"
            onClick={() =>
              void run('Reauthenticate', async () => {
                const s = await call('gateway.reauthenticate', {})
                return `Reauthentication requested; the gateway is ${s.state}.`
              })
            }
          >
            {busy === 'Reauthenticate' ? 'Reauthenticating…' : 'Reauthenticate'}
          </button>
          <button
            className="btn"
            disabled={busy !== null || gateway.loginUrl === null}
            data-testid="open-login"
            onClick={() =>
              void run('Open gateway login', async () => {
                const r = await call('gateway.openLogin', {})
                if (!r.opened) setLoginLink(r.url)
                return r.opened ? 'The gateway login window is open.' : 'Open the login page below in this browser.'
              })
            }
          >
            Open gateway login
          </button>
          {loginLink && (
            <a href={loginLink} target="_blank" rel="noreferrer noopener" data-testid="login-link">
              {loginLink}
            </a>
          )}
        </div>
      </section>
      {gateway.url !== 'sim' && <CertificatePanel url={gateway.url} />}
      <section className="panel">
        <h2>Account</h2>
        {gateway.state !== 'authenticated' ? (
          <p className="field-hint">Accounts are listed once the gateway session is authenticated.</p>
        ) : accounts === null ? (
          <p className="field-hint">Loading accounts…</p>
        ) : (
          <table className="grid" data-testid="accounts">
            <thead>
              <tr>
                <th>Account</th>
                <th>Title</th>
                <th>Currency</th>
                <th>Type</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id} className={a.selected ? 'selected' : ''}>
                  <td className="mono">{a.id}</td>
                  <td>{a.title ?? '—'}</td>
                  <td>{a.currency ?? '—'}</td>
                  <td>
                    <span className={`badge ${a.paper ? 'tone-paper' : 'tone-live'}`}>
                      {a.paper ? 'PAPER' : 'LIVE'}
                    </span>
                  </td>
                  <td className="actions">
                    {a.selected ? (
                      <span className="tone-ok">Selected</span>
                    ) : (
                      <button
                        className="btn"
                        disabled={busy !== null}
                        onClick={() =>
                          void run('Select account', async () => {
                            await call('accounts.select', { accountId: a.id })
                            await loadAccounts()
                            return `Trading account is now ${a.id}.`
                          })
                        }
                      >
                        Use this account
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}

/** Trust on first use of a local gateway's self-signed certificate, by fingerprint. */
function CertificatePanel({ url }: { url: string }) {
  const [cert, setCert] = useState<GatewayCertificate | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)

  const load = useCallback(
    () => call('gateway.certificate', {}).then(setCert, (e: unknown) => setError(errorMessage(e))),
    [],
  )
  useEffect(() => {
    void load()
  }, [url, load])

  async function trust() {
    if (!cert) return
    setBusy(true)
    try {
      await call('gateway.trustCertificate', { fingerprint: cert.fingerprint })
      setConfirming(false)
      setError(null)
      await load()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel" data-testid="certificate-panel">
      <h2>Gateway certificate</h2>
      {error && <div className="field-error">{error}</div>}
      {cert && (
        <dl className="facts">
          <dt>Fingerprint</dt>
          <dd className="mono" data-testid="certificate-fingerprint">
            {cert.fingerprint}
          </dd>
          <dt>Subject</dt>
          <dd>{cert.subject}</dd>
          <dt>Valid until</dt>
          <dd>{cert.validTo || '—'}</dd>
          <dt>Trusted</dt>
          <dd>
            {cert.trusted ? (
              <span className="tone-ok">Yes: pinned for this gateway</span>
            ) : (
              <span className="tone-warn">No</span>
            )}
          </dd>
        </dl>
      )}
      {cert && !cert.trusted && (
        <div className="row">
          {!confirming ? (
            <button className="btn" onClick={() => setConfirming(true)} data-testid="trust-certificate">
              Trust this certificate…
            </button>
          ) : (
            <>
              <span className="field-hint">
                Compare the fingerprint with the one your gateway shows; trust it only if they match.
              </span>
              <button className="btn primary" disabled={busy} onClick={() => void trust()} data-testid="confirm-trust">
                The fingerprints match: trust it
              </button>
              <button className="btn" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          )}
        </div>
      )}
    </section>
  )
}
