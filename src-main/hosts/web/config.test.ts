import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_PORT, parseWebHostConfig } from './config'

describe('web host configuration', () => {
  it('defaults: port, data folder under the home directory, no overrides', () => {
    const c = parseWebHostConfig([], { HOME: '/home/t' })
    expect(c.port).toBe(DEFAULT_PORT)
    expect(c.dataDir).toEqual({ value: '/home/t/.local/share/ibkr-workstation', source: 'default' })
    expect(c.overrides).toEqual({})
    expect(c.envApiKey).toBeNull()
    expect(c.allowLive).toBe(false)
    expect(c.simSeed).toBeNull()
  })

  it("the simulator's seed for a new data folder: flag over environment, a whole number in range", () => {
    expect(parseWebHostConfig(['--sim-seed', '20261125'], { IBKR_WS_SIM_SEED: '7' }).simSeed).toBe(20261125)
    expect(parseWebHostConfig([], { IBKR_WS_SIM_SEED: '7' }).simSeed).toBe(7)
    for (const bad of ['0', '1.5', 'x', '2147483647'])
      expect(() => parseWebHostConfig(['--sim-seed', bad], {})).toThrow(/--sim-seed/)
  })

  it('live arming only with --allow-live (RELIABILITY.md §2.5)', () => {
    expect(parseWebHostConfig(['--allow-live'], {}).allowLive).toBe(true)
    expect(parseWebHostConfig([], { IBKR_WS_ALLOW_LIVE: '1' }).allowLive).toBe(false)
    expect(() => parseWebHostConfig(['--allow-live=yes'], {})).toThrow(ConfigError)
  })

  it('flags win over environment variables', () => {
    const c = parseWebHostConfig(
      ['--port', '0', '--data-dir', '/tmp/d', '--gateway', 'https://127.0.0.1:5000', '--account', 'DU9'],
      {
        IBKR_WS_DATA_DIR: '/tmp/env',
        IBKR_WS_GATEWAY: 'sim',
        IBKR_WS_ACCOUNT: 'DU1',
      },
    )
    expect(c.port).toBe(0)
    expect(c.dataDir).toEqual({ value: '/tmp/d', source: 'flag' })
    expect(c.overrides.gateway).toEqual({ value: 'https://127.0.0.1:5000', source: 'flag', by: '--gateway' })
    expect(c.overrides.account).toEqual({ value: 'DU9', source: 'flag', by: '--account' })
  })

  it('reads the environment when no flag is given', () => {
    const c = parseWebHostConfig([], {
      IBKR_WS_DATA_DIR: '/tmp/env',
      IBKR_WS_GATEWAY: 'sim',
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      IBKR_WS_LLM_MODEL: 'llava',
    })
    expect(c.dataDir.source).toBe('env')
    expect(c.overrides.gateway).toMatchObject({ value: 'sim', source: 'env', by: 'IBKR_WS_GATEWAY' })
    expect(c.overrides.llmBaseUrl?.value).toBe('http://127.0.0.1:11434/v1')
    expect(c.overrides.llmModel?.value).toBe('llava')
    expect(c.envApiKey).toBe('sk-x')
  })

  it('rejects bad values with a message naming the flag', () => {
    expect(() => parseWebHostConfig(['--port', '70000'], {})).toThrow(/--port must be 0-65535/)
    expect(() => parseWebHostConfig(['--gateway', 'ftp://x'], {})).toThrow(/--gateway: Use "sim"/)
    expect(() => parseWebHostConfig([], { IBKR_WS_ACCOUNT: 'DU 1' })).toThrow(/IBKR_WS_ACCOUNT/)
    expect(() => parseWebHostConfig(['--bogus'], {})).toThrow(ConfigError)
  })
})
