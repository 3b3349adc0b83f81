// The gateway connection type is the broker's (broker/gateway-connection.ts); re-exported here for
// the engine modules that name it.
export type { GatewayConnection } from '../broker/gateway-connection'
