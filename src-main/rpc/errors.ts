import type { ErrorCode } from '../contract/models'

/** An error a handler raises on purpose; it crosses the wire as `{code, message, details}`. */
export class RpcError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'RpcError'
    this.code = code
    this.details = details
  }
}
