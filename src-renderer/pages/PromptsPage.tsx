import { useEffect } from 'react'
import type { PromptTemplate } from '../../src-main/contract/prompts-api'
import { TemplateEditor } from '../prompts/TemplateEditor'
import { PURPOSE_LABEL, usePrompts, watchPrompts } from '../prompts/store'
import '../prompts/prompts.css'

/** F5: prompt templates with immutable versions; `#/prompts/<templateId>` opens one. */
export function PromptsPage({ params }: { params: string[] }) {
  const templates = usePrompts((s) => s.templates)
  const loadError = usePrompts((s) => s.loadError)
  const strategies = usePrompts((s) => s.strategies)
  useEffect(() => watchPrompts(), [])

  const selected =
    templates?.find((t) => t.id === params[0]) ??
    templates?.find((t) => t.isDefault && t.scope === 'global' && t.purpose === 'combined') ??
    templates?.[0] ??
    null

  return (
    <div className="prompts-page" data-testid="prompts-page">
      <aside className="prompts-list panel">
        <div className="row spread">
          <h2>Templates</h2>
          <span className="muted small-text">{templates ? `${templates.length} active` : ''}</span>
        </div>
        {loadError && (
          <div className="notice tone-bad" role="alert">
            Could not load the prompts: {loadError}. Check the engine connection, then reopen this page.
          </div>
        )}
        {!templates && !loadError && <div className="muted">Loading templates…</div>}
        {templates && templates.length === 0 && (
          <div className="muted">No templates. Restart the app to restore the shipped defaults.</div>
        )}
        {templates && templates.length > 0 && (
          <table className="grid compact" data-testid="template-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Purpose</th>
                <th className="num">Ver.</th>
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <TemplateRow
                  key={t.id}
                  t={t}
                  active={t.id === selected?.id}
                  strategyName={t.strategyId ? (strategies[t.strategyId] ?? t.strategyId) : null}
                />
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small-text">
          Every save is a new version; old versions never change. The <span className="default-mark">default</span> of a
          purpose is what strategies use unless they pick a version.
        </p>
      </aside>
      {selected ? (
        <TemplateEditor key={selected.id} template={selected} />
      ) : (
        <div className="prompts-empty muted">{templates ? 'Pick a template on the left.' : ''}</div>
      )}
    </div>
  )
}

function TemplateRow({ t, active, strategyName }: { t: PromptTemplate; active: boolean; strategyName: string | null }) {
  return (
    <tr className={active ? 'active' : ''} data-testid="template-row" data-template-id={t.id} data-purpose={t.purpose}>
      <td className="name-cell">
        <a href={`#/prompts/${t.id}`} className="strong" title={t.name}>
          {t.name}
        </a>
        <div className="muted small-text">
          {strategyName ? `Strategy: ${strategyName}` : 'Global'}
          {t.isDefault && (
            <span className="default-mark" data-testid="default-mark">
              default
            </span>
          )}
        </div>
      </td>
      <td>{PURPOSE_LABEL[t.purpose]}</td>
      <td className="num">v{t.latest.version}</td>
    </tr>
  )
}
