/** The gateway answered with an HTTP error; `message` is IBKR's own text. */
export class GatewayHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
  ) {
    super(message)
    this.name = 'GatewayHttpError'
  }
}

/** 401: no SSO session (never logged in, logged out, or expired). */
export class NoSessionError extends GatewayHttpError {}

/** 429, or our own pacer refusing while the gateway's penalty box is on. */
export class RateLimitedError extends GatewayHttpError {}

/** The gateway could not be reached (refused, reset, timed out) before any answer. */
export class GatewayUnreachableError extends Error {
  constructor(
    message: string,
    readonly path: string,
    /** The TLS handshake failed because the gateway's certificate is not trusted (not pinned yet). */
    readonly untrustedCertificate = false,
  ) {
    super(message)
    this.name = 'GatewayUnreachableError'
  }
}

/**
 * A request that changes state (an order, a reply, a cancel) may or may not have been applied:
 * the connection failed, timed out, or answered 5xx. It is never retried; reconciliation settles it.
 */
export class OutcomeUnknownError extends Error {
  constructor(
    message: string,
    readonly path: string,
    cause?: unknown,
  ) {
    super(message, { cause })
    this.name = 'OutcomeUnknownError'
  }
}

/** 404: the gateway has no such thing (order, contract, path). */
export class NotFoundError extends GatewayHttpError {}
