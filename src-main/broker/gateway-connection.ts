import type { AccountInfo, Bar, BarSize, GatewayStatus, Instrument, InstrumentDetails, Quote } from '../contract/models'

// What a gateway connection offers the engine (v1: the Client Portal connection in
// ./ibkr/connection): the session, the account and market data. The engine builds on these types;
// they live here, with the broker, so no adapter ever imports from the engine.

/** Market data through a broker connection, as the engine's market service reads it. */
export interface MarketSource {
  search(query: string): Promise<Instrument[]>
  details(conid: number): Promise<Omit<InstrumentDetails, 'source'>>
  history(req: { conid: number; bar: BarSize; period: string; outsideRth: boolean; startTime?: string }): Promise<Bar[]>
  /** Stream quotes for exactly these conids from now on (replaces the previous set). */
  setStreamed(conids: number[]): void
  onQuote(cb: (q: Quote) => void): () => void
}

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
