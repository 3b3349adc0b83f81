import { describe, expect, it } from 'vitest'
import { read } from './source-files'

// RELIABILITY.md §2.2 (S6): fuse values in the packager config, and what the package must carry.
function yamlScalar(yaml: string, key: string): string | undefined {
  return new RegExp(`^\\s+${key}:\\s*(\\S+)`, 'm').exec(yaml)?.[1]
}

describe('packaging config', () => {
  const yml = read('electron-builder.yml')

  it('sets every Electron fuse as RELIABILITY.md §2.2 requires', () => {
    expect({
      runAsNode: yamlScalar(yml, 'runAsNode'),
      enableCookieEncryption: yamlScalar(yml, 'enableCookieEncryption'),
      enableNodeOptionsEnvironmentVariable: yamlScalar(yml, 'enableNodeOptionsEnvironmentVariable'),
      enableNodeCliInspectArguments: yamlScalar(yml, 'enableNodeCliInspectArguments'),
      enableEmbeddedAsarIntegrityValidation: yamlScalar(yml, 'enableEmbeddedAsarIntegrityValidation'),
      onlyLoadAppFromAsar: yamlScalar(yml, 'onlyLoadAppFromAsar'),
      grantFileProtocolExtraPrivileges: yamlScalar(yml, 'grantFileProtocolExtraPrivileges'),
    }).toEqual({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    })
  })

  it('ships the migrations and unpacks native modules', () => {
    expect(yml).toMatch(/^\s+- migrations\/\*\*$/m)
    expect(yml).toMatch(/^\s+- ['"]\*\*\/\*\.node['"]$/m)
  })

  it('pins every dependency exactly and never sets engine-strict', () => {
    const pkg = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/)
    }
    expect(pkg.dependencies['better-sqlite3']).toBe('12.11.1')
    expect(read('package.json')).not.toContain('engine-strict')
  })

  it('keeps the preload CommonJS for the sandbox (no "type": "module")', () => {
    expect(JSON.parse(read('package.json')).type).toBeUndefined()
  })
})
