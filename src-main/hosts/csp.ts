/**
 * The renderer's Content-Security-Policy (RELIABILITY.md §2.1). The same directives sit in the
 * renderer's index.html meta tag; hosts send them as a header too, plus what a meta tag ignores.
 */
export const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
]

export function cspString(extra: { connectSrc?: string[]; frameAncestorsNone?: boolean } = {}): string {
  const parts = CSP_DIRECTIVES.map(([k, v]) => (k === 'connect-src' && extra.connectSrc ? `${k} ${[v, ...extra.connectSrc].join(' ')}` : `${k} ${v}`))
  if (extra.frameAncestorsNone) parts.push("frame-ancestors 'none'")
  return parts.join('; ')
}

/** Parse a policy into directive -> sources, for checks. */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) out.set(name, values)
  }
  return out
}
