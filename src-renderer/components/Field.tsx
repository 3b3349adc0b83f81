import type { ReactNode } from 'react'
import type { SettingSource } from '../../src-main/contract/models'

export function Field(props: {
  label: string
  htmlFor: string
  hint?: ReactNode
  error?: string
  children: ReactNode
}) {
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={props.htmlFor}>{props.label}</label>
      <div className="field-control">
        {props.children}
        {props.error ? (
          <div className="field-error" role="alert" data-testid={`error-${props.htmlFor}`}>
            {props.error}
          </div>
        ) : (
          props.hint && <div className="field-hint">{props.hint}</div>
        )}
      </div>
    </div>
  )
}

const SOURCE_LABEL: Record<SettingSource, string> = {
  flag: 'start-up flag',
  env: 'environment',
  stored: 'saved',
  default: 'default',
}

/** Where the effective value comes from; an override explains why editing the saved value changes nothing yet. */
export function SourceNote(props: { source: SettingSource; overriddenBy: string | null }) {
  if (props.overriddenBy) {
    return (
      <span className="source override">
        In effect: set by <code>{props.overriddenBy}</code> ({SOURCE_LABEL[props.source]}), which wins over the saved
        value.
      </span>
    )
  }
  return <span className="source">Source: {SOURCE_LABEL[props.source]}</span>
}
