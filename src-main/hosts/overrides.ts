import { resolve } from 'node:path'
import { AccountId, GatewaySetting, LlmBaseUrl, LlmModel, type SettingSource } from '../contract/models'
import type { Overrides } from '../engine/settings'

export class ConfigError extends Error {}

/** Flags win over the environment, the environment over stored settings (ARCHITECTURE.md). */
export function resolveOverrides(flags: { gateway?: string; account?: string }, env: NodeJS.ProcessEnv): Overrides {
  const overrides: Overrides = {}
  const gateway = pick(flags.gateway, '--gateway', env.IBKR_WS_GATEWAY, 'IBKR_WS_GATEWAY')
  if (gateway) overrides.gateway = { ...gateway, value: check(GatewaySetting, gateway.value, gateway.by) }
  const account = pick(flags.account, '--account', env.IBKR_WS_ACCOUNT, 'IBKR_WS_ACCOUNT')
  if (account) overrides.account = { ...account, value: check(AccountId, account.value, account.by) }
  if (env.OPENAI_BASE_URL) {
    overrides.llmBaseUrl = {
      value: check(LlmBaseUrl, env.OPENAI_BASE_URL, 'OPENAI_BASE_URL'),
      source: 'env',
      by: 'OPENAI_BASE_URL',
    }
  }
  if (env.IBKR_WS_LLM_MODEL) {
    overrides.llmModel = {
      value: check(LlmModel, env.IBKR_WS_LLM_MODEL, 'IBKR_WS_LLM_MODEL'),
      source: 'env',
      by: 'IBKR_WS_LLM_MODEL',
    }
  }
  return overrides
}

/** The data folder from a flag, then `IBKR_WS_DATA_DIR`, then the host's default. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  fallback: string,
): { value: string; source: SettingSource } {
  if (flag) return { value: resolve(flag), source: 'flag' }
  if (env.IBKR_WS_DATA_DIR) return { value: resolve(env.IBKR_WS_DATA_DIR), source: 'env' }
  return { value: fallback, source: 'default' }
}

export function envApiKey(env: NodeJS.ProcessEnv): string | null {
  return env.OPENAI_API_KEY ? env.OPENAI_API_KEY : null
}

function pick(flag: string | undefined, flagName: string, envValue: string | undefined, envName: string) {
  if (flag !== undefined) return { value: flag, source: 'flag' as const, by: flagName }
  if (envValue) return { value: envValue, source: 'env' as const, by: envName }
  return null
}

interface Schema<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } }
}

function check<T>(schema: Schema<T>, value: string, by: string): T {
  const r = schema.safeParse(value)
  if (!r.success) throw new ConfigError(`${by}: ${r.error.issues.map((i) => i.message).join('; ')} (got "${value}")`)
  return r.data
}
