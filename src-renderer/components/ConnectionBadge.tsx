import { GATEWAY_STATE_LABEL, type GatewayState } from '../../src-main/contract/models'
import { useApp } from '../state/app'

const TONE: Record<GatewayState, 'ok' | 'warn' | 'bad'> = {
  offline: 'bad',
  unauthenticated: 'warn',
  authenticated: 'ok',
  competing: 'bad',
  expired: 'warn',
  maintenance: 'warn',
}

/** Gateway state everywhere: fed by the `gateway.status` event; the engine link comes first. */
export function ConnectionBadge() {
  const link = useApp((s) => s.link)
  const gateway = useApp((s) => s.gateway)
  if (link.state !== 'open') {
    return (
      <span className="badge tone-bad" data-testid="connection-badge" data-state="engine-down" title={link.detail}>
        <span className="dot" /> Engine {link.state === 'connecting' ? 'connecting' : 'disconnected'}
      </span>
    )
  }
  if (!gateway) return null
  const where = gateway.url === 'sim' ? 'Simulator' : gateway.url
  return (
    <span className="badge-group">
      <span
        className={`badge tone-${TONE[gateway.state]}`}
        data-testid="connection-badge"
        data-state={gateway.state}
        title={gateway.detail}
      >
        <span className="dot" /> {GATEWAY_STATE_LABEL[gateway.state]} · {where}
      </span>
      {gateway.account && <span className="badge tone-neutral num">{gateway.account}</span>}
      {gateway.paper !== null && (
        <span className={`badge ${gateway.paper ? 'tone-paper' : 'tone-live'}`} data-testid="paper-badge">
          {gateway.paper ? 'PAPER' : 'LIVE'}
        </span>
      )}
    </span>
  )
}
