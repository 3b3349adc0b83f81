/**
 * The renderer's Content-Security-Policy (RELIABILITY.md §2.1). The same directives sit in the
 * renderer's index.html meta tag; hosts send them as a header too, plus what a meta tag ignores.
 *
 * One deliberate deviation from §2.1: `style-src` allows 'unsafe-inline', because Monaco (the prompt
 * editor and JSON views the issues require) writes style attributes through innerHTML and injects
 * <style> elements with no nonce support (microsoft/monaco-editor#271). Inline styles run no code,
 * and every URL a style could load is still limited by img-src and font-src to 'self' (and data:
 * images), so nothing can leave the app. Scripts stay 'self' only: no inline script, no eval.
 */
export const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
]

export function cspString(extra: { connectSrc?: string[]; frameAncestorsNone?: boolean } = {}): string {
  const parts = CSP_DIRECTIVES.map(([k, v]) =>
    k === 'connect-src' && extra.connectSrc ? `${k} ${[v, ...extra.connectSrc].join(' ')}` : `${k} ${v}`,
  )
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
