import { Notification } from 'electron'
import type { Alert } from '../../contract/models'

/** Desktop notification for an alert; clicking it brings the window forward. */
export function notify(alert: Alert, onClick: () => void): void {
  if (!Notification.isSupported()) return
  const n = new Notification({ title: alert.title, body: alert.message, silent: alert.level === 'info' })
  n.on('click', onClick)
  n.show()
}
