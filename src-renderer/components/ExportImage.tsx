import { useState, type RefObject } from 'react'
import { copyPanelPng, panelExporter, savePanelPng } from './export-image'

const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`

/** "Save as PNG" and "Copy image" for the panel behind `target`. */
export function ExportImageButtons({
  target,
  fileName,
  testId,
}: {
  target: RefObject<HTMLElement | null>
  fileName: string
  testId: string
}) {
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null)
  async function run(kind: 'save' | 'copy') {
    const node = target.current
    if (!node) return
    setBusy(true)
    setNote(null)
    try {
      const blob = kind === 'save' ? await savePanelPng(node, fileName) : await copyPanelPng(node)
      setNote({
        ok: true,
        text: kind === 'save' ? `Saved ${fileName} (${kb(blob.size)})` : `Copied (${kb(blob.size)})`,
      })
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      setNote({ ok: false, text: `${kind === 'save' ? 'Save' : 'Copy'} failed: ${why}` })
    } finally {
      setBusy(false)
    }
  }
  return (
    <span className="export-image" data-testid={testId} data-font-embeds={panelExporter.fontEmbeds()}>
      <button className="btn small" disabled={busy} onClick={() => void run('save')} data-testid={`${testId}-save`}>
        Save as PNG
      </button>
      <button className="btn small" disabled={busy} onClick={() => void run('copy')} data-testid={`${testId}-copy`}>
        Copy image
      </button>
      {busy && <span className="muted">Drawing…</span>}
      {note && (
        <span className={note.ok ? 'muted' : 'field-error'} role="status" data-testid={`${testId}-note`}>
          {note.text}
        </span>
      )}
    </span>
  )
}
