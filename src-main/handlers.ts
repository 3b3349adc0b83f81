import type { Health } from './contract/models'
import type { GatewayStatusSource } from './engine/gateway-status'
import type { SettingsService } from './engine/settings'
import type { Handlers } from './rpc/dispatcher'

export interface Services {
  health(): Health
  settings: SettingsService
  gateway: GatewayStatusSource
}

/** The RPC method table: each method delegates to the service that owns it. */
export function createHandlers(s: Services): Handlers {
  return {
    'system.health': () => s.health(),
    'settings.get': () => s.settings.view(),
    'settings.update': (patch) => s.settings.update(patch),
    'gateway.status': () => s.gateway.current(),
  }
}
