import { randomInt } from 'node:crypto'
import type { AppConfig } from '../app'
import { createGatewayHub, type GatewayHub } from '../engine/gateway-hub'
import type { SettingsService } from '../engine/settings'
import type { GatewayConnection } from '../engine/gateway-status'
import type { EventBus } from '../rpc/event-bus'
import type { Store } from '../store/db'
import { getOrInitSetting, readSettings, writeSettings } from '../store/settings-repo'
import type { Timers } from '../timers'

/** The gateway hub: the configured gateway (or the built-in simulator), with its pinned certificates. */
export async function startGatewayHub(
  cfg: AppConfig,
  d: {
    store: Store
    bus: EventBus
    now: () => number
    timers: Timers
    settings: SettingsService
    onConnection: (c: GatewayConnection) => void
  },
): Promise<GatewayHub> {
  const now = d.now
  return createGatewayHub(d.settings.effective().gateway, {
    bus: d.bus,
    now,
    timers: d.timers,
    simSeed: getOrInitSetting(d.store.db, 'sim.seed', () => cfg.tuning?.simSeed ?? randomInt(1, 2 ** 31 - 1), now()),
    simTickMs: cfg.tuning?.simTickMs,
    preferredAccount: () => d.settings.effective().account,
    certificates: {
      get: (origin) =>
        (readSettings(d.store.db).get('gateway.certificates') as Record<string, string> | undefined)?.[origin] ?? null,
      set: (origin, pem) => {
        const all = {
          ...((readSettings(d.store.db).get('gateway.certificates') as Record<string, string> | undefined) ?? {}),
          [origin]: pem,
        }
        writeSettings(
          d.store.db,
          new Map([['gateway.certificates', all]]),
          { actor: 'user', action: 'gateway.trustCertificate', details: { origin } },
          now(),
        )
      },
    },
    onConnection: d.onConnection,
  })
}
