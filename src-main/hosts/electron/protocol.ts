import { readFile } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import { protocol } from 'electron'
import type { ArtifactReader } from '../../engine/artifact-reader'
import { artifactHeaders } from '../artifact-headers'
import { cspString } from '../csp'
import { APP_HOST, APP_PROTOCOL } from './security'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
}

/** Must run before `app.ready`: `app:` behaves like a secure standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

/**
 * Serve the built renderer on `app://main/…` with the CSP header, nothing outside `rootDir`, and
 * stored artifacts (chart PNGs, prompts, answers) on `app://main/artifacts/<sha256>` once the
 * engine is up (`artifacts()` returns null before that).
 */
export function serveRenderer(rootDir: string, artifacts: () => ArtifactReader | null = () => null): void {
  const root = resolve(rootDir)
  const csp = cspString({ frameAncestorsNone: true })
  protocol.handle(APP_PROTOCOL, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 })
    if (url.pathname.startsWith('/artifacts/')) {
      const sha = url.pathname.slice('/artifacts/'.length)
      const found = artifacts()?.(sha, url.searchParams.get('review'))
      if (!found) return new Response('Not found', { status: 404 })
      return new Response(new Uint8Array(found.content), { headers: artifactHeaders(found.mime, sha) })
    }
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    const file = resolve(root, '.' + rel)
    if (!file.startsWith(root + sep)) return new Response('Not found', { status: 404 })
    try {
      const body = await readFile(file)
      return new Response(body, {
        headers: {
          'content-type': MIME[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
        },
      })
    } catch {
      return new Response('Not found', { status: 404 })
    }
  })
}
