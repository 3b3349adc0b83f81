import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../src-main/app'
import { createRpcClient, RpcCallError } from '../../src-main/contract/client'
import { inProcessTransport } from '../../src-main/rpc/in-process'

const apps: App[] = []
afterEach(async () => {
  for (const a of apps.splice(0)) await a.stop()
})

async function app(dataDir = mkdtempSync(join(tmpdir(), 'ibkr-ws-strategies-'))) {
  const a = await createApp({
    host: 'test',
    dataDir: { value: dataDir, source: 'flag' },
    migrationsDir: resolve(__dirname, '../../migrations'),
    overrides: {},
    envApiKey: null,
    secrets: null,
    strictContracts: true,
  })
  apps.push(a)
  return { client: createRpcClient(inProcessTransport(a.rpc)), dataDir }
}

describe('strategies over RPC, demo mode', () => {
  it('seeds a dry-run and an automatic paper strategy once, on the simulator', async () => {
    const { client, dataDir } = await app()
    const list = await client.call('strategies.list', {})
    expect(list.map((s) => [s.name, s.mode, s.approval, s.active])).toEqual([
      ['AAPL daily swing (demo, dry run)', 'dry-run', 'ask', true],
      ['SPY trend (demo, paper, automatic)', 'paper', 'auto', true],
    ])
    expect(list[1]!.config.risk.combination).toBe('llm_only')
    expect(list[0]!.nextFires).toHaveLength(5)
    expect(list[0]!.key).toMatch(/^s[0-9a-f]{8}$/)
    await apps.pop()!.stop()
    const again = await app(dataDir)
    expect(await again.client.call('strategies.list', {})).toHaveLength(2)
  })

  it('creates, updates and activates; a refused save names each problem and changes nothing', async () => {
    const { client } = await app()
    const base = (await client.call('strategies.list', {}))[0]!.config
    const bad = await client
      .call('strategies.create', {
        ...base,
        conid: 999999,
        symbol: 'ZZZ',
        schedule: { ...base.schedule, cron: '30 2 * * *' },
      })
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(RpcCallError)
    expect((bad as RpcCallError).code).toBe('BAD_INPUT')
    expect((bad as RpcCallError).message).toContain('conid: Unknown instrument 999999')
    expect((bad as RpcCallError).message).toContain('daylight saving')
    expect(await client.call('strategies.list', {})).toHaveLength(2)

    const created = await client.call('strategies.create', { ...base, name: 'AAPL copy' })
    expect(created).toMatchObject({ name: 'AAPL copy', revision: 1, active: false })
    const updated = await client.call('strategies.update', {
      id: created.id,
      strategy: { ...base, name: 'AAPL copy, renamed' },
    })
    expect(updated).toMatchObject({ name: 'AAPL copy, renamed', revision: 2, key: created.key })
    expect((await client.call('strategies.setActive', { id: created.id, active: true })).active).toBe(true)
    const live = await client.call('strategies.update', {
      id: created.id,
      strategy: { ...base, mode: 'live', approval: 'ask' },
    })
    expect(live).toMatchObject({ mode: 'live', active: false })
    expect(
      await client
        .call('strategies.setActive', { id: created.id, active: true })
        .catch((e: unknown) => (e as RpcCallError).code),
    ).toBe('FORBIDDEN')
    expect(await client.call('strategies.get', { id: 'nope' }).catch((e: unknown) => (e as RpcCallError).code)).toBe(
      'NOT_FOUND',
    )
  })
})
