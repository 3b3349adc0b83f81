import { describe, expect, it } from 'vitest'
import { evaluationRowChecker } from './bundle-evaluations'

// The evaluation rows of a bundle from a stranger: shapes, links and caps, each refusal naming the row.

const evaluation = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  strategy_id: 's1',
  from_date: '2025-01-02',
  to_date: '2025-06-30',
  horizon: 20,
  request: JSON.stringify({ strategyId: 's1', from: '2025-01-02', to: '2025-06-30' }),
  status: 'succeeded',
  done: 2,
  total: 2,
  error: null,
  source: 'simulator',
  budget_micros: null,
  spent_micros: 0,
  report: null,
  created_at: 1,
  updated_at: 1,
  finished_at: 1,
  ...extra,
})

const decision = (date: string, extra: Record<string, unknown> = {}) => ({
  evaluation_id: 'e1',
  arm: 0,
  date,
  run_id: 'r1',
  cache_key: 'k',
  inputs_sha256: 'h',
  action: 'HOLD',
  status: 'ACCEPTED',
  entry: null,
  stop: null,
  targets: '[]',
  confidence: 0.5,
  fill_date: null,
  fill_price: null,
  exit_date: null,
  exit_price: null,
  exit_reason: null,
  r: null,
  r_optimistic: null,
  ambiguous: 0,
  pnl: null,
  costs: 0,
  mfe_r: null,
  mae_r: null,
  cost_micros: 0,
  created_at: 1,
  ...extra,
})

const caps = { maxEvaluations: 1, maxDecisions: 2, maxReportBytes: 200 }
const checker = () => evaluationRowChecker('x.wsbundle', () => new Set(['r1']), caps)

describe('evaluation rows on import', () => {
  it('accepts rows the app writes', () => {
    const check = checker()
    check('evaluations', evaluation('e1'))
    check('evaluation_decisions', decision('2025-01-02'))
    check('evaluation_decisions', decision('2025-01-03', { run_id: null, targets: '[101.5, 103]' }))
  })

  it('refuses over the caps, with the numbers', () => {
    const check = checker()
    check('evaluations', evaluation('e1'))
    expect(() => check('evaluations', evaluation('e2'))).toThrow('x.wsbundle was refused: over 1 evaluations.')
    check('evaluation_decisions', decision('2025-01-02'))
    check('evaluation_decisions', decision('2025-01-03'))
    expect(() => check('evaluation_decisions', decision('2025-01-06'))).toThrow('over 2 evaluation decisions')
    expect(() => checker()('evaluations', evaluation('e1', { report: `{"id":"${'x'.repeat(300)}"}` }))).toThrow(
      /evaluations row "e1" report is \d+ bytes, over the 200-byte limit/,
    )
  })

  it('refuses bad shapes and dangling links, naming the row', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['evaluations', evaluation('e1', { status: 'hacked' }), /evaluations row "e1" has a bad status/],
      ['evaluations', evaluation('e1', { request: '{"strategyId": 1}' }), /request is not a request/],
      ['evaluations', evaluation('e1', { horizon: 1e9 }), /has a bad horizon/],
    ]
    for (const [table, row, message] of bad) expect(() => checker()(table, row)).toThrow(message)
    const withEvaluation = () => {
      const c = checker()
      c('evaluations', evaluation('e1'))
      return c
    }
    const check = (table: string, row: Record<string, unknown>) => withEvaluation()(table, row)
    expect(() => check('evaluation_decisions', decision('2025-01-02', { evaluation_id: 'e9' }))).toThrow(
      'evaluation_decisions row e9/0/2025-01-02 belongs to no evaluation in the bundle',
    )
    expect(() => check('evaluation_decisions', decision('2025-01-02', { run_id: 'r9' }))).toThrow(
      'names a run the bundle does not hold',
    )
    expect(() => check('evaluation_decisions', decision('2025-01-02', { entry: 'DROP TABLE' }))).toThrow(
      'has a bad entry',
    )
    expect(() => check('evaluation_decisions', decision('2025-01-02', { targets: '{"a":1}' }))).toThrow(
      'targets are not a list of prices',
    )
  })

  it("takes the noise floor's repeat calls, and runs the meta lists as not kept, but nothing else", () => {
    const check = checker()
    check('evaluations', evaluation('e1'))
    // Repeat k of arm a is stored as arm 100 + 10·a + k (noise.ts).
    check('evaluation_decisions', decision('2025-01-02', { arm: 101 }))
    check('evaluation_decisions', decision('2025-01-02', { arm: 132 }))
    for (const arm of [4, 100, 103, 141, -1])
      expect(() => checker()('evaluation_decisions', decision('2025-01-02', { arm }))).toThrow(
        /has a bad arm \(is not an arm or a repeat call of one\)/,
      )
    const kept = evaluationRowChecker('x.wsbundle', () => new Set(['r1']), caps, new Set(['r7']))
    kept('evaluations', evaluation('e1'))
    kept('evaluation_decisions', decision('2025-01-02', { run_id: 'r7' }))
    expect(() => kept('evaluation_decisions', decision('2025-01-03', { run_id: 'r8' }))).toThrow(
      'evaluation_decisions row e1/0/2025-01-03 names a run the bundle does not hold',
    )
  })
})
