import type { StrategyInput } from '../../contract/strategies'
import { checkSchedule } from '../schedule/cron'

// Save-time checks that need more than the schema (F6): the instrument is known, the prompt version
// is active, the schedule is sound, and the combination policy has the indicators it votes with.

export interface StrategyFacts {
  now: number
  instrument(conid: number): { symbol: string } | null
  promptVersionActive(id: string): boolean
}

export interface StrategyProblem {
  field: string
  message: string
}

const VOTERS = ['supertrend', 'sma', 'macd', 'rsi'] as const

export function checkStrategy(
  s: StrategyInput,
  facts: StrategyFacts,
): { problems: StrategyProblem[]; nextFires: number[] } {
  const problems: StrategyProblem[] = []
  const inst = facts.instrument(s.conid)
  if (!inst) problems.push({ field: 'conid', message: `Unknown instrument ${s.conid}: search for it first` })
  else if (inst.symbol !== s.symbol)
    problems.push({ field: 'symbol', message: `Contract ${s.conid} is ${inst.symbol}, not ${s.symbol}` })
  if (s.promptVersionId !== null && !facts.promptVersionActive(s.promptVersionId))
    problems.push({ field: 'promptVersionId', message: 'That prompt version does not exist or is archived' })
  const schedule = checkSchedule(s.schedule.cron, s.schedule.tz, facts.now)
  for (const p of schedule.problems) problems.push({ field: 'schedule.cron', message: p })
  if (s.risk.combination !== 'llm_only') {
    const types = new Set(s.indicators.map((i) => i.type))
    const missing = VOTERS.filter((v) => !types.has(v))
    if (missing.length > 0)
      problems.push({
        field: 'indicators',
        message:
          `The "${s.risk.combination}" policy votes with SuperTrend, SMA, MACD and RSI; add ` + `${missing.join(', ')}`,
      })
  }
  if (s.mode === 'live' && s.approval === 'auto')
    problems.push({
      field: 'approval',
      message: 'Live strategies ask before each order until live trading is armed for the account',
    })
  return { problems, nextFires: schedule.next }
}
