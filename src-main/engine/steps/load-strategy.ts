import type { LoadStrategyOutput } from '../../contract/steps'
import type { Strategy } from '../../contract/strategies'
import { chooseAnalyst, type AnalystChoice, type AnalystConfig } from '../analyst'

// Step 2, load_strategy: the strategy's revision, its prompt version and the analyst it asks.

export interface ResolvedPrompt {
  versionId: string | null
  name: string
  version: number | null
  system: string
  body: string
}

export interface LoadStrategyServices {
  prompt(strategy: Strategy): ResolvedPrompt
  analystConfig(): Promise<AnalystConfig>
}

export type LoadStrategyResult = LoadStrategyOutput & { prompt: ResolvedPrompt; _analyst: AnalystChoice }

export function loadStrategyInput(strategy: Strategy): { strategyId: string } {
  return { strategyId: strategy.id }
}

export async function loadStrategy(strategy: Strategy, s: LoadStrategyServices): Promise<LoadStrategyResult> {
  const cfg = strategy.config
  const prompt = s.prompt(strategy)
  const analyst = chooseAnalyst(cfg, await s.analystConfig())
  return {
    strategy: { id: strategy.id, key: strategy.key, name: strategy.name, revision: strategy.revision, config: cfg },
    prompt,
    analyst: { provider: analyst.provider, model: analyst.model, label: analyst.label } as const,
    _analyst: analyst,
  }
}
