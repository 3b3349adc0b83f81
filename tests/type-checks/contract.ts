// Compile-only checks of the contract's types (run by `tsc --noEmit -p tsconfig.node.json`).
// Each @ts-expect-error line must fail to type-check; if one starts compiling, tsc reports it.
import type { RpcClient } from '../../src-main/contract/client'
import type { Output } from '../../src-main/contract/api'

declare const client: RpcClient

export async function checks(): Promise<void> {
  const health: Output<'system.health'> = await client.call('system.health', {})
  health.gateway.state satisfies
    'offline' | 'unauthenticated' | 'authenticated' | 'competing' | 'expired' | 'maintenance'

  await client.call('settings.update', { gateway: 'sim', llmModel: 'x' })
  await client.call('settings.update', { account: null })

  // @ts-expect-error unknown method name
  await client.call('system.reboot', {})
  // @ts-expect-error method names are domain.verb, case-sensitive
  await client.call('System.Health', {})
  // @ts-expect-error wrong payload type
  await client.call('settings.update', { gateway: 42 })
  // @ts-expect-error unknown field
  await client.call('settings.update', { gatewayUrl: 'sim' })
  // @ts-expect-error missing payload
  await client.call('settings.get')

  // @ts-expect-error the output has no such field
  void health.secret

  client.on('gateway.status', (s) => s.state satisfies string)
  // @ts-expect-error unknown event name
  client.on('gateway.statuz', () => {})
  // @ts-expect-error event payload is typed
  client.on('db.changed', (d) => d.tables satisfies number)
}
