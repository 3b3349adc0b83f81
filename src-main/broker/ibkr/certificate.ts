import { createHash, X509Certificate } from 'node:crypto'
import { connect, type PeerCertificate } from 'node:tls'

// Trust on first use for a local Client Portal Gateway's self-signed certificate (RELIABILITY.md
// §1.3): read the certificate the gateway presents, show its fingerprint, and pin exactly that
// certificate for that gateway once the user confirms. Verification is never switched off.

export interface PeekedCertificate {
  pem: string
  /** `sha256/<base64>` of the DER bytes, the form Electron reports. */
  fingerprint: string
  subject: string
  validTo: string
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function isLoopbackGateway(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && LOOPBACK.has(u.hostname)
  } catch {
    return false
  }
}

export function fingerprintOfPem(pem: string): string {
  return `sha256/${createHash('sha256').update(new X509Certificate(pem).raw).digest('base64')}`
}

/**
 * Read the certificate a loopback gateway presents. Nothing is sent over this connection: it is
 * closed as soon as the handshake shows the certificate.
 */
export function peekCertificate(url: string, timeoutMs = 5000): Promise<PeekedCertificate> {
  if (!isLoopbackGateway(url))
    return Promise.reject(
      new Error('Only a gateway on this machine (https://127.0.0.1 or localhost) can have its certificate pinned'),
    )
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: u.hostname === 'localhost' ? '127.0.0.1' : u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port || 443),
      servername: u.hostname === 'localhost' ? 'localhost' : undefined,
      rejectUnauthorized: false,
    })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`No TLS handshake from ${u.origin} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const cert = socket.getPeerX509Certificate()
      socket.destroy()
      if (!cert) return reject(new Error(`${u.origin} presented no certificate`))
      resolve({
        pem: cert.toString(),
        fingerprint: `sha256/${createHash('sha256').update(cert.raw).digest('base64')}`,
        subject: cert.subject.replace(/\n/g, ', '),
        validTo: cert.validTo,
      })
    })
    socket.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })
}

/**
 * TLS options that trust exactly the pinned certificate, whatever names it carries: the chain is
 * checked against it (it is its own CA) and, instead of the host-name check, the presented
 * certificate must be the pinned one byte for byte (same sha256 fingerprint). A gateway whose
 * self-signed certificate names `localhost`, reached as https://127.0.0.1:5000, then connects once
 * its fingerprint was confirmed (issue #9, hole 6); any other certificate is refused.
 */
export function pinnedTls(pem: string | null): {
  ca?: string
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined
} {
  if (pem === null) return {}
  const pinned = fingerprintOfPem(pem)
  return {
    ca: pem,
    checkServerIdentity: (_host, cert) => {
      const seen = cert.raw ? `sha256/${createHash('sha256').update(cert.raw).digest('base64')}` : 'none'
      if (seen === pinned) return undefined
      return Object.assign(new Error(`The gateway presented ${seen}, not the pinned certificate ${pinned}`), {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      })
    },
  }
}

/** Node/undici error codes that mean "the certificate is not trusted", not "the gateway is down". */
export function isUntrustedCertificateError(e: unknown): boolean {
  const codes = [
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_HAS_EXPIRED',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ]
  for (let x: unknown = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code
    if (typeof code === 'string' && codes.includes(code)) return true
  }
  return false
}
