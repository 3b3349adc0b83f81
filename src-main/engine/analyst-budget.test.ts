import { describe, expect, it } from 'vitest'
import { budgetRefusal, chooseAnalyst } from './analyst'

// The daily LLM budget (issue #9 item 7): a spent budget stops the call; a model with no known price
// is never run under a budget (its cost would count as $0); local endpoints cost nothing.

const openai = (model: string) =>
  chooseAnalyst({ provider: 'openai', model }, { apiKey: 'sk-test', baseUrl: null, model: 'gpt-4o-mini' })
const local = chooseAnalyst(
  { provider: 'openai', model: 'llava' },
  { apiKey: null, baseUrl: 'http://127.0.0.1:11434/v1', model: 'llava' },
)

describe('budgetRefusal', () => {
  it('a priced model runs until the budget is spent, then is refused with the numbers', () => {
    expect(budgetRefusal(openai('gpt-4o-mini'), 1, 999_999)).toBeNull()
    expect(budgetRefusal(openai('gpt-4o-mini'), 1, 1_000_000)).toBe(
      'Daily LLM budget of $1.00 is spent ($1.00 in the last 24 h); the model was not called.',
    )
    expect(budgetRefusal(openai('gpt-4o-2024-08-06'), 1, 0)).toBeNull() // dated snapshot of a priced model
  })

  it('a model with no known price is refused under a budget, never counted as $0; without a budget it runs', () => {
    expect(budgetRefusal(openai('gpt-9-preview'), 5, 0)).toBe(
      'gpt-9-preview has no known price, so the daily LLM budget of $5.00 cannot be kept; the ' +
        'model was not called. Pick a priced model or remove the budget.',
    )
    expect(budgetRefusal(openai('gpt-9-preview'), null, 0)).toBeNull()
  })

  it('a local endpoint costs nothing and the rules analyst never spends', () => {
    expect(budgetRefusal(local, 0.01, 0)).toBeNull()
    expect(
      budgetRefusal(
        chooseAnalyst({ provider: 'rules', model: null }, { apiKey: null, baseUrl: null, model: 'x' }),
        0,
        5,
      ),
    ).toBeNull()
  })
})
