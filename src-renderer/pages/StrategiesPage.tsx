import { useState } from 'react'
import type { ScheduleView } from '../../src-main/contract/runs'
import type { Strategy } from '../../src-main/contract/strategies'
import { fmtDateTime } from '../lineage/format'
import { call, errorMessage } from '../state/app'
import { useLoad } from '../state/useLoad'
import { NEW_STRATEGY, StrategyForm, type StrategyDraft } from '../strategies/StrategyForm'
import { navigate } from '../components/navigate'

/** F6/F7: strategies with their schedules; create, edit, activate, pause, run now. Route `#/strategies[/<id>|/new]`. */
export function StrategiesPage({ params }: { params: string[] }) {
  const [editing = null] = params
  const [status, setStatus] = useState<string | null>(null)
  const loaded = useLoad(
    async () => {
      const [list, sch] = await Promise.all([call('strategies.list', {}), call('schedules.list', {})])
      return { list, schedules: Object.fromEntries(sch.map((x) => [x.strategyId, x])) as Record<string, ScheduleView> }
    },
    'strategies',
    ['strategies', 'schedules', 'schedule_fires'],
  )
  const strategies = loaded.data?.list ?? null
  const schedules = loaded.data?.schedules ?? {}
  const error = loaded.error
  const load = async () => loaded.reload()

  async function act(what: string, fn: () => Promise<unknown>) {
    setStatus(null)
    try {
      await fn()
      await load()
    } catch (e) {
      setStatus(`${what} failed: ${errorMessage(e)}`)
    }
  }

  async function runNow(s: Strategy) {
    setStatus(null)
    try {
      const { runId } = await call('runs.start', { strategyId: s.id })
      navigate(`#/lineage/${runId}`)
    } catch (e) {
      setStatus(`Could not start ${s.name}: ${errorMessage(e)}`)
    }
  }

  const current = editing === 'new' ? null : (strategies?.find((s) => s.id === editing) ?? null)
  const initial: StrategyDraft | null = editing === 'new' ? NEW_STRATEGY : current ? current.config : null

  return (
    <div className="page wide" data-testid="strategies-page">
      <header className="page-header">
        <h1>Strategies</h1>
        <div className="page-actions">
          <button className="btn primary" onClick={() => navigate('#/strategies/new')} data-testid="strategy-new">
            New strategy
          </button>
        </div>
      </header>
      {error && (
        <div className="notice tone-bad" role="alert">
          Could not load strategies: {error}. Check the engine connection.
        </div>
      )}
      {status && (
        <div className="notice tone-bad" role="alert" data-testid="strategy-status">
          {status}
        </div>
      )}
      <section className="panel">
        {strategies === null ? (
          <p className="muted">Loading…</p>
        ) : strategies.length === 0 ? (
          <p className="muted">No strategies yet. Create one with New strategy.</p>
        ) : (
          <table className="grid" data-testid="strategy-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Instrument</th>
                <th>Mode</th>
                <th>Approval</th>
                <th>Schedule</th>
                <th>Next run</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {strategies.map((s) => {
                const sch = schedules[s.id]
                return (
                  <tr key={s.id} className={s.id === editing ? 'active' : ''} data-testid={`strategy-${s.name}`}>
                    <td className="strong">{s.name}</td>
                    <td>{s.config.symbol}</td>
                    <td>
                      <span
                        className={
                          `badge ` +
                          `${s.mode === 'live' ? 'tone-live' : s.mode === 'paper' ? 'tone-paper' : 'tone-neutral'}`
                        }
                      >
                        {s.mode}
                      </span>
                    </td>
                    <td>{s.approval === 'ask' ? 'ask first' : 'automatic'}</td>
                    <td className="mono" title={s.config.schedule.tz}>
                      {s.config.schedule.cron}
                    </td>
                    <td className="num">
                      {sch?.nextRunAt
                        ? fmtDateTime(sch.nextRunAt)
                        : s.active && !sch?.paused
                          ? s.nextFires[0]
                            ? fmtDateTime(s.nextFires[0])
                            : '—'
                          : '—'}
                    </td>
                    <td>
                      {!s.active ? (
                        <span className="muted">inactive</span>
                      ) : sch?.paused ? (
                        <span className="tone-warn">paused</span>
                      ) : (
                        <span className="tone-ok">scheduled</span>
                      )}
                    </td>
                    <td className="actions">
                      <button
                        className="btn small primary"
                        onClick={() => void runNow(s)}
                        data-testid={`run-now-${s.name}`}
                      >
                        Run now
                      </button>{' '}
                      <button
                        className="btn small"
                        onClick={() =>
                          void act('Change', () => call('strategies.setActive', { id: s.id, active: !s.active }))
                        }
                      >
                        {s.active ? 'Deactivate' : 'Activate'}
                      </button>{' '}
                      {s.active && (
                        <button
                          className="btn small"
                          onClick={() =>
                            void act('Change', () =>
                              call('schedules.setPaused', { strategyId: s.id, paused: !sch?.paused }),
                            )
                          }
                        >
                          {sch?.paused ? 'Resume' : 'Pause'}
                        </button>
                      )}{' '}
                      <button className="btn small" onClick={() => navigate(`#/strategies/${s.id}`)}>
                        Edit
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
      </section>
      {initial && (
        <StrategyForm
          key={editing ?? 'none'}
          id={current?.id ?? null}
          initial={initial}
          onSaved={(id) => {
            navigate(`#/strategies`)
            setStatus(null)
            void load()
            void id
          }}
          onCancel={() => navigate('#/strategies')}
        />
      )}
    </div>
  )
}
