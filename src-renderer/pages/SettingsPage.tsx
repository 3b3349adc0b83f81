import { useState, type FormEvent } from 'react'
import type { SettingsPatch, SettingsView } from '../../src-main/contract/models'
import { Field, SourceNote } from '../components/Field'
import { RetentionPanel } from '../components/RetentionPanel'
import { RiskLimitsPanel } from '../risk/RiskLimitsPanel'
import { errorMessage, fieldErrors, useApp } from '../state/app'

interface Draft {
  gatewayKind: 'sim' | 'url'
  gatewayUrl: string
  account: string
  llmBaseUrl: string
  llmModel: string
  llmApiKey: string
}

function draftFrom(s: SettingsView): Draft {
  const gw = s.gateway.stored ?? 'sim'
  return {
    gatewayKind: gw === 'sim' ? 'sim' : 'url',
    gatewayUrl: gw === 'sim' ? '' : gw,
    account: s.account.stored ?? '',
    llmBaseUrl: s.llmBaseUrl.stored ?? '',
    llmModel: s.llmModel.stored ?? '',
    llmApiKey: '',
  }
}

/** Only what the user changed, with empty fields meaning "clear the saved value". */
function patchFrom(d: Draft, s: SettingsView): SettingsPatch {
  const p: SettingsPatch = {}
  const gateway = d.gatewayKind === 'sim' ? 'sim' : d.gatewayUrl.trim()
  if (gateway !== (s.gateway.stored ?? 'sim')) p.gateway = gateway
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim())
  if (orNull(d.account) !== s.account.stored) p.account = orNull(d.account)
  if (orNull(d.llmBaseUrl) !== s.llmBaseUrl.stored) p.llmBaseUrl = orNull(d.llmBaseUrl)
  if (orNull(d.llmModel) !== s.llmModel.stored) p.llmModel = orNull(d.llmModel)
  if (d.llmApiKey.trim() !== '') p.llmApiKey = d.llmApiKey.trim()
  return p
}

export function SettingsPage(_props: { params: string[] }) {
  const settings = useApp((s) => s.settings)
  if (!settings) return <div className="page-loading">Loading settings…</div>
  return (
    <>
      <SettingsForm settings={settings} />
      <div className="page">
        <RiskLimitsPanel />
        <RetentionPanel />
      </div>
    </>
  )
}

