import type { App } from '../../app'
import type { Alert, GatewayStatus } from '../../contract/models'
import { notify } from './notifications'
import { createTray } from './tray'

// The tray and notifications wired to a running trading engine (moved out of main.ts unchanged).
export function wireTray(
  core: App,
  iconPath: string,
  openAt: (route?: string) => void,
  quit: () => void,
): ReturnType<typeof createTray> {
  const recent: string[] = []
  const tray = createTray(
    iconPath,
    {
      open: openAt,
      quit,
      setKillSwitch: (on) => {
        const account = core.gateway().current().account
        if (account) core.trading.risk.setKillSwitch(account, on, 'from the tray', 'user')
      },
    },
    core.gateway().current(),
  )
  const refreshTray = () => {
    const account = core.gateway().current().account
    tray.update({
      killSwitch: account ? core.trading.risk.flags(account).killSwitch : null,
      pendingApprovals: core.trading.approvals.list('pending').length,
      lastAlerts: [...recent],
    })
  }
  refreshTray()
  core.bus.listen((event, data) => {
    if (event === 'gateway.status') {
      tray.update({ status: data as GatewayStatus })
      refreshTray()
    }
    if (
      event === 'db.changed' &&
      (data as { tables: string[] }).tables.some((t) => t === 'risk_state' || t === 'approvals')
    )
      refreshTray()
    if (event === 'alerts.raised') {
      const alert = data as Alert
      recent.unshift(`${alert.title}: ${alert.message}`.slice(0, 90))
      recent.splice(5)
      refreshTray()
      notify(
        alert,
        openAt,
        (id, approve) =>
          void core.trading.approvals.decide(id, approve, 'tray', null).catch((e: unknown) =>
            notify(
              {
                id: `${id}-failed`,
                level: 'error',
                title: 'Approval not applied',
                message: e instanceof Error ? e.message : String(e),
                at: Date.now(),
              },
              openAt,
            ),
          ),
      )
    }
  })
  return tray
}
