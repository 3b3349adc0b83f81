import type { AccountInfo, GatewayStatus } from '../contract/models'
import type { MarketSource } from './market'

/**
 * The engine's view of the gateway: the session state every page shows (published as the
 * `gateway.status` event on each change), the account, and market data while connected.
 */
export interface GatewayConnection {
  current(): GatewayStatus
  onStatus(cb: (s: GatewayStatus) => void): () => void
  reauthenticate(): Promise<GatewayStatus>
  accounts(): Promise<AccountInfo[]>
  selectAccount(accountId: string): Promise<GatewayStatus>
  /** Market data through this connection, or null while it cannot serve any. */
  market(): MarketSource | null
  /** sha256 fingerprint (`sha256/<base64>`) of the gateway's pinned certificate, for the login window. */
  certificateFingerprint(): string | null
  stop(): Promise<void>
}
