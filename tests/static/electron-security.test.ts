import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { cspString, parseCsp } from '../../src-main/hosts/csp'
import {
  allowPermission,
  APP_URL,
  isAllowedExternalUrl,
  isAppUrl,
  isTrustedSender,
  SECURE_WEB_PREFERENCES,
} from '../../src-main/hosts/electron/security'
import { read, ROOT, sourceFiles } from './source-files'

// RELIABILITY.md §2.4, checks S1–S8, run without an Electron binary.

const FORBIDDEN_PREFS = [
  'webSecurity',
  'allowRunningInsecureContent',
  'experimentalFeatures',
  'enableBlinkFeatures',
  'enableRemoteModule',
]
const mainSources = () => sourceFiles('src-main').filter((f) => !f.endsWith('.test.ts'))

describe('S1 webPreferences', () => {
  it('pins the exact secure preferences', () => {
    expect(SECURE_WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
      safeDialogs: true,
    })
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true)
  })

  it('creates windows only in the factory, with no forbidden webPreferences anywhere (AST scan)', () => {
    const findings: string[] = []
    for (const file of mainSources()) {
      const sf = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true)
      const visit = (node: ts.Node) => {
        if (
          ts.isNewExpression(node) &&
          node.expression.getText(sf) === 'BrowserWindow' &&
          file !== 'src-main/hosts/electron/window.ts'
        ) {
          findings.push(`${file}: new BrowserWindow outside the factory`)
        }
        if (
          ts.isPropertyAssignment(node) &&
          node.name.getText(sf) === 'webPreferences' &&
          ts.isObjectLiteralExpression(node.initializer)
        ) {
          for (const p of node.initializer.properties) {
            const name = p.name?.getText(sf) ?? ''
            if (FORBIDDEN_PREFS.includes(name)) findings.push(`${file}: webPreferences.${name}`)
            if (ts.isPropertyAssignment(p) && ['nodeIntegration', 'contextIsolation', 'sandbox'].includes(name)) {
              const bad = name === 'nodeIntegration' ? 'true' : 'false'
              if (p.initializer.getText(sf) === bad) findings.push(`${file}: webPreferences.${name}: ${bad}`)
            }
          }
        }
        ts.forEachChild(node, visit)
      }
      visit(sf)
    }
    expect(findings).toEqual([])
  })
})

describe('S2 Content-Security-Policy', () => {
  const expected = parseCsp(cspString())
  const metaPolicy = (html: string) => /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''

  it('has the exact directive set in the source and the built index.html', () => {
    expect(parseCsp(metaPolicy(read('src-renderer/index.html')))).toEqual(expected)
    const built = join(ROOT, 'out/renderer/index.html')
    expect(existsSync(built)).toBe(true)
    const html = read('out/renderer/index.html')
    expect(parseCsp(metaPolicy(html))).toEqual(expected)
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  })

  it('never allows inline script, eval or wildcards; inline styles only (Monaco)', () => {
    for (const policy of [cspString(), cspString({ frameAncestorsNone: true, connectSrc: ['ws://127.0.0.1:1'] })]) {
      expect(policy).not.toMatch(/unsafe-eval|unsafe-hashes|\*/)
      const directives = parseCsp(policy)
      for (const [name, sources] of directives)
        if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'")
      expect(directives.get('script-src')).toEqual(["'self'"])
      expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
      expect(directives.get('img-src')).toEqual(["'self'", 'data:'])
      expect(directives.get('font-src')).toEqual(["'self'"])
    }
  })

  it('sends the policy plus frame-ancestors from the app:// protocol handler', async () => {
    const electron = await import('electron')
    const { serveRenderer } = await import('../../src-main/hosts/electron/protocol')
    serveRenderer(join(ROOT, 'out/renderer'))
    const handler = (
      electron.protocol as unknown as { handlers: Map<string, (r: Request) => Promise<Response>> }
    ).handlers.get('app')!
    const res = await handler(new Request('app://main/index.html'))
    expect(res.status).toBe(200)
    expect(parseCsp(res.headers.get('content-security-policy')!)).toEqual(
      parseCsp(cspString({ frameAncestorsNone: true })),
    )
    expect((await handler(new Request('app://main/../package.json'))).status).toBe(404)
    expect((await handler(new Request('app://main/%2e%2e/package.json'))).status).toBe(404)
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404)
  })
})

