import { useEffect, useState } from 'react'
import type { PromptTemplate, TemplateProblem } from '../../src-main/contract/prompts-api'
import { call, errorMessage } from '../state/app'

// The editor's live preview: the template rendered on sample data, asked again 300 ms after the
// last keystroke; a failure shows as one problem.

const PREVIEW_DELAY_MS = 300

export interface Preview {
  system: string | null
  body: string | null
  chars: number
  problems: TemplateProblem[]
}

export function usePreview(system: string | undefined, body: string | undefined, purpose: PromptTemplate['purpose']) {
  const [preview, setPreview] = useState<Preview | null>(null)
  useEffect(() => {
    if (system === undefined || body === undefined) return
    let stale = false
    const timer = setTimeout(() => {
      call('prompts.preview', { system, body, purpose }).then(
        (r) => !stale && setPreview(r),
        (e: unknown) =>
          !stale &&
          setPreview({
            system: null,
            body: null,
            chars: 0,
            problems: [
              { field: null, message: `Preview failed: ${errorMessage(e)}`, line: null, column: null, variable: null },
            ],
          }),
      )
    }, PREVIEW_DELAY_MS)
    return () => {
      stale = true
      clearTimeout(timer)
    }
  }, [system, body, purpose])
  return [preview, setPreview] as const
}
