import { Menu, Tray, nativeImage } from 'electron'
import { GATEWAY_STATE_LABEL, type GatewayStatus } from '../../contract/models'

// The tray (F22): connection state at a glance, the kill switch, what waits for approval, the last
// alerts; open the window or quit. It stays when the window is closed (schedules keep running).

export interface TrayActions {
  open(route?: string): void
  quit(): void
  /** Turn the kill switch on (reason given) or off (the app asks why, in the window). */
  setKillSwitch(on: boolean): void
}

export interface TrayState {
  status: GatewayStatus
  killSwitch: boolean | null
  pendingApprovals: number
  lastAlerts: string[]
}

export function trayStatusLine(status: GatewayStatus): string {
  const where = status.url === 'sim' ? 'Simulator' : status.url
  const account = status.account ? ` · ${status.account}` : ''
  const mode = status.paper === null ? '' : status.paper ? ' · PAPER' : ' · LIVE'
  return `Gateway: ${GATEWAY_STATE_LABEL[status.state]} · ${where}${account}${mode}`
}

export function createTray(
  iconPath: string,
  actions: TrayActions,
  initial: GatewayStatus,
): { update(s: Partial<TrayState>): void; destroy(): void } {
  const tray = new Tray(nativeImage.createFromPath(iconPath))
  let state: TrayState = { status: initial, killSwitch: null, pendingApprovals: 0, lastAlerts: [] }
  const render = () => {
    const s = state
    tray.setToolTip(`IBKR Workstation — ${trayStatusLine(s.status)}${s.killSwitch ? ' — KILL SWITCH ON' : ''}`)
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open IBKR Workstation', click: () => actions.open() },
        { type: 'separator' },
        { label: trayStatusLine(s.status), enabled: false },
        ...(s.killSwitch === null
          ? []
          : [
              s.killSwitch
                ? { label: 'Kill switch is ON — reset in the app…', click: () => actions.open('#/orders') }
                : { label: 'Kill switch: stop all new positions', click: () => actions.setKillSwitch(true) },
            ]),
        ...(s.pendingApprovals > 0
          ? [{ label: `${s.pendingApprovals} order(s) waiting for approval…`, click: () => actions.open('#/orders') }]
          : []),
        ...(s.lastAlerts.length > 0
          ? [{ type: 'separator' as const }, ...s.lastAlerts.map((a) => ({ label: a, enabled: false }))]
          : []),
        { type: 'separator' },
        { label: 'Quit', click: actions.quit },
      ]),
    )
  }
  render()
  tray.on('click', () => actions.open())
  return {
    update(change) {
      state = { ...state, ...change }
      render()
    },
    destroy: () => tray.destroy(),
  }
}
