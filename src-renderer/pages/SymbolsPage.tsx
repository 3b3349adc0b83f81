import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { InstrumentDetails, SearchResult } from '../../src-main/contract/models'
import { fmtPct, fmtPrice, fmtSigned, tone } from '../components/format'
import { call, errorMessage } from '../state/app'
import { useMarket } from '../state/market'

const DEBOUNCE_MS = 250

function openChart(conid: number) {
  window.location.hash = `#/chart/${conid}`
}

/** F2: live symbol search (cache only as a labelled fallback), contract details, the watchlist. */
export function SymbolsPage(_props: { params: string[] }) {
  const [query, setQuery] = useState('')
  const [results, setResults] = useState<SearchResult[]>([])
  const [searching, setSearching] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [active, setActive] = useState(0)
  const [details, setDetails] = useState<InstrumentDetails | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const seq = useRef(0)

  useEffect(() => {
    const q = query.trim()
    if (q === '') return
    const mine = ++seq.current
    const t = setTimeout(() => {
      setSearching(true)
      call('instruments.search', { query: q })
        .then((r) => {
          if (mine !== seq.current) return
          setResults(r)
          setActive(0)
          setError(null)
        })
        .catch((e: unknown) => mine === seq.current && (setResults([]), setError(errorMessage(e))))
        .finally(() => mine === seq.current && setSearching(false))
    }, DEBOUNCE_MS)
    return () => clearTimeout(t)
  }, [query])

  useEffect(() => {
    const focus = (e: globalThis.KeyboardEvent) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        e.preventDefault()
        input.current?.focus()
      }
    }
    window.addEventListener('keydown', focus)
    return () => window.removeEventListener('keydown', focus)
  }, [])

  async function showDetails(r: SearchResult) {
    try {
      setDetails(await call('instruments.details', { conid: r.conid }))
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1))
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0))
    else if (e.key === 'Enter' && results[active]) {
      if (e.shiftKey) void showDetails(results[active])
      else openChart(results[active].conid)
    } else return
    e.preventDefault()
  }

  const fromCache = results.some((r) => r.source === 'cache')
  const visible = query.trim() === '' ? [] : results

  return (
    <div className="page wide split" data-testid="symbols-page">
      <div className="split-main">
        <header className="page-header">
          <h1>Symbols</h1>
        </header>
        <section className="panel">
          <div className="row">
            <input
              ref={input}
              className="grow search"
              placeholder={
                'Search symbol or company (press / to focus; ↑↓ Enter opens the chart, Shift+Enter shows details)'
              }
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onKey}
              data-testid="symbol-search"
              autoFocus
            />
            {searching && (
              <span className="muted" data-testid="searching">
                Searching…
              </span>
            )}
          </div>
          {error && (
            <div className="field-error" role="alert">
              {error}
            </div>
          )}
          {fromCache && (
            <div className="notice tone-warn" data-testid="cache-notice">
              The gateway did not answer; these results come from the local cache and may be incomplete.
            </div>
          )}
          {visible.length > 0 && (
            <table className="grid" data-testid="search-results">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>Name</th>
                  <th>Exchange</th>
                  <th>Type</th>
                  <th>Currency</th>
                  <th className="num">Conid</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {visible.map((r, i) => (
                  <tr
                    key={`${r.conid}`}
                    className={i === active ? 'active' : ''}
                    onMouseEnter={() => setActive(i)}
                    data-testid={`result-${r.symbol}`}
                  >
                    <td className="strong">{r.symbol}</td>
                    <td>{r.name}</td>
                    <td>{r.exchange}</td>
                    <td>{r.secType}</td>
                    <td>{r.currency}</td>
                    <td className="num mono">{r.conid}</td>
                    <td className="actions">
                      {r.source === 'cache' && <span className="badge tone-warn">cached</span>}{' '}
                      <button className="btn small" onClick={() => void showDetails(r)}>
                        Details
                      </button>{' '}
                      <button
                        className="btn small"
                        onClick={() => void useMarket.getState().addToWatchlist(r.conid)}
                        data-testid={`watch-${r.symbol}`}
                      >
                        Watch
                      </button>{' '}
                      <button
                        className="btn small primary"
                        onClick={() => openChart(r.conid)}
                        data-testid={`chart-${r.symbol}`}
                      >
                        Chart
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {query.trim() !== '' && !searching && visible.length === 0 && !error && (
            <p className="muted">No instruments match “{query.trim()}”.</p>
          )}
        </section>
        {details && <DetailsPanel d={details} onClose={() => setDetails(null)} />}
      </div>
      <aside className="split-side">
        <Watchlist />
      </aside>
    </div>
  )
}

function DetailsPanel({ d, onClose }: { d: InstrumentDetails; onClose(): void }) {
  return (
    <section className="panel" data-testid="contract-details">
      <div className="row spread">
        <h2>
          {d.symbol} · {d.name}
        </h2>
        <button className="btn small" onClick={onClose}>
          Close
        </button>
      </div>
      {d.source === 'cache' && (
        <div className="notice tone-warn">From the local cache: the gateway did not answer.</div>
      )}
      <dl className="facts">
        <dt>Conid</dt>
        <dd className="mono">{d.conid}</dd>
        <dt>Type</dt>
        <dd>{d.secType}</dd>
        <dt>Listing exchange</dt>
        <dd>{d.exchange}</dd>
        <dt>Valid exchanges</dt>
        <dd>{d.validExchanges.join(', ') || '—'}</dd>
        <dt>Currency</dt>
        <dd>{d.currency}</dd>
        <dt>Trading class</dt>
        <dd>{d.tradingClass ?? '—'}</dd>
        <dt>Category</dt>
        <dd>{[d.category, d.industry].filter(Boolean).join(' · ') || '—'}</dd>
        <dt>Multiplier</dt>
        <dd>{d.multiplier ?? '—'}</dd>
      </dl>
    </section>
  )
}

export function Watchlist() {
  const watchlist = useMarket((s) => s.watchlist)
  const quotes = useMarket((s) => s.quotes)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (watchlist === null)
      useMarket
        .getState()
        .loadWatchlist()
        .catch((e: unknown) => setError(errorMessage(e)))
  }, [watchlist])

  return (
    <section className="panel" data-testid="watchlist">
      <h2>Watchlist</h2>
      {error && <div className="field-error">{error}</div>}
      {watchlist === null ? (
        <p className="muted">Loading…</p>
      ) : watchlist.length === 0 ? (
        <p className="muted">Empty. Search for a symbol and press Watch.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="num">Last</th>
              <th className="num">Chg</th>
              <th className="num">Chg %</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {watchlist.map((w) => {
              const q = quotes[w.conid] ?? w.quote
              return (
                <tr key={w.conid} data-testid={`watchlist-${w.symbol}`}>
                  <td>
                    <a href={`#/chart/${w.conid}`} className="strong">
                      {w.symbol}
                    </a>
                    {q?.delayed && <span className="badge tone-warn small">delayed</span>}
                  </td>
                  <td className="num" data-testid={`last-${w.symbol}`}>
                    {fmtPrice(q?.last)}
                  </td>
                  <td className={`num ${tone(q?.change)}`}>{fmtSigned(q?.change)}</td>
                  <td className={`num ${tone(q?.changePct)}`}>{fmtPct(q?.changePct)}</td>
                  <td className="actions">
                    <button
                      className="btn small"
                      title="Remove from watchlist"
                      onClick={() => void useMarket.getState().removeFromWatchlist(w.conid)}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
