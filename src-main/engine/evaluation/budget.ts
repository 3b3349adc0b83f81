import { RpcError } from '../../rpc/errors'
import type { EvaluationRow } from '../../store/evaluation-repo'

// The per-evaluation budget (EVALUATION.md §8): reserved per call, fail-closed. Each paid call holds
// the high estimate of one call until its real cost is booked, so concurrent calls can never overrun
// the budget together; a call whose reservation would pass the budget is refused before it is made.

/** A paid call refused because its reservation would pass the evaluation's budget. */
export class BudgetExhausted extends Error {}

export function createBudget(budgetMicros: number | null, spentMicros: number, perCallHighMicros: number) {
  let spent = spentMicros
  let held = 0
  return {
    spent: () => spent,
    /** One call's slot: `reserve` before asking (throws when refused), `release` once it ended. */
    slot() {
      let mine = 0
      return {
        reserve: () => {
          if (budgetMicros !== null && spent + held + perCallHighMicros > budgetMicros)
            throw new BudgetExhausted(
              `Budget of $${(budgetMicros / 1e6).toFixed(4)} would be exceeded ($${(spent / 1e6).toFixed(4)} ` +
                `spent, $${(perCallHighMicros / 1e6).toFixed(4)} reserved per call); the model was not called. ` +
                'Raise the budget and resume: finished dates are not asked again.',
            )
          held += perCallHighMicros
          mine += perCallHighMicros
        },
        release: () => {
          held -= mine
          mine = 0
        },
      }
    },
    book(costMicros: number) {
      spent += costMicros
    },
  }
}

/** The patch that resumes a stopped evaluation, optionally with a new budget; a clear error otherwise. */
export function resumePatch(
  e: EvaluationRow | null,
  id: string,
  active: boolean,
  budgetUsd: number | undefined,
  now: number,
) {
  if (!e) throw new RpcError('NOT_FOUND', `No evaluation ${id}`)
  const state = active ? 'running' : e.status
  if (state === 'running' || state === 'succeeded')
    throw new RpcError('CONFLICT', `Evaluation ${id} is ${state}; nothing to resume.`)
  const budgetMicros = budgetUsd === undefined ? e.budgetMicros : Math.ceil(budgetUsd * 1e6)
  const spent = `$${(e.spentMicros / 1e6).toFixed(4)}`
  if (budgetMicros !== null && budgetMicros < e.spentMicros)
    throw new RpcError('BAD_INPUT', `$${budgetUsd} is below the ${spent} already spent.`)
  return { status: 'running', error: null, budgetMicros, finishedAt: null, updatedAt: now }
}
