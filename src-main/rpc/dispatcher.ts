import type { z } from 'zod'
import { api, isMethod, type Method, type Output, type ParsedInput } from '../contract/api'
import type { HostFrame } from '../contract/wire'
import { RpcError } from './errors'
import { redactPaths } from './redact'

export type Handler<M extends Method> = (input: ParsedInput<M>) => Promise<Output<M>> | Output<M>
export type Handlers = { [M in Method]: Handler<M> }

export interface DispatcherOptions {
  /** Check every result against its output schema (tests and development). */
  validateOutputs?: boolean
  /** Where unexpected handler failures are reported (their stacks never cross the wire). */
  onInternalError?: (method: string, err: unknown) => void
}

export interface Dispatcher {
  dispatch(id: number, method: string, payload: unknown): Promise<HostFrame>
  /** Calls still running; shutdown waits for them. */
  inFlight(): number
  /** Stop accepting calls and wait until running ones finish. */
  drain(): Promise<void>
}

/** One dispatcher for every transport: look up the method, validate the input, run the handler. */
export function createDispatcher(handlers: Handlers, opts: DispatcherOptions = {}): Dispatcher {
  let running = 0
  let draining = false
  let idle: (() => void) | null = null

  async function run(id: number, method: Method, payload: unknown): Promise<HostFrame> {
    const def = api[method]
    const parsed = def.input.safeParse(payload)
    if (!parsed.success) {
      return err(id, new RpcError('BAD_INPUT', describeIssues(parsed.error), parsed.error.issues))
    }
    try {
      const handler = handlers[method] as (input: unknown) => unknown
      const result = await handler(parsed.data)
      if (opts.validateOutputs) {
        const out = (def.output as z.ZodType).safeParse(result)
        if (!out.success) {
          throw new Error(`${method} returned an invalid result: ${describeIssues(out.error)}`)
        }
      }
      return { t: 'ok', id, r: result }
    } catch (e) {
      if (e instanceof RpcError) return err(id, e)
      opts.onInternalError?.(method, e)
      const message = e instanceof Error ? e.message : String(e)
      return err(id, new RpcError('INTERNAL', `${method} failed: ${message}`))
    }
  }

  return {
    async dispatch(id, method, payload) {
      if (!isMethod(method)) return err(id, new RpcError('NOT_FOUND', `No method named "${method}"`))
      if (draining) return err(id, new RpcError('UNAVAILABLE', 'The app is shutting down'))
      running++
      try {
        return await run(id, method, payload)
      } finally {
        running--
        if (running === 0 && idle) idle()
      }
    },
    inFlight: () => running,
    drain() {
      draining = true
      if (running === 0) return Promise.resolve()
      return new Promise((resolve) => {
        idle = resolve
      })
    },
  }
}

function err(id: number, e: RpcError): HostFrame {
  // What the UI shows carries no absolute paths; the full error went to onInternalError (the log).
  const message = redactPaths(e.message)
  const body = e.details === undefined ? { code: e.code, message } : { code: e.code, message, details: e.details }
  return { t: 'err', id, e: body }
}

/** One readable line per zod issue: `path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
}
