import { randomUUID } from 'node:crypto'
import { StrategyInput, type Strategy } from '../contract/strategies'
import { nextFires } from '../domain/schedule/cron'
import { checkStrategy } from '../domain/strategies/validate'
import { RpcError } from '../rpc/errors'
import type { EventBus } from '../rpc/event-bus'
import type { Db } from '../store/db'
import { getInstrument } from '../store/instruments-repo'
import {
  getStrategyRow,
  insertStrategy,
  listStrategyRows,
  setStrategyActive,
  updateStrategy,
  type StrategyRow,
} from '../store/strategies-repo'

// Strategies (F6): every save is checked against what the app knows (instrument, prompt version,
// schedule, voting indicators); a refusal lists each problem with its field and changes nothing.

export interface StrategyService {
  list(): Strategy[]
  get(id: string): Strategy
  create(input: StrategyInput): Strategy
  update(id: string, input: StrategyInput): Strategy
  setActive(id: string, active: boolean): Strategy
}

export function createStrategyService(d: {
  db: Db
  bus: EventBus
  now: () => number
  promptVersionActive: (id: string) => boolean
}): StrategyService {
  function check(input: StrategyInput): number[] {
    const { problems, nextFires } = checkStrategy(input, {
      now: d.now(),
      instrument: (conid) => getInstrument(d.db, conid)?.instrument ?? null,
      promptVersionActive: d.promptVersionActive,
    })
    if (problems.length > 0)
      throw new RpcError('BAD_INPUT', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems)
    return nextFires
  }

  function view(row: StrategyRow): Strategy {
    const config = StrategyInput.parse(row.config)
    let fires: number[] = []
    try {
      fires = nextFires(config.schedule.cron, config.schedule.tz, d.now())
    } catch {
      // A stored schedule that no longer parses shows no fires; the edit page names the problem.
    }
    return {
      id: row.id,
      key: row.key,
      name: row.name,
      mode: config.mode,
      approval: config.approval,
      active: row.active,
      revision: row.revision,
      config,
      nextFires: fires,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }
  }

  function get(id: string): Strategy {
    const row = getStrategyRow(d.db, id)
    if (!row) throw new RpcError('NOT_FOUND', `No strategy ${id}`)
    return view(row)
  }

  const changed = () => d.bus.emit('db.changed', { tables: ['strategies', 'audit_log'] })

  return {
    list: () => listStrategyRows(d.db).map(view),
    get,
    create(input) {
      check(input)
      const id = randomUUID()
      insertStrategy(d.db, { id, key: `s${id.replace(/-/g, '').slice(0, 8)}`, config: input, at: d.now() })
      changed()
      return get(id)
    },
    update(id, input) {
      get(id)
      check(input)
      updateStrategy(d.db, id, input, d.now())
      changed()
      return get(id)
    },
    setActive(id, active) {
      const s = get(id)
      if (active && s.mode === 'live')
        throw new RpcError('FORBIDDEN', 'A live strategy runs only after live trading is armed for its account')
      setStrategyActive(d.db, id, active, d.now())
      changed()
      return get(id)
    },
  }
}
