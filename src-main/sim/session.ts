import type { SimClock } from './clock'
import { nyDayOf, MINUTE } from './calendar'
import { nyWallClock } from '../domain/indicators/ny-time'

// The gateway's login state machine (IBKR.md §7.4): no session → read-only (SSO only) →
// authenticated (brokerage bridge), with competing sessions, idle timeout, SSO expiry and the
// nightly maintenance window.

export type AuthState = 'noSession' | 'readOnly' | 'authenticated' | 'competing' | 'maintenance'

export interface AuthOptions {
  initial: 'noSession' | 'readOnly' | 'authenticated'
  requireInit: boolean
  idleTimeoutMs: number
  ssoTtlMs: number
  authDelayMs: number
  /** New York wall-clock start (`HH:MM`) and length of the nightly reset; null: none. */
  dailyReset: { at: string; durationMs: number } | null
}

export class SessionState {
  state: AuthState
  sessionId = ''
  accountsQueried = false
  private lastActivity: number
  private ssoSince: number
  private pendingAuthAt: number | null = null
  private maintenanceUntil = 0
  private lastResetDay = -1
  /** Called when the brokerage session ends or restarts: drop streams, reply ids, subscriptions. */
  onReset: () => void = () => {}

  constructor(
    private readonly clock: SimClock,
    private readonly opts: AuthOptions,
    private readonly newSessionId: () => string,
  ) {
    this.state = opts.initial
    this.lastActivity = clock.now()
    this.ssoSince = clock.now()
    if (opts.initial !== 'noSession') this.sessionId = newSessionId()
  }

  /** Called on every tick of the clock: timeouts, delayed reauthentication, nightly reset. */
  tick(): void {
    const now = this.clock.now()
    if (this.state === 'noSession') return
    if (now - this.ssoSince >= this.opts.ssoTtlMs) return this.logout()
    if (this.pendingAuthAt !== null && now >= this.pendingAuthAt) {
      this.pendingAuthAt = null
      if (this.state === 'readOnly' || this.state === 'competing') this.authenticate()
    }
    if (this.state === 'maintenance') {
      if (now >= this.maintenanceUntil) this.setState('readOnly')
      return
    }
    if (this.opts.dailyReset) {
      const [h, m] = this.opts.dailyReset.at.split(':').map(Number) as [number, number]
      const local = nyWallClock(now)
      const day = nyDayOf(now)
      const minuteOfDay = Math.floor((local % 86_400_000) / MINUTE)
      if (
        day !== this.lastResetDay &&
        minuteOfDay >= h * 60 + m &&
        minuteOfDay < h * 60 + m + this.opts.dailyReset.durationMs / MINUTE
      ) {
        this.lastResetDay = day
        this.maintenanceUntil = now + this.opts.dailyReset.durationMs
        this.setState('maintenance')
        return
      }
    }
    if (this.state === 'authenticated' && now - this.lastActivity >= this.opts.idleTimeoutMs) this.setState('readOnly')
  }

  /** A tickle or any brokerage call keeps the session alive. */
  touch(): void {
    this.lastActivity = this.clock.now()
  }

  login(): void {
    this.sessionId = this.newSessionId()
    this.ssoSince = this.clock.now()
    this.lastActivity = this.clock.now()
    if (this.opts.requireInit) this.setState('readOnly')
    else this.authenticate()
  }

  /** `ssodh/init`: start the brokerage bridge. From `competing` only with `compete:true`. */
  init(compete: boolean): { ok: boolean; fail: string } {
    if (this.state === 'noSession') return { ok: false, fail: 'no session' }
    if (this.state === 'maintenance') return { ok: false, fail: 'maintenance' }
    if (this.state === 'competing' && !compete)
      return { ok: false, fail: 'Force compete capability must be used together with compete flag' }
    this.authenticate()
    return { ok: true, fail: '' }
  }

  reauthenticate(): void {
    if (this.state === 'readOnly' || this.state === 'competing')
      this.pendingAuthAt = this.clock.now() + this.opts.authDelayMs
  }

  compete(): void {
    if (this.state === 'authenticated') this.setState('competing')
  }

  logout(): void {
    this.sessionId = ''
    this.setState('noSession')
  }

  /** SSO session expired at IBKR (tests): every call now answers 401. */
  expire(): void {
    this.logout()
  }

  private authenticate(): void {
    this.lastActivity = this.clock.now()
    this.setState('authenticated')
  }

  private setState(next: AuthState): void {
    if (next === this.state) return
    const wasBridge = this.state === 'authenticated' || this.state === 'competing'
    this.state = next
    if (next === 'authenticated' || !wasBridge || next === 'noSession') {
      this.accountsQueried = false
      this.onReset()
    }
  }

  /** The `authStatus` object of `/iserver/auth/status`, `/tickle` and `ssodh/init`. */
  authStatus(fail = ''): Record<string, unknown> {
    const authenticated = this.state === 'authenticated' || this.state === 'competing'
    return {
      authenticated,
      competing: this.state === 'competing',
      connected: this.state !== 'maintenance',
      message: '',
      MAC: '98:F2:B3:23:BF:A0',
      serverInfo: { serverName: 'SimGateway', serverVersion: 'Build 10.25.0, sim' },
      fail,
    }
  }

  ssoExpiresMs(): number {
    return Math.max(0, this.opts.ssoTtlMs - (this.clock.now() - this.ssoSince))
  }
}
