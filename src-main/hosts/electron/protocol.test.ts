import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as electron from 'electron'
import { describe, expect, it } from 'vitest'
import { serveRenderer } from './protocol'

// The desktop app's app:// handler serves artifacts with the same rules as the web host (issue #9):
// an allow-list of types, a sandboxing CSP and nosniff, whatever MIME type a bundle recorded.
describe('app:// artifacts', () => {
  it('serves a text/html artifact as a sandboxed download, and a PNG as an image', async () => {
    const m = electron as unknown as typeof import('../../../tests/mocks/electron')
    const root = mkdtempSync(join(tmpdir(), 'ibkr-ws-proto-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html>')
    const html = 'a'.repeat(64)
    const png = 'b'.repeat(64)
    serveRenderer(
      root,
      () => (sha) =>
        sha === html
          ? { mime: 'text/html', content: Buffer.from('<script>alert(1)</script>') }
          : sha === png
            ? { mime: 'image/png', content: Buffer.from([0x89, 0x50]) }
            : null,
    )
    const handle = m.protocol.handlers.get('app')!
    const a = await handle(new Request(`app://main/artifacts/${html}?review=${'c'.repeat(24)}`))
    expect(a.status).toBe(200)
    expect(a.headers.get('content-type')).toBe('application/octet-stream')
    expect(a.headers.get('content-disposition')).toBe(`attachment; filename="${'a'.repeat(16)}.bin"`)
    expect(a.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(a.headers.get('x-content-type-options')).toBe('nosniff')
    const p = await handle(new Request(`app://main/artifacts/${png}`))
    expect(p.headers.get('content-type')).toBe('image/png')
    expect(p.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
  })
})
