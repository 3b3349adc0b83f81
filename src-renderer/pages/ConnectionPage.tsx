import { useCallback, useEffect, useState } from 'react'
import type { AccountInfo } from '../../src-main/contract/models'
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
          <dd>{gateway.paper === null ? '—' : gateway.paper ? 'Paper account' : 'Live account: orders move real money'}</dd>
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
                    <span className={`badge ${a.paper ? 'tone-paper' : 'tone-live'}`}>{a.paper ? 'PAPER' : 'LIVE'}</span>
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
