import type { AccountInfo, GatewayState, GatewayStatus } from '../../contract/models'
import { GatewayHttpError, GatewayUnreachableError, NoSessionError, RateLimitedError } from './errors'
import type { CpapiHttp } from './http'
import { Accounts, AuthStatus, PortfolioAccounts, Tickle } from './parse'

// The session keeper (IBKR.md §2): tickles the gateway, reads the brokerage session's state,
// starts the bridge when it is down, runs the init sequence once per brokerage session, and
// publishes a `GatewayStatus` with a sentence saying what to do. Every check catches everything:
// an error only changes the state, it never stops the keeper.

export interface KeeperDeps {
  http: CpapiHttp
  url: string
  now: () => number
  /** The account the user chose (settings); null: the gateway's selected one. */
  preferredAccount: () => string | null
  loginUrl: string | null
}

const MAX_INITS = 3
const INIT_WINDOW_MS = 5 * 60_000

export class SessionKeeper {
  private status: GatewayStatus
  private listeners = new Set<(s: GatewayStatus) => void>()
  private wasAuthenticated = false
  private initialised = false
  private initAttempts: number[] = []
  private accountList: AccountInfo[] = []
  private running: Promise<void> | null = null
  sessionToken: string | null = null

  constructor(private readonly d: KeeperDeps) {
    this.status = this.make('offline', null, null, 'Connecting to the gateway…')
  }

  current(): GatewayStatus {
    return this.status
  }

  onStatus(cb: (s: GatewayStatus) => void): () => void {
    this.listeners.add(cb)
    return () => this.listeners.delete(cb)
  }

  accounts(): AccountInfo[] {
    return this.accountList
  }

  /** One keeper step (the timer calls it about once a minute); concurrent calls share one run. */
  check(): Promise<void> {
    this.running ??= this.step().finally(() => (this.running = null))
    return this.running
  }

  /** The brokerage session must be set up again (re-auth, account switch). */
  invalidate(): void {
    this.initialised = false
  }

  /** The user picked an account: select it now and after every re-init. */
  choose(accountId: string): void {
    this.chosen = accountId
    this.initialised = false
  }
  private chosen: string | null = null
  /** Why the last `ssodh/init` failed, for the sentence once automatic re-inits stop. */
  private lastInitFail: string | null = null

  private async step(): Promise<void> {
    try {
      const tickle = Tickle.parse(await this.d.http.postRead('/tickle'))
      this.sessionToken = tickle.session ?? null
      const auth = AuthStatus.parse(tickle.iserver?.authStatus ?? (await this.d.http.postRead('/iserver/auth/status')))
      await this.fromAuthStatus(auth)
    } catch (e) {
      this.fromError(e)
    }
  }

  private async fromAuthStatus(auth: AuthStatus): Promise<void> {
    if (auth.competing) {
      this.initialised = false
      return this.set(
        'competing',
        'Another session (TWS, mobile or a browser) is using this username. Close it, or ' +
          'reauthenticate here to take over.',
      )
    }
    if (auth.connected === false) {
      this.initialised = false
      return this.set(
        'maintenance',
        'The gateway is not connected to IBKR (nightly reset or maintenance). It reconnects by ' +
          'itself; no orders meanwhile.',
      )
    }
    if (!auth.authenticated) {
      this.initialised = false
      const now = this.d.now()
      this.initAttempts = this.initAttempts.filter((t) => t > now - INIT_WINDOW_MS)
      if (this.initAttempts.length >= MAX_INITS) {
        const fail = auth.fail ?? this.lastInitFail
        return this.set(
          'unauthenticated',
          `The brokerage session would not start${fail ? ` (${fail})` : ''}. Reauthenticate, or log ` +
            `in again on the gateway page.`,
        )
      }
      this.initAttempts.push(now)
      const init = AuthStatus.parse(
        await this.d.http.postRead('/iserver/auth/ssodh/init', { body: { publish: true, compete: false } }),
      )
      if (!init.authenticated || init.competing) {
        this.lastInitFail = init.fail ?? null
        return this.set(
          init.competing ? 'competing' : 'unauthenticated',
          init.fail
            ? `The gateway refused to start the brokerage session: ${init.fail}.`
            : 'Logged in, but the brokerage session is not up yet.',
        )
      }
    }
    if (!this.initialised) await this.initSequence()
    this.wasAuthenticated = true
    this.set('authenticated', 'Connected and authenticated.')
  }

