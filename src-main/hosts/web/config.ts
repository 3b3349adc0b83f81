import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AccountId, GatewaySetting, LlmBaseUrl, LlmModel, type SettingSource } from '../../contract/models'
import type { Overrides } from '../../engine/settings'

export interface WebHostConfig {
  port: number
  dataDir: { value: string; source: SettingSource }
  overrides: Overrides
  envApiKey: string | null
}

export class ConfigError extends Error {}

export const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR] [--gateway sim|URL] [--account ID]
  --port N         port on 127.0.0.1 (0 picks a free one; default 4780)
  --data-dir DIR   data folder (default: $IBKR_WS_DATA_DIR or ~/.local/share/ibkr-workstation)
  --gateway G      "sim" for the built-in simulator, or a Client Portal Gateway URL
  --account ID     IBKR account id to trade
Environment: IBKR_WS_DATA_DIR, IBKR_WS_GATEWAY, IBKR_WS_ACCOUNT, OPENAI_API_KEY, OPENAI_BASE_URL,
  IBKR_WS_LLM_MODEL, IBKR_WS_CHROMIUM. Flags win over the environment, the environment over stored settings.`

export const DEFAULT_PORT = 4780

/** Flags win over the environment, the environment over stored settings (ARCHITECTURE.md). */
export function parseWebHostConfig(argv: string[], env: NodeJS.ProcessEnv): WebHostConfig {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        gateway: { type: 'string' },
        account: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n${USAGE}`)
  }
  if (values.help) throw new ConfigError(USAGE)

  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be 0-65535, got "${values.port}"`)

  const dataDir = values['data-dir']
    ? { value: resolve(values['data-dir']), source: 'flag' as const }
    : env.IBKR_WS_DATA_DIR
      ? { value: resolve(env.IBKR_WS_DATA_DIR), source: 'env' as const }
      : { value: defaultDataDir(env), source: 'default' as const }

  const overrides: Overrides = {}
  const gateway = pick(values.gateway, '--gateway', env.IBKR_WS_GATEWAY, 'IBKR_WS_GATEWAY')
  if (gateway) overrides.gateway = { ...gateway, value: check(GatewaySetting, gateway.value, gateway.by) }
  const account = pick(values.account, '--account', env.IBKR_WS_ACCOUNT, 'IBKR_WS_ACCOUNT')
  if (account) overrides.account = { ...account, value: check(AccountId, account.value, account.by) }
  if (env.OPENAI_BASE_URL) {
    overrides.llmBaseUrl = { value: check(LlmBaseUrl, env.OPENAI_BASE_URL, 'OPENAI_BASE_URL'), source: 'env', by: 'OPENAI_BASE_URL' }
  }
  if (env.IBKR_WS_LLM_MODEL) {
    overrides.llmModel = { value: check(LlmModel, env.IBKR_WS_LLM_MODEL, 'IBKR_WS_LLM_MODEL'), source: 'env', by: 'IBKR_WS_LLM_MODEL' }
  }
  return { port, dataDir, overrides, envApiKey: env.OPENAI_API_KEY ? env.OPENAI_API_KEY : null }
}

function pick(flag: string | undefined, flagName: string, envValue: string | undefined, envName: string) {
  if (flag !== undefined) return { value: flag, source: 'flag' as const, by: flagName }
  if (envValue) return { value: envValue, source: 'env' as const, by: envName }
  return null
}

function check<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: string, by: string): T {
  const r = schema.safeParse(value)
  if (!r.success) throw new ConfigError(`${by}: ${r.error.issues.map((i) => i.message).join('; ')} (got "${value}")`)
  return r.data
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share')
  return join(base, 'ibkr-workstation')
}
