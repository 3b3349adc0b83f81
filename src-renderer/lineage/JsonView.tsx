import { useEffect, useRef, useState } from 'react'

/** Raw recorded JSON in a read-only Monaco view (loaded on first use); plain text until it is ready. */
export function JsonView({ value }: { value: unknown }) {
  const text = JSON.stringify(value, null, 2)
  const host = useRef<HTMLDivElement>(null)
  const [ready, setReady] = useState(false)
  useEffect(() => {
    let editor: { dispose(): void } | null = null
    let cancelled = false
    void import('../components/json-monaco').then(({ createJsonView }) => {
      if (cancelled || !host.current) return
      editor = createJsonView(host.current, text)
      setReady(true)
    })
    return () => {
      cancelled = true
      editor?.dispose()
    }
  }, [text])
  const lines = text.split('\n').length
  return (
    <div className="json-view-wrap" data-testid="json-view" data-ready={ready}>
      <div ref={host} className="json-monaco" style={{ height: Math.min(420, Math.max(60, lines * 18 + 8)) }} />
      {!ready && <pre className="json-view mono">{text}</pre>}
    </div>
  )
}
