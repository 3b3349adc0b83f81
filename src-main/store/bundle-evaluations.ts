import { z } from 'zod'
import { EvaluationReport, EvaluationRequest, EvaluationStatus } from '../contract/evaluations-api'
import { BundleError } from './bundles-format'

// The evaluation tables of a bundle (F25) are data from a stranger like every other row: on import,
// each row is checked against the shape the app writes (a report that parses with the contract's
// schema, JSON columns that are JSON, dates that are dates, decisions that belong to an evaluation in
// the same file, runs that are in the file or that its meta lists as not kept), under caps on their
// count and size. A refusal names the table, the row and what is wrong; nothing is kept.

export interface EvaluationCaps {
  maxEvaluations: number
  maxDecisions: number
  /** The stored report JSON, per evaluation. */
  maxReportBytes: number
}

export const DEFAULT_EVALUATION_CAPS: EvaluationCaps = {
  maxEvaluations: 16,
  maxDecisions: 100_000,
  maxReportBytes: 16 * 1024 * 1024,
}

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const Id = z.string().min(1).max(64)
const Num = z.number().finite()
const OptNum = Num.nullable()
const Int = z.number().int()

function json(text: unknown, max: number): unknown {
  if (typeof text !== 'string') throw new Error('is not JSON text')
  if (Buffer.byteLength(text) > max) throw new Error(`is ${Buffer.byteLength(text)} bytes, over the ${max}-byte limit`)
  try {
    return JSON.parse(text)
  } catch {
    throw new Error('is not valid JSON')
  }
}

const EvaluationRowShape = z.object({
  id: Id,
  strategy_id: Id,
  from_date: IsoDate,
  to_date: IsoDate,
  horizon: Int.min(1).max(250),
  status: EvaluationStatus,
  done: Int.min(0),
  total: Int.min(0),
  error: z.string().max(10_000).nullable(),
  source: z.enum(['simulator', 'gateway']).nullable(),
  budget_micros: Int.nullable(),
  spent_micros: Int,
  created_at: Int,
  updated_at: Int,
  finished_at: Int.nullable(),
})

/** Arms 0–3, and the repeat calls of the noise floor stored as arm 100 + 10·a + k, k = 1, 2 (noise.ts). */
const ARMS = new Set([0, 1, 2, 3].flatMap((a) => [a, 100 + 10 * a + 1, 100 + 10 * a + 2]))

const DecisionRowShape = z.object({
  evaluation_id: Id,
  arm: Int.refine((a) => ARMS.has(a), 'is not an arm or a repeat call of one'),
  date: IsoDate,
  run_id: Id.nullable(),
  cache_key: z.string().max(128),
  inputs_sha256: z.string().max(128),
  action: z.enum(['BUY', 'SELL', 'HOLD', 'EXIT', 'REVIEW']),
  status: z.string().max(32),
  entry: OptNum,
  stop: OptNum,
  confidence: OptNum,
  fill_date: IsoDate.nullable(),
  fill_price: OptNum,
  exit_date: IsoDate.nullable(),
  exit_price: OptNum,
  exit_reason: z.enum(['target', 'stop', 'time', 'expired']).nullable(),
  r: OptNum,
  r_optimistic: OptNum,
  ambiguous: z.union([z.literal(0), z.literal(1)]),
  pnl: OptNum,
  costs: Num,
  mfe_r: OptNum,
  mae_r: OptNum,
  cost_micros: Int.min(0),
  created_at: Int,
})

/**
 * Checks the evaluation rows of one import, in copy order (evaluations first, then decisions).
 * `missingRuns`: the runs the bundle's meta says were not kept (deleted by retention before the export);
 * a decision may name one of those, but not any other run the file lacks.
 */
export function evaluationRowChecker(
  label: string,
  runIds: () => Set<string>,
  caps = DEFAULT_EVALUATION_CAPS,
  missingRuns: ReadonlySet<string> = new Set(),
) {
  const evaluations = new Set<string>()
  let decisions = 0
  let runs: Set<string> | null = null
  const refuse = (table: string, key: string, why: string): never => {
    throw new BundleError('invalid', `${label} was refused: ${table} row ${key} ${why}.`)
  }
  const shape = (table: string, key: string, schema: z.ZodTypeAny, row: Record<string, unknown>) => {
    const r = schema.safeParse(row)
    if (!r.success) {
      const issue = r.error.issues[0]!
      refuse(table, key, `has a bad ${issue.path.join('.')} (${issue.message})`)
    }
  }
  return (table: string, row: Record<string, unknown>): void => {
    if (table === 'evaluations') {
      const key = JSON.stringify(String(row.id).slice(0, 64))
      if (evaluations.size >= caps.maxEvaluations)
        throw new BundleError('invalid', `${label} was refused: over ${caps.maxEvaluations} evaluations.`)
      shape(table, key, EvaluationRowShape, row)
      try {
        if (!EvaluationRequest.safeParse(json(row.request, 64 * 1024)).success) throw new Error('is not a request')
      } catch (e) {
        refuse(table, key, `request ${(e as Error).message}`)
      }
      if (row.report !== null) {
        let report: unknown
        try {
          report = json(row.report, caps.maxReportBytes)
        } catch (e) {
          refuse(table, key, `report ${(e as Error).message}`)
        }
        const parsed = EvaluationReport.safeParse(report)
        if (!parsed.success) refuse(table, key, `report does not have the report's shape`)
        else if (parsed.data.id !== row.id) refuse(table, key, 'report belongs to another evaluation')
      }
      evaluations.add(row.id as string)
      return
    }
    if (table === 'evaluation_decisions') {
      const key = `${String(row.evaluation_id).slice(0, 64)}/${String(row.arm)}/${String(row.date).slice(0, 10)}`
      if (++decisions > caps.maxDecisions)
        throw new BundleError('invalid', `${label} was refused: over ${caps.maxDecisions} evaluation decisions.`)
      shape(table, key, DecisionRowShape, row)
      if (!evaluations.has(row.evaluation_id as string)) refuse(table, key, 'belongs to no evaluation in the bundle')
      const run = row.run_id as string | null
      if (run !== null && !missingRuns.has(run) && !(runs ??= runIds()).has(run))
        refuse(table, key, 'names a run the bundle does not hold')
      let targets: unknown
      try {
        targets = json(row.targets, 4096)
      } catch (e) {
        refuse(table, key, `targets ${(e as Error).message}`)
      }
      if (!z.array(Num).max(16).safeParse(targets).success) refuse(table, key, 'targets are not a list of prices')
    }
  }
}
