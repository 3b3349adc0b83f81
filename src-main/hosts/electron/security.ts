import type { WebPreferences } from 'electron'

// Pure security predicates and settings for the Electron host (RELIABILITY.md §2.1). No `electron`
// runtime import here, so tests exercise them directly.

export const APP_PROTOCOL = 'app'
export const APP_HOST = 'main'
export const APP_URL = `${APP_PROTOCOL}://${APP_HOST}/index.html`

/** Every window's webPreferences (plus its preload path); never loosened anywhere. */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  spellcheck: false,
  safeDialogs: true,
} satisfies WebPreferences)

/** Only https links to these exact hosts may leave the app. */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = [
  'www.interactivebrokers.com',
  'interactivebrokers.com',
  'ndcdyn.interactivebrokers.com',
  'www.ibkrguides.com',
  'platform.openai.com',
]

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * True only for our own renderer: protocol `app:` and host `main`, compared on the parsed URL.
 * (`new URL('app://main/').origin` is the string "null", so origins cannot be compared.)
 */
export function isAppUrl(url: string): boolean {
  const u = parse(url)
  return (
    u !== null && u.protocol === `${APP_PROTOCOL}:` && u.host === APP_HOST && u.username === '' && u.password === ''
  )
}

export function isAllowedExternalUrl(url: string): boolean {
  const u = parse(url)
  return (
    u !== null &&
    u.protocol === 'https:' &&
    u.username === '' &&
    u.password === '' &&
    u.port === '' &&
    EXTERNAL_HOST_ALLOWLIST.includes(u.hostname)
  )
}

/** The frame an IPC message came from, as much of it as the check needs. */
export interface SenderFrameLike {
  url: string
  parent: unknown
}

/** Accept IPC only from the top-level frame of our own renderer. */
export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url)
}

/** Permission requests (camera, notifications, geolocation…): the renderer needs none. */
export function allowPermission(_permission: string): boolean {
  return false
}

/** The gateway login window may show only the loopback gateway's own origin. */
export function isGatewayLoginUrl(url: string, gatewayBase: string): boolean {
  const u = parse(url)
  const g = parse(gatewayBase)
  return (
    u !== null &&
    g !== null &&
    u.protocol === 'https:' &&
    u.host === g.host &&
    ['127.0.0.1', 'localhost'].includes(u.hostname)
  )
}

/**
 * Certificate check for the login window's own session: accept (0) only the pinned certificate on
 * the loopback gateway host; everything else gets Chromium's own verdict (-3).
 */
export function gatewayCertificateVerdict(
  req: { hostname: string; certificate: { fingerprint: string } },
  gatewayBase: string,
  pinnedFingerprint: string | null,
): number {
  const g = parse(gatewayBase)
  if (g === null || pinnedFingerprint === null) return -3
  return req.hostname === g.hostname &&
    ['127.0.0.1', 'localhost'].includes(req.hostname) &&
    req.certificate.fingerprint === pinnedFingerprint
    ? 0
    : -3
}
