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
