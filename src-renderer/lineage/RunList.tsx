import { useCallback, useEffect, useRef, useState } from 'react'
import type { RunStatus, RunSummary } from '../../src-main/contract/models'
import type { Strategy } from '../../src-main/contract/strategies'
import { errorMessage, onEvent } from '../state/app'
import type { LineageSource } from './source'
import { fmtDuration, fmtShortDateTime } from './format'

// The runs list (F17): filters by strategy, status and date; newest first; keyset-paged as it
// scrolls and virtualised (only the rows in view exist in the DOM), so 100k runs stay smooth.

const ROW = 30
const PAGE = 200
const OVERSCAN = 10

export interface RunFilters {
  strategyId: string
  status: '' | RunStatus
  from: string
  to: string
}

const toMs = (date: string, endOfDay: boolean) =>
  date ? Date.parse(`${date}T${endOfDay ? '23:59:59.999' : '00:00:00'}`) : undefined

function matches(r: RunSummary, f: RunFilters): boolean {
  const from = toMs(f.from, false)
  const to = toMs(f.to, true)
  return (
    // Evaluation-lab runs stay out of the live timeline (their report opens each one by link).
    r.trigger !== 'eval' &&
    (!f.strategyId || r.strategyId === f.strategyId) &&
    (!f.status || r.status === f.status) &&
    (from === undefined || r.startedAt >= from) &&
    (to === undefined || r.startedAt <= to)
  )
}

export function RunList(props: {
  source: LineageSource
  selected: string | null
  onSelect(runId: string): void
  strategies: Strategy[]
  filters: RunFilters
  onFilters(f: RunFilters): void
}) {
  const { filters } = props
  const [runs, setRuns] = useState<RunSummary[]>([])
  const [done, setDone] = useState(false)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [scroll, setScroll] = useState({ top: 0, height: 600 })
  const box = useRef<HTMLDivElement>(null)

  // The parent keys this list by its filters, so a filter change starts a fresh list.
  const fetchPage = useCallback(
    (before: number | undefined) =>
      props.source.listRuns({
        limit: PAGE,
        ...(filters.strategyId ? { strategyId: filters.strategyId } : {}),
        ...(filters.status ? { status: filters.status } : {}),
        ...(filters.from ? { from: toMs(filters.from, false) } : {}),
        ...(filters.to ? { to: toMs(filters.to, true) } : {}),
        ...(before !== undefined ? { before } : {}),
      }),
    [filters, props.source],
  )
  const apply = useCallback((page: RunSummary[], append: boolean) => {
    setRuns((r) => (append ? [...r, ...page] : page))
    setDone(page.length < PAGE)
    setError(null)
    setLoading(false)
  }, [])
  const fail = useCallback((e: unknown) => {
    setError(errorMessage(e))
    setLoading(false)
  }, [])

  useEffect(() => {
    let live = true
    fetchPage(undefined).then(
      (page) => live && apply(page, false),
      (e: unknown) => live && fail(e),
    )
    return () => {
      live = false
    }
  }, [fetchPage, apply, fail])

  const live = props.source.review === null
  useEffect(
    () =>
      live
        ? onEvent('lineage.runUpdated', (run) => {
            setRuns((list) => {
              const i = list.findIndex((r) => r.id === run.id)
              if (i >= 0) return list.map((r) => (r.id === run.id ? run : r))
              return matches(run, filters) ? [run, ...list] : list
            })
          })
        : undefined,
    [filters, live],
  )

  useEffect(() => {
    const el = box.current
    if (!el) return
    const measure = () => setScroll({ top: el.scrollTop, height: el.clientHeight })
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  const first = Math.max(0, Math.floor(scroll.top / ROW) - OVERSCAN)
  const last = Math.min(runs.length, Math.ceil((scroll.top + scroll.height) / ROW) + OVERSCAN)
  const names = new Map(props.strategies.map((s) => [s.id, s.name]))

  function onScroll() {
    const el = box.current!
    setScroll({ top: el.scrollTop, height: el.clientHeight })
    if (!done && !loading && el.scrollTop + el.clientHeight > el.scrollHeight - ROW * 20 && runs.length > 0) {
      setLoading(true)
      fetchPage(runs.at(-1)!.startedAt).then((page) => apply(page, true), fail)
    }
  }

  function onKey(e: React.KeyboardEvent) {
    const i = runs.findIndex((r) => r.id === props.selected)
    const next = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : null
    if (next === null || next < 0 || next >= runs.length) return
    e.preventDefault()
    props.onSelect(runs[next]!.id)
    const el = box.current!
    if (next * ROW < el.scrollTop) el.scrollTop = next * ROW
    else if ((next + 1) * ROW > el.scrollTop + el.clientHeight) el.scrollTop = (next + 1) * ROW - el.clientHeight
  }

  return (
    <section className="run-list panel" data-testid="run-list">
      <div className="filters">
        <select
          aria-label="Strategy"
          value={filters.strategyId}
          onChange={(e) => props.onFilters({ ...filters, strategyId: e.target.value })}
          data-testid="filter-strategy"
        >
          <option value="">All strategies</option>
          {props.strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <select
          aria-label="Status"
          value={filters.status}
          onChange={(e) => props.onFilters({ ...filters, status: e.target.value as RunFilters['status'] })}
          data-testid="filter-status"
        >
          <option value="">Any status</option>
          {(['running', 'succeeded', 'failed', 'aborted'] as const).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input
          type="date"
          aria-label="From"
          value={filters.from}
          onChange={(e) => props.onFilters({ ...filters, from: e.target.value })}
        />
        <input
          type="date"
          aria-label="To"
          value={filters.to}
          onChange={(e) => props.onFilters({ ...filters, to: e.target.value })}
        />
      </div>
      {error && (
        <div className="field-error" role="alert">
          Could not load runs: {error}. Check the engine connection, then change a filter to retry.
        </div>
      )}
      <div
        className="run-rows"
        ref={box}
        onScroll={onScroll}
        tabIndex={0}
        onKeyDown={onKey}
        aria-label="Runs (↑↓ to move)"
      >
        <div style={{ height: runs.length * ROW, position: 'relative' }}>
          {runs.slice(first, last).map((r, k) => (
            <div
              key={r.id}
              className={`run-row${r.id === props.selected ? ' active' : ''}`}
              style={{ top: (first + k) * ROW, height: ROW }}
              onClick={() => props.onSelect(r.id)}
              data-testid={`run-${r.id}`}
              data-status={r.status}
            >
              <span className={`status-dot status-${r.status}`} title={r.status} />
              <span className="run-time mono">{fmtShortDateTime(r.startedAt)}</span>
              <span className="run-name">
                {r.strategyName ?? (r.strategyId && names.get(r.strategyId)) ?? '—'}
                {r.replayOf ? ' (replay)' : ''}
              </span>
              <span className="run-trigger muted">{r.trigger}</span>
              <span className="num muted run-dur">
                {r.endedAt ? fmtDuration(r.endedAt - r.startedAt) : r.status === 'running' ? '…' : ''}
              </span>
            </div>
          ))}
        </div>
        {!loading && runs.length === 0 && !error && (
          <p className="muted empty">No runs match. Start one from the Strategies page (Run now).</p>
        )}
      </div>
      <div className="run-list-foot muted">{loading ? 'Loading…' : `${runs.length}${done ? '' : '+'} runs`}</div>
    </section>
  )
}
