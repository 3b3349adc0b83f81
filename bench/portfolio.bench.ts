// Portfolio recompute (F16): 50,000 executions over 500 positions folded into positions and
// round-trip trades (the full rebuild the service does from the fills ledger), then marked to market.
import { performance } from 'node:perf_hooks'
import { foldFills, unrealized, type Fill } from '../src-main/domain/portfolio'
import { stats, writeResult } from './harness'

const POSITIONS = 500
const EXECUTIONS = 50_000
const RUNS = 20

/** Seeded LCG so every run folds the same ledger. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32
}

const rand = rng(42)
const price = Array.from({ length: POSITIONS }, () => 20_000_000 + Math.floor(rand() * 400_000_000))
const held = new Array<number>(POSITIONS).fill(0)
const fills: Fill[] = []
for (let i = 0; i < EXECUTIONS; i++) {
  const k = Math.floor(rand() * POSITIONS)
  price[k] = Math.max(1_000_000, price[k]! + Math.round((rand() - 0.5) * 1_000_000))
  // Mostly long, with reductions, closes and the odd flip.
  const side = held[k]! > 0 && rand() < 0.45 ? 'SELL' : 'BUY'
  const qty = side === 'SELL' && rand() < 0.3 ? held[k]! : 1 + Math.floor(rand() * 200)
  held[k] = held[k]! + (side === 'BUY' ? qty : -qty)
  fills.push({
    execId: `x${String(i).padStart(6, '0')}`,
    account: 'DU1',
    strategyId: `s${k % 7}`,
    conid: 1000 + k,
    side,
    qty,
    price: price[k]!,
    commission: 1_000_000,
    at: 1_764_000_000_000 + i * 1000,
    runId: null,
    signalId: null,
  })
}

let trades = 0
const durations: number[] = []
for (let r = 0; r < RUNS + 3; r++) {
  const t = performance.now()
  const book = foldFills(fills, { since: fills[EXECUTIONS / 2]!.at })
  let u = 0
  for (const p of book.positions.values()) if (p.qty !== 0) u += unrealized(p, price[p.conid - 1000]!)
  const dt = performance.now() - t
  trades = book.trades.length
  if (r >= 3 && Number.isSafeInteger(u)) durations.push(dt)
}
const s = stats(durations)
const r = writeResult(
  'portfolio',
  `Recompute ${POSITIONS} positions from ${EXECUTIONS} executions (sort, fold with average ` +
    `cost, realized P&L and round trips, today's figures, mark to market); ${RUNS} runs after ` +
    `warm-up`,
  {
    positions: POSITIONS,
    executions: EXECUTIONS,
    trades,
    recomputeP50Ms: s.p50,
    recomputeP99Ms: s.p99,
    recomputeMeanMs: s.mean,
  },
  [{ metric: 'recomputeP50Ms', op: '<=', value: 50 }],
)
console.log(JSON.stringify(r.metrics), r.pass ? 'PASS' : 'FAIL')
