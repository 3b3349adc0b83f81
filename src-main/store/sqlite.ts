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

let nativeBinding: string | undefined

/** Set once by the Electron host before the first open: the absolute path of the Electron-ABI addon. */
export function useNativeBinding(path: string | undefined): void {
  nativeBinding = path
}

export function openSqlite(file: string, opts: OpenSqliteOptions = {}): SqliteDatabase {
  return new Database(file, { ...opts, ...(nativeBinding ? { nativeBinding } : {}) })
}
