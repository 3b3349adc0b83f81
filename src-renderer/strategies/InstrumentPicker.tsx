import { useEffect, useRef, useState } from 'react'
import type { SearchResult } from '../../src-main/contract/models'
import { call } from '../state/app'

// The instrument search with its result list (F6, and the order ticket): type a symbol, pick a row.

export function InstrumentPicker({
  value,
  onPick,
  id = 'st-instrument',
}: {
  value: string
  onPick(r: SearchResult): void
  id?: string
}) {
  const [q, setQ] = useState(value)
  const [results, setResults] = useState<SearchResult[]>([])
  const [open, setOpen] = useState(false)
  const seq = useRef(0)
  const [lastValue, setLastValue] = useState(value)
  if (value !== lastValue) {
    setLastValue(value)
    setQ(value)
  }
  useEffect(() => {
    const query = q.trim()
    if (!open || query === '') return
    const mine = ++seq.current
    const t = setTimeout(() => {
      call('instruments.search', { query })
        .then((r) => mine === seq.current && setResults(r.slice(0, 8)))
        .catch(() => mine === seq.current && setResults([]))
    }, 200)
    return () => clearTimeout(t)
  }, [q, open])
  return (
    <div className="picker">
      <input
        id={id}
        value={q}
        placeholder="Symbol, e.g. MSFT"
        onChange={(e) => {
          setQ(e.target.value)
          setOpen(true)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && results[0]) {
            e.preventDefault()
            onPick(results[0])
            setOpen(false)
          }
        }}
        data-testid={id}
      />
      {open && results.length > 0 && (
        <ul className="picker-list" role="listbox">
          {results.map((r) => (
            <li
              key={r.conid}
              role="option"
              aria-selected={false}
              onMouseDown={() => {
                onPick(r)
                setOpen(false)
              }}
              data-testid={`pick-${r.symbol}`}
            >
              <span className="strong">{r.symbol}</span> <span className="muted">{r.name}</span>{' '}
              <span className="muted mono">{r.exchange}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
