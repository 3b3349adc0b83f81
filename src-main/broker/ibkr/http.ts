import { Agent, request } from 'undici'
import { isUntrustedCertificateError, pinnedTls } from './certificate'
import {
  GatewayHttpError,
  GatewayUnreachableError,
  NoSessionError,
  NotFoundError,
  OutcomeUnknownError,
  RateLimitedError,
} from './errors'
import type { Pacer, PacerClock } from './pacer'

export interface CpapiHttpOptions {
  /** e.g. `https://127.0.0.1:5000` (the `/v1/api` prefix is added here). */
  baseUrl: string
  /** PEM of the gateway's self-signed certificate: trusted for this gateway only. */
  ca: string | null
  pacer: Pacer
  clock: PacerClock
  timeoutMs?: number
  /** Attempts for idempotent reads on network errors and 5xx (IBKR.md §4: ≤ 3). */
  readAttempts?: number
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
}

/**
 * The only way to talk to the gateway: paced, TLS pinned to the gateway's certificate, errors
 * typed. Reads (`get`) retry network errors and 5xx a bounded number of times with backoff;
 * state-changing calls (`post`, `del`) never retry and report an unclear outcome as
 * `OutcomeUnknownError` (RELIABILITY.md §1 invariant 4).
 */
export class CpapiHttp {
  private readonly agent: Agent
  private readonly timeoutMs: number
  private readonly readAttempts: number
  /** Date header of the last response, for clock-skew checks. */
  lastServerDate: number | null = null

  constructor(private readonly opts: CpapiHttpOptions) {
    this.agent = new Agent({ connect: pinnedTls(opts.ca), keepAliveTimeout: 30_000 })
    this.timeoutMs = opts.timeoutMs ?? 10_000
    this.readAttempts = opts.readAttempts ?? 3
  }

  get<T = unknown>(path: string, o: CallOptions = {}): Promise<T> {
    return this.withRetries('GET', path, o)
  }

  /** Idempotent POSTs (tickle, auth status, init, search): retried like reads. */
  postRead<T = unknown>(path: string, o: CallOptions = {}): Promise<T> {
    return this.withRetries('POST', path, o)
  }

  /** State-changing POST: one attempt; anything but a clear answer is an unknown outcome. */
  post<T = unknown>(path: string, o: CallOptions = {}): Promise<T> {
    return this.once('POST', path, o, false)
  }

  del<T = unknown>(path: string, o: CallOptions = {}): Promise<T> {
    return this.once('DELETE', path, o, false)
  }

  close(): Promise<void> {
    return this.agent.close()
  }

  private async withRetries<T>(method: 'GET' | 'POST', path: string, o: CallOptions): Promise<T> {
    let delay = 1000
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, o, true)
      } catch (e) {
        const retryable =
          (e instanceof GatewayUnreachableError && !e.untrustedCertificate) ||
          (e instanceof GatewayHttpError && e.status >= 500)
        if (!retryable || attempt >= this.readAttempts) throw e
        await this.opts.clock.sleep(delay)
        delay = Math.min(delay * 2, 60_000)
      }
    }
  }

  private once<T>(method: string, path: string, o: CallOptions, idempotent: boolean): Promise<T> {
    return this.opts.pacer.run(method, path, async () => {
      const url = new URL(`${this.opts.baseUrl}/v1/api${path}`)
      for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
      let res
      try {
        res = await request(url, {
          method: method as 'GET',
          dispatcher: this.agent,
          headers:
            o.body === undefined
              ? { 'user-agent': 'ibkr-workstation' }
              : { 'content-type': 'application/json', 'user-agent': 'ibkr-workstation' },
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        })
      } catch (e) {
        const message = `${method} ${path}: ${e instanceof Error ? e.message : String(e)}`
        // A refused certificate fails the handshake before anything is sent: never an unknown outcome.
        if (isUntrustedCertificateError(e)) throw new GatewayUnreachableError(message, path, true)
        throw idempotent ? new GatewayUnreachableError(message, path) : new OutcomeUnknownError(message, path, e)
      }
      let text: string
      try {
        text = await res.body.text()
      } catch (e) {
        const message = `${method} ${path}: connection lost while reading the answer`
        throw idempotent ? new GatewayUnreachableError(message, path) : new OutcomeUnknownError(message, path, e)
      }
      const date = res.headers.date
      if (typeof date === 'string') this.lastServerDate = Date.parse(date)
      let body: unknown
      try {
        body = text ? JSON.parse(text) : null
      } catch {
        if (res.statusCode < 300 && !idempotent)
          throw new OutcomeUnknownError(`${method} ${path}: unreadable answer`, path)
        body = { error: text.slice(0, 200) }
      }
      if (res.statusCode === 401) throw new NoSessionError(401, errorText(body, 'no session'), path)
      if (res.statusCode === 429) {
        this.opts.pacer.onRateLimited()
        const pause = Math.ceil(this.opts.pacer.frozenFor() / 1000)
        throw new RateLimitedError(
          429,
          `The gateway refused ${method} ${path} as too many requests ` +
            `(${errorText(body, 'HTTP 429')}); every request to it now pauses for ${pause} s. Try ` +
            `again after that.`,
          path,
        )
      }
      if (res.statusCode >= 500 && !idempotent)
        throw new OutcomeUnknownError(`${method} ${path}: ${res.statusCode} ${errorText(body, '')}`, path)
      if (res.statusCode === 404) throw new NotFoundError(404, errorText(body, 'Not Found'), path)
      if (res.statusCode >= 400)
        throw new GatewayHttpError(res.statusCode, errorText(body, `HTTP ${res.statusCode}`), path)
      return body as T
    })
  }
}

function errorText(body: unknown, fallback: string): string {
  if (body && typeof body === 'object' && 'error' in body && typeof (body as { error: unknown }).error === 'string')
    return (body as { error: string }).error
  return fallback
}
