import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLE_EXT } from '../../src-main/contract/bundles-api'
import { SMOKE_FLAG } from '../../src-main/hosts/electron/self-check'
import { read, ROOT } from './source-files'

// The desktop workflow (.github/workflows/desktop.yml), the scripts and electron-builder.yml must agree:
// versions, paths and the file association. Our .ci/run stays Node-only; this runs there.

const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string }
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const workflow = read('.github/workflows/desktop.yml')
const builder = read('electron-builder.yml')
const electronVersion = pkg.devDependencies.electron!
const bs3Version = pkg.dependencies['better-sqlite3']!
const abi = read('node_modules/electron/abi_version').trim()

interface NativeScript {
  nativeTarget(root: string, platform: string, arch: string): { dir: string; addon: string }
}

describe('desktop workflow, scripts and electron-builder.yml agree', () => {
  it('npm start, test:desktop and the native build are the scripts the workflow runs', () => {
    expect(pkg.scripts.start).toBe('node scripts/start-desktop.mjs')
    expect(pkg.scripts['test:desktop']).toBe('node scripts/test-desktop.mjs')
    for (const f of ['start-desktop', 'native-electron', 'test-desktop', 'packaged-check'])
      expect(existsSync(join(ROOT, `scripts/${f}.mjs`)), f).toBe(true)
    expect(workflow).toContain('run: node scripts/native-electron.mjs')
    expect(workflow).toMatch(/xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- npm run test:desktop/)
    expect(workflow).toContain('run: npx electron-builder --publish never')
    expect(workflow).toContain('node scripts/packaged-check.mjs')
    expect(workflow).toContain('node node_modules/electron/install.js')
    expect(read('scripts/packaged-check.mjs')).toContain(`export const SMOKE_FLAG = '${SMOKE_FLAG}'`)
  })

  it('the unit job runs the README test command; the desktop job covers three systems', () => {
    expect(read('README.md')).toMatch(/^npm test\b/m)
    expect(read('.ci/run')).toMatch(/^npm test$/m)
    const unit = workflow.slice(workflow.indexOf('  unit:'), workflow.indexOf('  desktop:'))
    expect(unit).toMatch(/- run: npm ci\n/)
    expect(unit).toMatch(/- run: npm test\n/)
    expect(workflow).toMatch(/os: \[ubuntu-24\.04, macos-14, windows-2022\]/)
    expect(workflow).toMatch(/fail-fast: false/)
  })

  it('pins the same Node, Electron and better-sqlite3 versions', () => {
    const nodeMajor = /(\d+)/.exec(pkg.engines.node)![1]
    for (const m of workflow.matchAll(/node-version: (\S+)/g)) expect(m[1]).toBe(nodeMajor)
    expect(workflow).toContain(`electron-${electronVersion}-better-sqlite3-${bs3Version}`)
    expect(read('node_modules/electron/package.json')).toContain(`"version": "${electronVersion}"`)
  })

  it('ships the addon native-electron.mjs builds, where the host loads it, and never rebuilds in place', async () => {
    const native = (await import(join(ROOT, 'scripts/native-electron.mjs'))) as NativeScript
    const from = /extraResources:\n\s+- from: (\S+)\n\s+to: (\S+)/.exec(builder)
    expect(from, 'extraResources entry').not.toBeNull()
    for (const [platform, arch] of [
      ['linux', 'x64'],
      ['darwin', 'arm64'],
      ['win32', 'x64'],
    ] as const) {
      const expanded = from![1]!.replace('${platform}', platform).replace('${arch}', arch)
      expect(join(ROOT, expanded)).toBe(native.nativeTarget(ROOT, platform, arch).addon)
    }
    expect(from![1]).toContain(`electron-${abi}-`)
    expect(from![2]).toBe('native/better_sqlite3.node')
    expect(read('scripts/packaged-check.mjs')).toContain(`NATIVE_IN_RESOURCES = '${from![2]}'`)
    expect(read('src-main/hosts/electron/native.ts')).toContain("join(c.resourcesPath, 'native', ADDON)")
    expect(builder).toMatch(/^npmRebuild: false$/m)
    expect(builder).toContain("- '!node_modules/better-sqlite3/{build,deps,src}/**'")
    expect(JSON.stringify(pkg.scripts)).not.toMatch(/install-app-deps|electron-rebuild|postinstall/)
  })

  it('registers .wsbundle as the document type, per machine on Windows', () => {
    const assoc = builder.slice(builder.indexOf('fileAssociations:'))
    expect(assoc).toMatch(new RegExp(`- ext: ${BUNDLE_EXT.slice(1)}\\n`))
    expect(assoc).toMatch(/mimeType: application\/x-ibkr-wsbundle/)
    expect(assoc).toMatch(/role: Viewer/)
    expect(builder).toMatch(/^nsis:\n\s+perMachine: true$/m)
  })

  it('keeps the desktop smoke test out of npm test', () => {
    expect(read('playwright.config.ts')).toMatch(/testDir: 'tests\/e2e'/)
    expect(read('playwright.desktop.config.ts')).toMatch(/testDir: 'tests\/desktop'/)
    expect(read('scripts/test-all.mjs')).not.toContain('playwright.desktop.config')
    expect(read('vitest.config.mts')).not.toContain('tests/desktop')
  })
})
