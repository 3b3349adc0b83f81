import { useEffect, useSyncExternalStore } from 'react'
import { ConnectionBadge } from './components/ConnectionBadge'
import { ReviewModeBanner } from './components/ReviewModeBanner'
import { PAGES } from './pages'
import { useApp } from './state/app'

function currentRoute(): string {
  return window.location.hash.replace(/^#\/?/, '')
}

function subscribeHash(cb: () => void) {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}

export function App() {
  const route = useSyncExternalStore(subscribeHash, currentRoute)
  const [pageId = '', ...params] = route.split('/')
  const page = PAGES.find((p) => p.id === pageId) ?? PAGES[0]!
  const ready = useApp((s) => s.link.state === 'open' && s.settings !== null)
  const loadError = useApp((s) => s.loadError)
  const link = useApp((s) => s.link)

  useEffect(() => {
    document.getElementById('root')?.setAttribute('data-app-state', ready ? 'ready' : 'loading')
  }, [ready])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return
      const target = PAGES.find((p) => p.key === e.key)
      if (target) {
        e.preventDefault()
        window.location.hash = `#/${target.id}`
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const Page = page.component
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">IBKR Workstation</div>
        <nav>
          {PAGES.map((p) => (
            <a
              key={p.id}
              href={`#/${p.id}`}
              className={p.id === page.id ? 'active' : ''}
              data-testid={`nav-${p.id}`}
              title={`Alt+${p.key}`}
            >
              {p.title}
            </a>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <span className="topbar-title">{page.title}</span>
          <ConnectionBadge />
        </header>
        {link.state !== 'open' && (
          <div className="banner tone-bad" role="alert" data-testid="engine-banner">
            {link.detail}
          </div>
        )}
        <ReviewModeBanner />
        {loadError && (
          <div className="banner tone-bad" role="alert">
            Could not load the app state: {loadError}. Check that the engine is running, then reload the page.
          </div>
        )}
        <main className="content">
          <Page params={page.id === pageId ? params : []} />
        </main>
      </div>
    </div>
  )
}
