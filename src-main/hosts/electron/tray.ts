import { Menu, Tray, nativeImage } from 'electron'
import { GATEWAY_STATE_LABEL, type GatewayStatus } from '../../contract/models'

export interface TrayActions {
  open(): void
  quit(): void
}

export function trayStatusLine(status: GatewayStatus): string {
  const where = status.url === 'sim' ? 'Simulator' : status.url
  const account = status.account ? ` · ${status.account}` : ''
  const mode = status.paper === null ? '' : status.paper ? ' · PAPER' : ' · LIVE'
  return `Gateway: ${GATEWAY_STATE_LABEL[status.state]} · ${where}${account}${mode}`
}

/** The tray icon: connection state at a glance, open the window, quit. */
export function createTray(iconPath: string, actions: TrayActions, initial: GatewayStatus): { update(s: GatewayStatus): void; destroy(): void } {
  const tray = new Tray(nativeImage.createFromPath(iconPath))
  const render = (status: GatewayStatus) => {
    tray.setToolTip(`IBKR Workstation — ${trayStatusLine(status)}`)
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open IBKR Workstation', click: actions.open },
        { type: 'separator' },
        { label: trayStatusLine(status), enabled: false },
        { type: 'separator' },
        { label: 'Quit', click: actions.quit },
      ]),
    )
  }
  render(initial)
  tray.on('click', actions.open)
  return { update: render, destroy: () => tray.destroy() }
}
