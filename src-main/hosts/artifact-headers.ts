/**
 * Response headers for a stored artifact, the same in both hosts (web `/artifacts/…` and the
 * desktop `app://main/artifacts/…`). An artifact may come from an imported review bundle, so its
 * recorded MIME type is not trusted: only PNG, JSON and plain text are served as what they are;
 * anything else is a download (`application/octet-stream` + attachment). Every artifact response
 * carries a sandboxing CSP and nosniff, so nothing served here can ever run script on the app's origin.
 */
export const ARTIFACT_CSP = "default-src 'none'; sandbox"

const ALLOWED: Record<string, string> = {
  'image/png': 'image/png',
  'application/json': 'application/json; charset=utf-8',
  'text/plain': 'text/plain; charset=utf-8',
}

export function artifactHeaders(recordedMime: string, sha256: string): Record<string, string> {
  const base = recordedMime.split(';')[0]!.trim().toLowerCase()
  const type = ALLOWED[base]
  const headers: Record<string, string> = {
    'content-type': type ?? 'application/octet-stream',
    'content-security-policy': ARTIFACT_CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, max-age=31536000, immutable',
    'referrer-policy': 'no-referrer',
  }
  if (!type) headers['content-disposition'] = `attachment; filename="${sha256.slice(0, 16)}.bin"`
  return headers
}
