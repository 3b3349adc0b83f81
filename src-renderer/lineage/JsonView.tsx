import { lazy, Suspense, useState } from 'react'

const JsonMonaco = lazy(() => import('../components/JsonMonaco'))

/** Raw recorded JSON in a read-only Monaco view (loaded on first use); plain text until it is ready. */
export function JsonView({ value }: { value: unknown }) {
  const text = JSON.stringify(value, null, 2)
  const [ready, setReady] = useState(false)
  const lines = text.split('\n').length
  return (
    <div className="json-view-wrap" data-testid="json-view" data-ready={ready}>
      <div className="json-monaco-host">
        <Suspense fallback={null}>
          <JsonMonaco text={text} height={Math.min(420, Math.max(60, lines * 18 + 8))} onReady={() => setReady(true)} />
        </Suspense>
      </div>
      {!ready && <pre className="json-view mono">{text}</pre>}
    </div>
  )
}
