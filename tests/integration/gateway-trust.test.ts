import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../src-main/app'
import { createRpcClient } from '../../src-main/contract/client'
import { inProcessTransport } from '../../src-main/rpc/in-process'
import { startSimGateway, type SimGateway } from '../../src-main/sim'

// A separate gateway on this machine with a self-signed certificate (here: the simulator run as
// if it were a Client Portal Gateway): not trusted until the user confirms its fingerprint.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function app(dataDir: string, gateway: SimGateway): Promise<App> {
  const a = await createApp({
    host: 'test',
    dataDir: { value: dataDir, source: 'flag' },
    migrationsDir: resolve(__dirname, '../../migrations'),
    overrides: { gateway: { value: gateway.origin, source: 'flag', by: '--gateway' } },
    envApiKey: null,
    secrets: null,
    strictContracts: true,
  })
  cleanups.push(() => a.stop())
  return a
}

describe('trusting a local gateway certificate', () => {
  it('refuses the unpinned certificate, pins it after the fingerprint is confirmed, and remembers it', async () => {
    const sim = await startSimGateway({ demo: true, seed: 4, rateLimit: { enabled: false } })
    cleanups.push(() => sim.close())
    const dir = mkdtempSync(join(tmpdir(), 'ibkr-ws-trust-'))
    const first = await app(dir, sim)
    const client = createRpcClient(inProcessTransport(first.rpc))

    const status = await client.call('gateway.status', {})
    expect(status.state).toBe('offline')
    expect(status.detail).toContain('certificate is not trusted yet')
    const cert = await client.call('gateway.certificate', {})
    expect(cert).toMatchObject({ url: sim.origin, fingerprint: sim.fingerprint, trusted: false })

    const wrong = await client
      .call('gateway.trustCertificate', { fingerprint: `sha256/${'A'.repeat(43)}=` })
      .catch((e: unknown) => e)
    expect(wrong).toMatchObject({ code: 'CONFLICT' })
    expect((await client.call('gateway.status', {})).state).toBe('offline')

    const trusted = await client.call('gateway.trustCertificate', { fingerprint: cert.fingerprint })
    expect(trusted).toMatchObject({ state: 'authenticated', account: 'DU1234567', paper: true })
    expect((await client.call('gateway.certificate', {})).trusted).toBe(true)
    await first.stop()

    const second = await app(dir, sim)
    expect(second.gateway().current().state).toBe('authenticated')
  })
})
