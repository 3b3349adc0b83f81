import { Notification } from 'electron'
import type { Alert } from '../../contract/models'

/**
 * Desktop notification for an alert; clicking it brings the window forward (an approval opens the
 * Orders page). An approval also carries Approve / Reject buttons where the platform shows them.
 */
export function notify(
  alert: Alert,
  open: (route?: string) => void,
  decide?: (approvalId: string, approve: boolean) => void,
): void {
  if (!Notification.isSupported()) return
  const approval = alert.action?.kind === 'approval' ? alert.action.id : null
  const n = new Notification({
    title: alert.title,
    body: alert.message,
    silent: alert.level === 'info',
    ...(approval
      ? {
          actions: [
            { type: 'button', text: 'Approve' },
            { type: 'button', text: 'Reject' },
          ],
          urgency: 'critical',
        }
      : {}),
  })
  n.on('click', () => open(approval ? '#/orders' : undefined))
  if (approval && decide) n.on('action', (_e: unknown, index: number) => decide(approval, index === 0))
  n.show()
}
