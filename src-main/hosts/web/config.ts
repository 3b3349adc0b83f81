import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { SettingSource } from '../../contract/models'
import type { Overrides } from '../../engine/settings'
import { ConfigError, envApiKey, resolveDataDir, resolveOverrides } from '../overrides'

export { ConfigError }

export interface WebHostConfig {
  port: number
  dataDir: { value: string; source: SettingSource }
  overrides: Overrides
  envApiKey: string | null
  /** --review FILE: start in review mode showing this bundle (as a double-click does on the desktop). */
  review: string | null
  /** Live trading may be armed on this host (RELIABILITY.md §2.5); still only after the typed confirmation. */
  allowLive: boolean
  /** The built-in simulator's seed for a new data folder (null: a random one); a folder keeps its seed. */
  simSeed: number | null
}

export const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR] [--gateway sim|URL] [--account ID]
                     [--allow-live] [--sim-seed N]
  --port N         port on 127.0.0.1 (0 picks a free one; default 4780)
  --data-dir DIR   data folder (default: $IBKR_WS_DATA_DIR or ~/.local/share/ibkr-workstation)
  --gateway G      "sim" for the built-in simulator, or a Client Portal Gateway URL
  --account ID     IBKR account id to trade
  --review FILE    start in review mode with this .wsbundle (no gateway, schedules or orders until started)
  --allow-live     let this host arm live trading (still needs the typed ARM <account> confirmation)
  --sim-seed N     the built-in simulator's market for a new data folder (1-2147483646; default random;
                   a data folder keeps the seed it started with)
Environment: IBKR_WS_DATA_DIR, IBKR_WS_GATEWAY, IBKR_WS_ACCOUNT, OPENAI_API_KEY, OPENAI_BASE_URL,
  IBKR_WS_LLM_MODEL, IBKR_WS_CHROMIUM, IBKR_WS_SIM_SEED. Flags win over the environment, the environment over
  stored settings.`

export const DEFAULT_PORT = 4780

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
        review: { type: 'string' },
        'allow-live': { type: 'boolean' },
        'sim-seed': { type: 'string' },
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
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port must be 0-65535, got "${values.port}"`)

  const seedText = values['sim-seed'] ?? env.IBKR_WS_SIM_SEED
  const simSeed = seedText === undefined || seedText === '' ? null : Number(seedText)
  if (simSeed !== null && (!Number.isInteger(simSeed) || simSeed < 1 || simSeed > 2 ** 31 - 2))
    throw new ConfigError(`--sim-seed (or IBKR_WS_SIM_SEED) must be a whole number 1-2147483646, got "${seedText}"`)

  return {
    port,
    dataDir: resolveDataDir(values['data-dir'], env, defaultDataDir(env)),
    overrides: resolveOverrides({ gateway: values.gateway, account: values.account }, env),
    envApiKey: envApiKey(env),
    review: values.review ? resolve(values.review) : null,
    allowLive: values['allow-live'] === true,
    simSeed,
  }
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share')
  return join(base, 'ibkr-workstation')
}
