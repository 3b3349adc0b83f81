import { describe, expect, it } from 'vitest'
import { read, sourceFiles } from './source-files'

// DESKTOP.md §7: every database opens through openSqlite (src-main/store/sqlite.ts), which passes the
// Electron-ABI nativeBinding under Electron. A stray `new Database(` would load the Node build there and fail.

/**
 * Tests that deliberately open a fixture with raw better-sqlite3, to inspect or corrupt what the
 * engine wrote from outside it (a second process's view). Nothing here runs under Electron.
 */
const FIXTURE_EXCEPTIONS = [
  'src-main/store/bundles-library.test.ts', // tampers with an imported bundle
  'src-main/store/bundles.test.ts', // reads and tampers with an exported bundle
  'src-main/store/db.test.ts', // opens a backup and the file after a simulated crash
  'tests/fixtures/crash-core.ts', // opens the newest backup the crash child left
  'tests/integration/web-host.test.ts', // reads the web host's database after it stopped
  'src-main/store/bundle-import.test.ts', // writes hostile bundles (views, triggers) to prove import refuses them
  'tests/e2e/bundle-import-safety.spec.ts', // writes a hostile bundle for the import-refusal e2e
]

const files = () =>
  ['src-main', 'tests', 'bench', 'scripts'].flatMap((d) => sourceFiles(d, ['.ts', '.tsx', '.mjs', '.js']))

describe('one SQLite factory', () => {
  it('has no `new Database(` in src-main outside store/sqlite.ts', () => {
    const offenders = sourceFiles('src-main').filter(
      (f) => f !== 'src-main/store/sqlite.ts' && !f.endsWith('.test.ts') && /new\s+Database\s*\(/.test(read(f)),
    )
    expect(offenders).toEqual([])
    expect(read('src-main/store/sqlite.ts')).toMatch(/new Database\(file, \{ \.\.\.opts, \.\.\.\(nativeBinding/)
  })

  it('imports better-sqlite3 as a value only in the factory and the named fixture tests', () => {
    const offenders = files().filter((f) => {
      const src = read(f)
      const valueImport = /import\s+(?!type\b)[^'"]*from\s+['"]better-sqlite3['"]|require\(['"]better-sqlite3['"]\)/
      return valueImport.test(src) && f !== 'src-main/store/sqlite.ts' && !FIXTURE_EXCEPTIONS.includes(f)
    })
    expect(offenders).toEqual([])
  })

  it('keeps the exception list honest (each named file still opens a fixture)', () => {
    for (const f of FIXTURE_EXCEPTIONS) expect(read(f), f).toMatch(/new\s+Database\s*\(/)
  })
})