describe('S3 preload surface', () => {
  it('exposes exactly {send, onMessage, pathForFile} on one channel', async () => {
    const electron = await import('electron')
    await import('../../src-preload/index')
    const exposed = (electron as unknown as { exposed: Record<string, Record<string, unknown>> }).exposed
    expect(Object.keys(exposed)).toEqual(['bridge'])
    const bridge = exposed.bridge!
    // pathForFile (webUtils.getPathForFile, no IPC) was added deliberately for dropped bundles (issue #12).
    expect(Object.keys(bridge).sort()).toEqual(['onMessage', 'pathForFile', 'send'])
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true)
    expect(Object.values(bridge)).not.toContain(electron.ipcRenderer)

    const ipc = electron.ipcRenderer as unknown as {
      send: { mock: { calls: unknown[][] } }
      emit(ch: string, ...a: unknown[]): void
    }
    ;(bridge.send as (f: unknown) => void)({ t: 'sub', ev: 'x' })
    expect(ipc.send.mock.calls).toEqual([['rpc', { t: 'sub', ev: 'x' }]])
    const got: unknown[] = []
    const off = (bridge.onMessage as (cb: (f: unknown) => void) => () => void)((f) => got.push(f))
    ipc.emit('rpc', {}, { t: 'ev' })
    ipc.emit('other-channel', {}, { t: 'ev' })
    off()
    ipc.emit('rpc', {}, { t: 'late' })
    expect(got).toEqual([{ t: 'ev' }])

    const webUtils = (electron as unknown as { webUtils: { getPathForFile: { mock: { calls: unknown[][] } } } })
      .webUtils
    const file = { name: 'runs.wsbundle' }
    expect((bridge.pathForFile as (f: unknown) => string)(file)).toBe('/dropped/runs.wsbundle')
    expect(webUtils.getPathForFile.mock.calls).toEqual([[file]])
    expect(ipc.send.mock.calls).toHaveLength(1)
  })
})

describe('S5 pure predicates', () => {
  const BYPASS = [
    'app://main.evil.com/index.html',
    'app://evil/index.html',
    'app://main@evil.com/',
    'app://user:pw@main/',
    'https://main/index.html',
    'file:///index.html',
    'data:text/html,<script>alert(1)</script>',
    'javascript:alert(1)',
    'app:main/index.html',
    'APP://MAIN.evil/',
    '',
    'not a url',
  ]

  it('recognises only our app URL', () => {
    expect(isAppUrl(APP_URL)).toBe(true)
    expect(isAppUrl('app://main/assets/x.js')).toBe(true)
    for (const u of BYPASS) expect(isAppUrl(u), u).toBe(false)
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (u) => !isAppUrl(u)),
      { numRuns: 2000, seed: 7 },
    )
  })

  it('opens externally only https links to allow-listed hosts', () => {
    expect(isAllowedExternalUrl('https://www.interactivebrokers.com/en/home.php')).toBe(true)
    for (const u of [
      'http://www.interactivebrokers.com/',
      'https://www.interactivebrokers.com.attacker.com/',
      'https://attacker.com/?https://www.interactivebrokers.com',
      'https://user@www.interactivebrokers.com/',
      'https://www.interactivebrokers.com:8443/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      ...BYPASS,
    ]) {
      expect(isAllowedExternalUrl(u), u).toBe(false)
    }
    fc.assert(
      fc.property(fc.webUrl(), (u) => !isAllowedExternalUrl(u) || new URL(u).protocol === 'https:'),
      { numRuns: 2000, seed: 8 },
    )
  })

  it('accepts IPC only from our top-level frame', () => {
    expect(isTrustedSender({ url: APP_URL, parent: null })).toBe(true)
    expect(isTrustedSender(null)).toBe(false)
    expect(isTrustedSender({ url: APP_URL, parent: {} })).toBe(false)
    for (const u of BYPASS) expect(isTrustedSender({ url: u, parent: null })).toBe(false)
  })

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])
      expect(allowPermission(p)).toBe(false)
  })
})

describe('S8 bans', () => {
  const all = () =>
    [...sourceFiles('src-main'), ...sourceFiles('src-renderer'), ...sourceFiles('src-preload')].filter(
      (f) => !f.endsWith('.test.ts'),
    )

  it('has no eval, new Function, remote module, disabled TLS or insecure flags in the code', () => {
    const banned = [
      /\beval\(/,
      /new Function\(/,
      /@electron\/remote/,
      /nodeIntegration:\s*true/,
      /webSecurity:\s*false/,
      /rejectUnauthorized:\s*false/,
      /NODE_TLS_REJECT_UNAUTHORIZED/,
    ]
    // One reviewed exception: reading an untrusted gateway's certificate to show its fingerprint
    // (trust on first use) needs a handshake without verification; that socket sends nothing.
    const allowed = (f: string, re: RegExp) =>
      f === 'src-main/broker/ibkr/certificate.ts' &&
      re.source.startsWith('rejectUnauthorized') &&
      (read(f).match(/rejectUnauthorized/g) ?? []).length === 1
    const findings = all().flatMap((f) =>
      banned.filter((re) => re.test(read(f)) && !allowed(f, re)).map((re) => `${f}: ${re}`),
    )
    expect(findings).toEqual([])
  })

  it('calls shell.openExternal only in its wrapper', () => {
    const findings = all().filter(
      (f) =>
        f !== 'src-main/hosts/electron/external.ts' &&
        /openExternal\(/.test(read(f).replace(/openExternalSafely\(/g, '')),
    )
    expect(findings).toEqual([])
  })

  it('never renders raw HTML in the renderer', () => {
    const findings = sourceFiles('src-renderer').filter((f) =>
      /innerHTML|dangerouslySetInnerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(read(f)),
    )
    expect(findings).toEqual([])
  })
})
