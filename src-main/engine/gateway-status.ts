import type { GatewayStatus } from '../contract/models'
import type { EventBus } from '../rpc/event-bus'

/** The connection state every page shows; published as the `gateway.status` event on each change. */
export interface GatewayStatusSource {
  current(): GatewayStatus
  /** The configured gateway changed (settings); drop the old connection and start over. */
  retarget(url: string, account: string | null): void
  stop(): void
}

/**
 * The state before a gateway client is attached: nothing is connected, and the status says so
 * and what to do. The CPAPI client and the simulator replace this with a live session keeper.
 */
export function createDisconnectedGateway(deps: { bus: EventBus; now: () => number; url: string; account: string | null }): GatewayStatusSource {
  let status = describe(deps.url, deps.account)

  function describe(url: string, account: string | null): GatewayStatus {
    return {
      state: 'offline',
      account,
      paper: null,
      url,
      detail:
        url === 'sim'
          ? 'No gateway client is running in this build, so the simulator is not connected.'
          : `No gateway client is running in this build, so ${url} is not contacted.`,
      checkedAt: deps.now(),
    }
  }

  return {
    current: () => status,
    retarget(url, account) {
      status = describe(url, account)
      deps.bus.emit('gateway.status', status)
    },
    stop() {},
  }
}