  /** IBKR.md §2.4: accounts first, the chosen account, portfolio accounts. */
  private async initSequence(): Promise<void> {
    const acc = Accounts.parse(await this.d.http.get('/iserver/accounts'))
    const ids = acc.accounts ?? []
    if (ids.length === 0)
      throw new GatewayHttpError(409, 'The gateway lists no accounts (competing session?)', '/iserver/accounts')
    const wanted = this.chosen ?? this.d.preferredAccount()
    let selected = acc.selectedAccount ?? ids[0]!
    if (wanted && ids.includes(wanted) && wanted !== selected) {
      await this.d.http.post('/iserver/account', { body: { acctId: wanted } })
      selected = wanted
    }
    const titles = new Map<string, { title: string | null; currency: string | null; type: string | null }>()
    try {
      for (const p of PortfolioAccounts.parse(await this.d.http.get('/portfolio/accounts')))
        titles.set(p.id, { title: p.accountTitle ?? null, currency: p.currency ?? null, type: p.type ?? null })
    } catch {
      // Titles are cosmetic; the accounts call above is what the session needs.
    }
    const paper = (id: string) => acc.isPaper === true || id.startsWith('DU') || titles.get(id)?.type === 'DEMO'
    this.accountList = ids.map((id) => ({
      id,
      title: titles.get(id)?.title ?? null,
      currency: titles.get(id)?.currency ?? null,
      paper: paper(id),
      selected: id === selected,
    }))
    // Step 5, preflights: the first live-orders and PnL reads of a session come back empty by design.
    for (const path of ['/iserver/account/orders', '/iserver/account/pnl/partitioned']) {
      await this.d.http
        .get(path, { query: path.endsWith('orders') ? { accountId: selected } : {} })
        .catch(() => undefined)
    }
    this.initialised = true
  }

  private fromError(e: unknown): void {
    this.initialised = false
    if (e instanceof NoSessionError) {
      const state: GatewayState = this.wasAuthenticated ? 'expired' : 'unauthenticated'
      return this.set(
        state,
        state === 'expired'
          ? 'The gateway session expired. Log in again on the gateway page.'
          : 'The gateway is running but nobody is logged in. Open the gateway login page and log in.',
      )
    }
    if (e instanceof RateLimitedError)
      return this.set(
        this.status.state,
        'The gateway asked us to slow down (429); the next check waits for its penalty to pass.',
      )
    if (e instanceof GatewayUnreachableError && e.untrustedCertificate) {
      return this.set(
        'offline',
        `The gateway at ${this.d.url} answers, but its certificate is not trusted yet. Check its ` +
          `fingerprint on the Connection page and trust it.`,
      )
    }
    if (e instanceof GatewayUnreachableError)
      return this.set(
        'offline',
        `The gateway at ${this.d.url} does not answer. ` + 'Start it, or check Settings → Gateway.',
      )
    if (e instanceof GatewayHttpError && e.status === 503)
      return this.set('maintenance', 'The gateway is in maintenance. It reconnects by itself; no orders meanwhile.')
    const message = e instanceof Error ? e.message : String(e)
    this.set(
      this.status.state === 'authenticated' ? 'unauthenticated' : this.status.state,
      `The gateway answered unexpectedly: ${message}`,
    )
  }

  private set(state: GatewayState, detail: string): void {
    const selected = this.accountList.find((a) => a.selected) ?? null
    const next = this.make(
      state,
      state === 'authenticated' ? (selected?.id ?? null) : this.status.account,
      state === 'authenticated' ? (selected?.paper ?? null) : this.status.paper,
      detail,
    )
    const changed =
      next.state !== this.status.state ||
      next.detail !== this.status.detail ||
      next.account !== this.status.account ||
      next.paper !== this.status.paper
    this.status = next
    if (changed) for (const cb of this.listeners) cb(next)
  }

  private make(state: GatewayState, account: string | null, paper: boolean | null, detail: string): GatewayStatus {
    return { state, account, paper, url: this.d.url, detail, loginUrl: this.d.loginUrl, checkedAt: this.d.now() }
  }
}