function SettingsForm({ settings }: { settings: SettingsView }) {
  const save = useApp((s) => s.saveSettings)
  const [draft, setDraft] = useState<Draft>(() => draftFrom(settings))
  const [busy, setBusy] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null)

  const patch = patchFrom(draft, settings)
  const dirty = Object.keys(patch).length > 0
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v })

  async function submit(e?: FormEvent, override?: SettingsPatch) {
    e?.preventDefault()
    const body = override ?? patch
    if (Object.keys(body).length === 0 || busy) return
    setBusy(true)
    setMessage(null)
    try {
      const next = await save(body)
      setDraft(draftFrom(next))
      setErrors({})
      setMessage({ tone: 'ok', text: 'Saved.' })
    } catch (err) {
      setErrors(fieldErrors(err))
      setMessage({ tone: 'bad', text: `Not saved: ${errorMessage(err)}` })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="page settings"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === 's') {
          e.preventDefault()
          void submit()
        }
      }}
      data-testid="settings-form"
    >
      <header className="page-header">
        <h1>Settings</h1>
        <div className="page-actions">
          {message && (
            <span className={`status-text tone-${message.tone}`} role="status" data-testid="settings-status">
              {message.text}
            </span>
          )}
          <button
            type="button"
            className="btn"
            disabled={!dirty || busy}
            onClick={() => (setDraft(draftFrom(settings)), setErrors({}))}
          >
            Revert
          </button>
          <button
            type="submit"
            className="btn primary"
            disabled={!dirty || busy}
            data-testid="settings-save"
            title="Save (Ctrl+S)"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </header>

      <section className="panel">
        <h2>Gateway</h2>
        <Field
          label="Gateway"
          htmlFor="gateway"
          error={errors.gateway}
          hint={<SourceNote source={settings.gateway.source} overriddenBy={settings.gateway.overriddenBy} />}
        >
          <div className="row">
            <label className="radio">
              <input
                type="radio"
                name="gatewayKind"
                checked={draft.gatewayKind === 'sim'}
                onChange={() => set('gatewayKind', 'sim')}
              />
              Built-in simulator
            </label>
            <label className="radio">
              <input
                type="radio"
                name="gatewayKind"
                checked={draft.gatewayKind === 'url'}
                onChange={() => set('gatewayKind', 'url')}
              />
              Client Portal Gateway
            </label>
            <input
              id="gateway"
              data-testid="input-gateway"
              className="grow"
              placeholder="https://127.0.0.1:5000"
              disabled={draft.gatewayKind === 'sim'}
              value={draft.gatewayUrl}
              onChange={(e) => set('gatewayUrl', e.target.value)}
            />
          </div>
        </Field>
        <Field
          label="Account"
          htmlFor="account"
          error={errors.account}
          hint={<SourceNote source={settings.account.source} overriddenBy={settings.account.overriddenBy} />}
        >
          <input
            id="account"
            data-testid="input-account"
            className="num"
            placeholder="Chosen from the gateway's accounts"
            value={draft.account}
            onChange={(e) => set('account', e.target.value)}
          />
        </Field>
      </section>

      <section className="panel">
        <h2>Language model</h2>
        <Field
          label="Base URL"
          htmlFor="llmBaseUrl"
          error={errors.llmBaseUrl}
          hint={<SourceNote source={settings.llmBaseUrl.source} overriddenBy={settings.llmBaseUrl.overriddenBy} />}
        >
          <input
            id="llmBaseUrl"
            data-testid="input-llmBaseUrl"
            placeholder="OpenAI (default), or e.g. http://127.0.0.1:11434/v1"
            value={draft.llmBaseUrl}
            onChange={(e) => set('llmBaseUrl', e.target.value)}
          />
        </Field>
        <Field
          label="Model"
          htmlFor="llmModel"
          error={errors.llmModel}
          hint={<SourceNote source={settings.llmModel.source} overriddenBy={settings.llmModel.overriddenBy} />}
        >
          <input
            id="llmModel"
            data-testid="input-llmModel"
            placeholder={settings.llmModel.value}
            value={draft.llmModel}
            onChange={(e) => set('llmModel', e.target.value)}
          />
        </Field>
        <Field label="API key" htmlFor="llmApiKey" error={errors.llmApiKey}>
          <div className="row">
            <span
              className={`badge ${settings.llmApiKey.set ? 'tone-ok' : 'tone-neutral'}`}
              data-testid="api-key-state"
            >
              {settings.llmApiKey.set
                ? `Set (${settings.llmApiKey.source === 'env' ? 'OPENAI_API_KEY' : 'OS keychain'})`
                : 'Not set'}
            </span>
            {settings.llmApiKey.storage ? (
              <>
                <input
                  id="llmApiKey"
                  type="password"
                  autoComplete="off"
                  className="grow"
                  placeholder="Paste a key to store it in the OS keychain"
                  value={draft.llmApiKey}
                  onChange={(e) => set('llmApiKey', e.target.value)}
                />
                {settings.llmApiKey.source === 'keychain' && (
                  <button
                    type="button"
                    className="btn"
                    disabled={busy}
                    onClick={() => void submit(undefined, { llmApiKey: null })}
                  >
                    Remove key
                  </button>
                )}
              </>
            ) : (
              <span className="field-hint">
                This host never stores keys: set <code>OPENAI_API_KEY</code> in its environment. Without a key, runs use
                the offline rules analyst.
              </span>
            )}
          </div>
        </Field>
      </section>

      <section className="panel">
        <h2>Storage</h2>
        <Field
          label="Data folder"
          htmlFor="dataDir"
          hint={<SourceNote source={settings.dataDir.source} overriddenBy={null} />}
        >
          <div className="row">
            <input id="dataDir" readOnly className="grow mono" value={settings.dataDir.value} data-testid="data-dir" />
          </div>
          <div className="field-hint">
            Change it with <code>--data-dir</code> or <code>IBKR_WS_DATA_DIR</code> and restart; the database, chart
            images and backups live there.
          </div>
        </Field>
      </section>
    </form>
  )
}
