import Database from 'better-sqlite3'

/**
 * The one place a SQLite database is opened (a static test enforces it). Under Electron the
 * better-sqlite3 addon built for Electron's ABI is passed as `nativeBinding` (DESKTOP.md §7); under
 * plain Node the package's own build loads.
 */
export type SqliteDatabase = Database.Database

export interface OpenSqliteOptions {
  readonly?: boolean
  fileMustExist?: boolean
  /** busy_timeout in ms. */
  timeout?: number
}

/** The native addon could not be loaded: the message is one sentence that names the fix. */
export class NativeModuleError extends Error {
  override name = 'NativeModuleError'
}

let nativeBinding: string | undefined
let fix = 'run `npm rebuild better-sqlite3` so the SQLite module matches this Node.js'

/**
 * Set once by the Electron host before the first open: the absolute path of the Electron-ABI addon,
 * and what the user should do if it does not load (build it, or reinstall the app).
 */
export function useNativeBinding(path: string | undefined, howToFix?: string): void {
  nativeBinding = path
  if (howToFix) fix = howToFix
}

/** The addon path in use (undefined: the package's own Node build). */
export function nativeBindingPath(): string | undefined {
  return nativeBinding
}

/** Map a failure to load the addon to one sentence naming the fix; null when it is not a load failure. */
export function explainNativeLoadFailure(e: unknown, binding = nativeBinding, howToFix = fix): string | null {
  const err = e as { code?: string; message?: string } | null
  const message = err?.message ?? String(e)
  const what = binding ? `the SQLite module at ${binding}` : 'the SQLite module (better-sqlite3)'
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message)
  if (abi)
    return (
      `Cannot load ${what}: it was built for NODE_MODULE_VERSION ${abi[1]} ` +
      `but this runtime needs ${abi[2]}; ${howToFix}.`
    )
  if (err?.code === 'MODULE_NOT_FOUND' && binding && message.includes(binding.replace(/\.node$/, '')))
    return `Cannot load ${what}: the file is missing; ${howToFix}.`
  if (err?.code === 'ERR_DLOPEN_FAILED') {
    const first = message.split('\n')[0]!.replace(/[.\s]+$/, '')
    return `Cannot load ${what} (${first}); ${howToFix}.`
  }
  return null
}

export function openSqlite(file: string, opts: OpenSqliteOptions = {}): SqliteDatabase {
  try {
    return new Database(file, { ...opts, ...(nativeBinding ? { nativeBinding } : {}) })
  } catch (e) {
    const sentence = explainNativeLoadFailure(e)
    if (sentence) throw new NativeModuleError(sentence, { cause: e })
    throw e
  }
}
