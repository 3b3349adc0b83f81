import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { explainNativeLoadFailure, NativeModuleError, openSqlite, useNativeBinding } from './sqlite'

const FIX = 'run `node scripts/native-electron.mjs` to build it for Electron'
const nodeBuild = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
)

describe('openSqlite (the one database factory)', () => {
  afterEach(() => useNativeBinding(undefined))

  it('opens a real file with the package build under Node', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ibkr-ws-sqlite-')), 'a.sqlite')
    const db = openSqlite(file)
    db.exec('CREATE TABLE t (x INTEGER)')
    db.prepare('INSERT INTO t VALUES (?)').run(7)
    expect(db.prepare('SELECT x FROM t').pluck().get()).toBe(7)
    db.close()
    const ro = openSqlite(file, { readonly: true, fileMustExist: true })
    expect(ro.readonly).toBe(true)
    ro.close()
  })

  it('loads the addon given as nativeBinding (an absolute path, as the Electron host passes it)', () => {
    useNativeBinding(nodeBuild, FIX)
    const db = openSqlite(':memory:')
    expect(db.prepare('SELECT sqlite_version()').pluck().get()).toMatch(/^3\.\d+\.\d+$/)
    db.close()
  })

  it('turns a missing addon file into one sentence that names the fix', () => {
    const missing = join(tmpdir(), 'no-such-dir', 'better_sqlite3.node')
    useNativeBinding(missing, FIX)
    let err: unknown
    try {
      openSqlite(':memory:')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(NativeModuleError)
    const message = (err as Error).message
    expect(message).toBe(`Cannot load the SQLite module at ${missing}: the file is missing; ${FIX}.`)
    expect(message.split(/\.\s/)).toHaveLength(1)
  })

  it('names both ABIs and the fix for a module built for another Node.js version', () => {
    // The exact error Node and Electron raise (ERR_DLOPEN_FAILED); a wrong-ABI build cannot be made here.
    const e = Object.assign(
      new Error(
        `The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\n` +
          `NODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 150. Please try ` +
          `re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    )
    expect(explainNativeLoadFailure(e, '/x/better_sqlite3.node', FIX)).toBe(
      'Cannot load the SQLite module at /x/better_sqlite3.node: it was built for NODE_MODULE_VERSION 115 but this ' +
        `runtime needs 150; ${FIX}.`,
    )
    const other = Object.assign(new Error('/x/better_sqlite3.node: invalid ELF header'), { code: 'ERR_DLOPEN_FAILED' })
    expect(explainNativeLoadFailure(other, '/x/better_sqlite3.node', FIX)).toBe(
      `Cannot load the SQLite module at /x/better_sqlite3.node (/x/better_sqlite3.node: invalid ELF header); ${FIX}.`,
    )
  })

  it('leaves ordinary SQLite errors alone', () => {
    expect(() => openSqlite(join(tmpdir(), 'no-such-dir', 'x.sqlite'))).toThrow(TypeError)
    expect(explainNativeLoadFailure(new Error('SQLITE_BUSY'))).toBeNull()
  })
})
