import { EMPTY_BOOK, TEST_LIMITS } from '../domain/risk/gate-fixtures'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ORDER_RATE, gate, type GateState } from '../domain/risk/gate'
import { createEventBus } from '../rpc/event-bus'
import { openStore, type Store } from '../store/db'
import { createRiskState, DAILY_LOSS_LIMIT_PCT } from './risk-state'

// RELIABILITY.md T14 over the persisted state: random price paths move a position's P&L, the daily
// loss check runs on every move, the kill switch is thrown now and then, and the process restarts
// (a fresh risk state on the same SQLite file) at random points. Once a limit is breached, no
// risk-increasing order passes the gate until a person resets it, restarts included, while
// reducing orders always do.

const OPEN = Date.parse('2026-11-24T16:00:00Z') // Tuesday 11:00 New York
const NAV = 100_000

let store: Store
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-t14-'))
  store = await openStore({
    file: join(dir, 'db.sqlite'),
    migrationsDir: resolve(__dirname, '../../migrations'),
    backupDir: join(dir, 'b'),
  })
})
afterAll(() => store?.close())

type Step =
  | { kind: 'move'; pct: number }
  | { kind: 'kill' }
  | { kind: 'restart' }
  | { kind: 'reset' }
  | { kind: 'order'; reducing: boolean; qty: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.integer({ min: -300, max: 300 }).map((bp) => ({ kind: 'move' as const, pct: bp / 10_000 })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'kill' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      reducing: fc.boolean(),
      qty: fc.integer({ min: 1, max: 200 }),
    }),
  },
)

describe('kill switch and daily loss limit across restarts (T14)', () => {
  it(
    'after a breach no risk-increasing order passes until a manual reset; reducing orders ' +
      'always pass (5,000 runs)',
    () => {
      let run = 0
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
          const account = `DU${++run}`
          const now = () => OPEN
          const open = () => createRiskState({ db: store.db, bus: createEventBus(), now, alert: () => undefined })
          let risk = open()
          risk.startOfDay(account, NAV)
          // The model: a breach (loss beyond the limit, or the switch thrown) holds until a reset.
          let blocked = false
          const held = 500
          let price = 100
          const entry = 100
          for (const s of steps) {
            if (s.kind === 'move') {
              price = Math.max(1, price * (1 + s.pct))
              const pnl = (price - entry) * held
              if (risk.checkDailyLoss(account, pnl)) blocked = true
              if (pnl < -DAILY_LOSS_LIMIT_PCT * NAV) expect(risk.flags(account).dailyLossLatched).toBe(true)
            } else if (s.kind === 'kill') {
              risk.setKillSwitch(account, true, 'property test', 'system')
              blocked = true
            } else if (s.kind === 'restart') {
              risk = open()
            } else if (s.kind === 'reset') {
              risk.setKillSwitch(account, false, 'checked by a person', 'user')
              risk.resetDailyLoss(account, 'checked by a person')
              blocked = false
            } else {
              const flags = risk.flags(account)
              expect(flags.killSwitch || flags.dailyLossLatched).toBe(blocked)
              const state: GateState = {
                now: OPEN,
                session: { state: 'authenticated', competing: false },
                reconciled: true,
                ...flags,
                recentSubmits: [],
                rate: DEFAULT_ORDER_RATE,
                limits: { ...TEST_LIMITS, maxOrderNotional: 1_000_000, maxSymbolNotional: 1e9 },
                exposure: { ...EMPTY_BOOK, netLiquidation: 1e9 },
                quote: { last: price, ageMs: 0 },
              }
              const order = {
                side: s.reducing ? ('SELL' as const) : ('BUY' as const),
                qty: s.qty,
                price,
                reducing: s.reducing,
                marketHours: 'any' as const,
                allowShort: false,
                positionQty: held,
                collared: true,
                kind: 'submit' as const,
              }
              const v = gate(order, state)
              if (!s.reducing) expect(v.allowed).toBe(!blocked)
              else expect(v.allowed).toBe(true)
            }
          }
        }),
        { numRuns: 5000, seed: 14 },
      )
    },
  )
})
